FROM node:20-alpine
# fires
RUN npm install -g typescript@5.5.4 ts-node
# fires
RUN npm i @scope/tool@latest
