"""The embedded demo: SQLite, Celery eager, mail to the console, no servers needed."""

import os

os.environ.setdefault("SECRET_KEY", "dev-only-not-secret-samenwerkingsdossier")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SAMENWERKING_REQUIRE_MFA", "false")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

from .base import *  # noqa: E402,F403
