FROM postgres:16
ENV POSTGRES_PASSWORD_FILE=/run/secrets/db-password
ENV GPG_KEY A035C8C19219BA821ECEA86B64E628F8D684696D
ENV TOKEN_URL=https://auth.example.com/token SECRET_NAME=db-credentials
ENV PASSWORD=
ARG APP_VERSION=1.0
RUN --mount=type=secret,id=npm_token npm ci
