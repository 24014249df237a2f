FROM node:20-alpine
RUN npm ci
RUN npm install
RUN npm install --omit=dev
RUN npm install @scope/tool@1.2.3 express@4.19.2 ./local-module git+https://github.com/example/lib.git#v1.0.0 lib.tgz
