"""The test suite runs on the real PostgreSQL and Redis (DATABASE_URL, REDIS_URL)."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/samenwerking")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("SAMENWERKING_REQUIRE_MFA", "true")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from samenwerking.env import env_int, env_str  # noqa: E402

from .base import *  # noqa: E402,F403
from .base import REDIS_CACHE_BACKEND, REDIS_CACHE_OPTIONS, REDIS_URL  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Uploaded and generated files of a test run go to a folder of their own, not the checkout.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="samenwerking-test-media-"))
# WhiteNoise looks for collected static files; tests serve them from the finders instead.
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="samenwerking-test-static-"))
# Each test run gets its own cache namespace on the shared Redis.
CACHES = {
    alias: {
        "BACKEND": REDIS_CACHE_BACKEND,
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"samenwerking-test-{os.getpid()}-{alias}",
        "OPTIONS": REDIS_CACHE_OPTIONS,
    }
    for alias in ("default", "pages")
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = True
# A render slow enough to be killed halfway; only a worker process a test starts sets it.
REPORT_TEST_RENDER_DELAY = env_int("REPORT_TEST_RENDER_DELAY", 0)
# A real worker process started by a test (dossier/rapporten/tests/test_worker_lost.py) gets
# the test's queue and media folder, and leaves no remote control queue on the shared Redis.
TEST_WORKER_QUEUE = env_str("TEST_WORKER_QUEUE", "")
if TEST_WORKER_QUEUE:
    CELERY_TASK_ALWAYS_EAGER = False
    CELERY_TASK_DEFAULT_QUEUE = TEST_WORKER_QUEUE
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
    MEDIA_ROOT = Path(env_str("TEST_MEDIA_ROOT"))
