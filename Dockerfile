FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# WeasyPrint needs Pango; fonts and Swedish hyphenation come from Debian; gettext compiles messages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation2 \
       hyphen-sv gettext curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock pyproject.toml ./
RUN pip install --require-hashes -r requirements.lock
COPY . .
# Build steps touch no service: the embedded local mode lets settings load without them.
RUN DJANGO_ENV=local python manage.py compilemessages --ignore=.venv -v 0 \
    && DJANGO_ENV=local python manage.py collectstatic --no-input -v 0 \
    && useradd --system --home /app app && mkdir -p /app/var && chown -R app /app/var
USER app
# Production: settings refuse to start without DJANGO_SECRET_KEY, DATABASE_URL, REDIS_URL, EMAIL_URL.
ENV DJANGO_ENV=production
EXPOSE 8000
CMD ["gunicorn", "ale_safety.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
