"""Production: secrets and services from the environment, strict transport security."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import REDIS_URL, TRUSTED_PROXY_COUNT, USES_EMBEDDED_DATABASE, env_bool, env_int

# Production never falls back to the embedded demo database or to running tasks in the web
# process: without PostgreSQL and Redis it refuses to start, and says which one is missing.
if USES_EMBEDDED_DATABASE:
    raise ImproperlyConfigured(
        "DATABASE_URL must point at PostgreSQL in production (postgres://user@host:5432/name)."
    )
if not REDIS_URL:
    raise ImproperlyConfigured(
        "REDIS_URL is required in production: it carries the Celery queue, the cache and the "
        "login rate limits (redis://host:6379/0)."
    )

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# X-Forwarded-Proto says "https" only when our own proxy wrote it; without one, any client could.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT > 0 else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Secure-sessionid"
CSRF_COOKIE_NAME = "__Secure-csrftoken"
