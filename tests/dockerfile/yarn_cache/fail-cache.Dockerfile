FROM node:20
# fires
RUN yarn install --frozen-lockfile
# fires
RUN yarn
