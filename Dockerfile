# Komvos in one image: the web app (gunicorn), the mail worker and the scheduler.
#   docker build -t komvos .
# compose.yaml runs it with PostgreSQL and Redis; the README's "Production" says how.

# Build: the locked dependencies into a virtual environment, the translations compiled.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/komvos
# Only the lock first, so that a change to the code reuses this (slow) layer.
COPY requirements/lock.txt /tmp/lock.txt
RUN /opt/komvos/bin/pip install --require-hashes --no-deps -r /tmp/lock.txt
WORKDIR /app
COPY . .
RUN /opt/komvos/bin/pybabel -q compile -d web/translations \
    && /opt/komvos/bin/python -m compileall -q web matching gunicorn.conf.py

# Run: the environment and the code, owned by root and read-only to the app's own user.
FROM python:3.11-slim
ENV PATH=/opt/komvos/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    KOMVOS_ENV=production
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin komvos \
    && mkdir -p /app/instance /var/lib/komvos \
    && chown komvos:komvos /app/instance /var/lib/komvos
COPY --from=build /opt/komvos /opt/komvos
COPY --from=build /app /app
WORKDIR /app
USER komvos
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health', timeout=4)"]
CMD ["gunicorn", "--config", "gunicorn.conf.py", "web:create_app()"]
