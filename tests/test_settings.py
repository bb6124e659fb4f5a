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


_OIDC_BASE = {"SECRET_KEY": "x", "DATABASE_URL": "sqlite:///demo.sqlite3"}


def _oidc_settings(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", f"from samenwerking.settings import base; {code}"],
        env=_OIDC_BASE | env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_identity_providers_login_is_off_without_an_issuer():
    result = _oidc_settings({}, "print(base.OIDC_ENABLED, base.SOCIALACCOUNT_PROVIDERS)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False {'openid_connect': {'APPS': []}}"


def test_an_issuer_lets_the_login_form_be_sent_on_to_it():
    result = _oidc_settings(
        {
            "OIDC_ISSUER_URL": "https://authenticatie.vlaanderen.be/op",
            "OIDC_CLIENT_ID": "client",
            "OIDC_CLIENT_SECRET": "secret",
        },
        "print(base.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[\"'self'\", 'https://authenticatie.vlaanderen.be']"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"OIDC_ISSUER_URL": "https://idp.example.be"}, "OIDC_CLIENT_ID and OIDC_CLIENT_SECRET"),
        (
            {"OIDC_ISSUER_URL": "http://idp.example.be", "OIDC_CLIENT_ID": "c"}
            | {"OIDC_CLIENT_SECRET": "s"},
            "https://",
        ),
        (
            {"OIDC_ISSUER_URL": "https://idp.example.be", "OIDC_CLIENT_ID": "c"}
            | {"OIDC_CLIENT_SECRET": "s", "OIDC_SCOPES": "profile,email"},
            "OIDC_SCOPES",
        ),
    ],
)
def test_a_half_configured_identity_provider_stops_the_app(env, named):
    result = _oidc_settings(env, "pass")
    assert result.returncode != 0
    assert named in result.stderr
