FROM node:20 AS build
RUN yarn install --frozen-lockfile
FROM node:20
RUN yarn install --frozen-lockfile && yarn cache clean
RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install --frozen-lockfile
RUN yarn build
