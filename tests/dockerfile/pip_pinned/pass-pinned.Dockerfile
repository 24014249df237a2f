FROM python:3.12-slim
RUN pip install --no-cache-dir -r requirements.txt
RUN pip install --no-cache-dir "flask>=3,<4" gunicorn==22.0.0 ./dist/app-1.0-py3-none-any.whl .
RUN pip install --no-cache-dir -c constraints.txt flask
RUN pip install --no-cache-dir git+https://github.com/example/lib.git@v1.2.0 -e ./src
