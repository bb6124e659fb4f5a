"""The production settings refuse to start without the services production runs on."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

BASE = {
    "DJANGO_SETTINGS_MODULE": "samenwerking.settings.production",
    "SECRET_KEY": "test-only-not-secret",
    "ALLOWED_HOSTS": "samenwerking.example.be",
    "PATH": os.environ.get("PATH", ""),
}


def start(**env) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()"],
        env={**BASE, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, "DATABASE_URL"),
        (
            {"DATABASE_URL": "sqlite:///var/x.sqlite3", "REDIS_URL": "redis://x:6379/0"},
            "DATABASE_URL",
        ),
        ({"DATABASE_URL": "postgres://u@127.0.0.1:5432/x"}, "REDIS_URL"),
    ],
)
def test_production_refuses_to_start_without_postgresql_and_redis(env, missing):
    result = start(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr.splitlines()[-1]


def test_production_starts_with_both():
    result = start(DATABASE_URL="postgres://u@127.0.0.1:5432/x", REDIS_URL="redis://x:6379/0")
    assert result.returncode == 0, result.stderr


def in_a_django_process(code: str, **env) -> subprocess.CompletedProcess:
    """Run ``code`` after django.setup() with the test settings on this machine's PostgreSQL."""
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/postgres"
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        env={
            "DJANGO_SETTINGS_MODULE": "samenwerking.settings.test",
            "PATH": os.environ.get("PATH", ""),
            "DATABASE_URL": url,
            "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            **env,
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


SLEEP = """
from django.db import connection, OperationalError
with connection.cursor() as cursor:
    cursor.execute("SHOW statement_timeout")
    print(cursor.fetchone()[0])
    try:
        cursor.execute("SELECT pg_sleep(2)")
        print("finished")
    except OperationalError as error:
        print(type(error.__cause__).__name__)
"""


def test_a_statement_over_the_configured_timeout_is_cancelled():
    result = in_a_django_process(SLEEP, DATABASE_STATEMENT_TIMEOUT_MS="300")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["300ms", "QueryCanceled"]


def test_without_a_timeout_a_long_statement_finishes():
    result = in_a_django_process(SLEEP)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "finished"]
