"""What the in-process benchmarks share: Django on the test settings against a bench database,
its schema, and the authenticator app partner staff must have."""

from __future__ import annotations

import os


def setup_django(default_database_url: str) -> None:
    """Django with the test settings (DEBUG off) on DATABASE_URL, or on the default; the name
    must contain "bench", and the database is created when it is missing."""
    os.environ.setdefault("DATABASE_URL", default_database_url)
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "samenwerking.settings.test"
    import dj_database_url

    if "bench" not in dj_database_url.parse(os.environ["DATABASE_URL"])["NAME"]:
        raise SystemExit("Use a database whose name contains 'bench'.")
    from bench_signalenoverzicht import ensure_database

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host, the locmem mailbox


def migrate() -> None:
    from bench_signalenoverzicht import migrate as migrate_bench

    migrate_bench()


def with_authenticator(user) -> None:
    """Partner staff must use MFA: the person has an authenticator app."""
    from allauth.mfa.models import Authenticator

    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}}
    )
