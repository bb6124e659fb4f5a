"""Settings are read from the environment and fail loudly on bad values."""

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from samenwerking.env import env_bool, env_int, env_list


def test_env_bool_reads_common_spellings(monkeypatch):
    monkeypatch.setenv("X_FLAG", "Yes")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env_bool("X_FLAG", True) is False


def test_env_bool_refuses_a_typo(monkeypatch):
    monkeypatch.setenv("X_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG", False)


def test_env_int_refuses_words(monkeypatch):
    monkeypatch.setenv("X_NUMBER", "dertig")
    with pytest.raises(ImproperlyConfigured, match="X_NUMBER"):
        env_int("X_NUMBER", 1)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("X_HOSTS", " a.be, b.be ,,")
    assert env_list("X_HOSTS") == ["a.be", "b.be"]


def _import_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    code = "import samenwerking.settings.base"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


def test_mfa_cannot_be_switched_off_on_postgresql():
    result = _import_settings(
        {
            "SECRET_KEY": "x",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/samenwerking",
            "SAMENWERKING_REQUIRE_MFA": "false",
        }
    )
    assert result.returncode != 0
    assert "SAMENWERKING_REQUIRE_MFA" in result.stderr


def test_mfa_can_be_switched_off_for_the_embedded_demo():
    result = _import_settings(
        {
            "SECRET_KEY": "x",
            "DATABASE_URL": "sqlite:///demo.sqlite3",
            "SAMENWERKING_REQUIRE_MFA": "false",
        }
    )
    assert result.returncode == 0, result.stderr


def test_a_missing_secret_key_stops_the_app():
    result = _import_settings({"DATABASE_URL": "sqlite:///demo.sqlite3"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
