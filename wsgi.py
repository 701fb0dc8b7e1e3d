"""The WSGI entry point for gunicorn: `gunicorn wsgi:app`."""

from angela import config, create_app

app = create_app()
config.require_secret_key(app.config)
