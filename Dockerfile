FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
# Editable, so the code runs from /app where templates/ and static/ live.
RUN pip install --no-cache-dir -e .
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost DJANGO_SETTINGS_MODULE=config.settings.production \
    python manage.py collectstatic --noinput -v0
# The code stays root-owned and read-only to the app; what it writes lives under /data (media,
# beat's schedule), which compose mounts as volumes.
RUN useradd --create-home app && mkdir -p /data/media /data/beat && chown -R app /data
ENV DJANGO_SETTINGS_MODULE=config.settings.production \
    MEDIA_ROOT=/data/media \
    CELERY_BEAT_SCHEDULE_FILENAME=/data/beat/celerybeat-schedule
USER app
EXPOSE 8000
