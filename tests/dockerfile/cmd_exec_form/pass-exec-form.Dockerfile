FROM python:3.12-slim
ENTRYPOINT ["python", "-m", "app"]
CMD ["--port", "8080"]
FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
CMD ping localhost
