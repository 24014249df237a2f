FROM debian:12.5
RUN set -euxo pipefail; curl -fsSL https://example.com/x.tar.gz | tar -xz
RUN ["sh", "-c", "a | b"]
RUN echo "a | b" || true
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/x.tar.gz | tar -xz
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command"]
RUN Get-ChildItem | Select-Object Name
