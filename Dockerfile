FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
# Editable, so the code runs from /app where templates/ and static/ live.
RUN pip install --no-cache-dir -e .
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost DJANGO_SETTINGS_MODULE=config.settings.production \
    python manage.py collectstatic --noinput -v0
RUN useradd --create-home app && mkdir -p /data/media && chown app /data/media
USER app
EXPOSE 8000
