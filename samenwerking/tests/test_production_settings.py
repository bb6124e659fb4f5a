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
