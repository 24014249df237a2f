FROM node:20-alpine AS runtime
USER node
FROM runtime
COPY . /home/node/app
