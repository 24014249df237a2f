FROM 123456789012.dkr.ecr.eu-west-1.amazonaws.com/base/python:3.12 AS build
# fires
FROM python:3.12-slim
COPY --from=build /app /app
