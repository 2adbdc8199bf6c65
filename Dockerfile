# Khaya API image: the Flask app under gunicorn. The PWA build is copied in when it exists.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml requirements.lock ./
COPY backend ./backend
COPY migrations ./migrations
COPY seed ./seed
COPY frontend ./frontend
RUN pip install --no-cache-dir -c requirements.lock . \
    && useradd --system --home /app khaya
USER khaya
EXPOSE 8000
CMD ["sh", "-c", "flask --app khaya db upgrade && python -m seed demo && flask --app khaya push ensure-keys && exec gunicorn --bind 0.0.0.0:8000 --workers 2 --threads 4 'khaya:create_app()'"]
