"""The WSGI entry point for gunicorn: `gunicorn wsgi:app`."""

from angela import create_app

app = create_app()
