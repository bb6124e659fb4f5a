"""Failed logins are limited per account and per address, and the address is one we can trust.

Five failures lock one account for five minutes; thirty failures from one address lock that
address, which leaves room for a school whose staff share one NAT address. X-Forwarded-For counts
only with TRUSTED_PROXY_COUNT > 0, which docker-compose.yml sets for its own proxy.
"""

import os
import random
import subprocess
import sys

import pytest
from django.conf import settings

from accounts.tests.factories import UserFactory
from accounts.tests.logins import (
    PASSWORD,
    TOO_MANY_ATTEMPTS,
    logged_in_as,
    login_with_totp,
    page_text,
    post_login,
)

pytestmark = pytest.mark.usefixtures("rate_limit_counters_reset")

SCHOOL = "198.51.100.20"  # one school's NAT address
ELSEWHERE = "198.51.100.99"
PROXY = "172.18.0.5"  # the reverse proxy's address on the compose network


def random_address() -> str:
    return ".".join(str(random.randint(1, 254)) for _ in range(4))  # noqa: S311


def refused_as_too_many(response) -> bool:
    return response.status_code == 200 and TOO_MANY_ATTEMPTS in page_text(response)


def fail_many(client, clock, count, *, emails, **extra):
    """``count`` wrong passwords over ``emails`` in turn, a few seconds apart (below 30 a minute)."""
    for attempt in range(count):
        response = post_login(client, emails[attempt % len(emails)], "fout-wachtwoord", **extra)
        assert response.status_code == 200
        assert not refused_as_too_many(response), f"attempt {attempt + 1} was refused as too many"
        clock.advance(5)


def test_wrong_passwords_for_one_account_are_blocked_whatever_x_forwarded_for_says(
    client, db, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    user = UserFactory(email="zorg@school.be", with_mfa=True)

    responses = [
        post_login(
            client,
            user.email,
            "fout-wachtwoord",
            REMOTE_ADDR=SCHOOL,
            HTTP_X_FORWARDED_FOR=random_address(),
        )
        for _ in range(20)
    ]
    right_password = login_with_totp(
        client, user, REMOTE_ADDR=SCHOOL, HTTP_X_FORWARDED_FOR=random_address()
    )

    assert [refused_as_too_many(r) for r in responses] == [False] * 5 + [True] * 15
    assert refused_as_too_many(right_password)
    assert not logged_in_as(client, user)


def test_varying_the_host_header_does_not_give_an_account_fresh_attempts(client, db):
    user = UserFactory(email="zorg@school.be")

    for port in range(1, 6):
        post_login(client, user.email, "fout-wachtwoord", HTTP_HOST=f"testserver:{port}")
    blocked = post_login(client, user.email, PASSWORD, HTTP_HOST="testserver:6")

    assert refused_as_too_many(blocked)
    assert not logged_in_as(client, user)


def test_colleagues_behind_the_same_address_still_log_in_after_one_account_is_locked(
    client, db, rate_limit_clock
):
    locked = UserFactory(email="vergeten@school.be", with_mfa=True)
    colleague = UserFactory(email="collega@school.be", with_mfa=True)
    fail_many(client, rate_limit_clock, 5, emails=[locked.email], REMOTE_ADDR=SCHOOL)
    # The locked person keeps trying; those refusals must not use up the school's budget.
    for retry in range(30):
        assert refused_as_too_many(post_login(client, locked.email, PASSWORD, REMOTE_ADDR=SCHOOL))
        if retry % 4 == 3:
            rate_limit_clock.advance(10)

    response = login_with_totp(client, colleague, REMOTE_ADDR=SCHOOL)

    assert response.status_code == 302
    assert logged_in_as(client, colleague)
    client.logout()
    assert refused_as_too_many(login_with_totp(client, locked, REMOTE_ADDR=SCHOOL))


def test_password_and_code_log_in_below_the_address_threshold(client, db, rate_limit_clock):
    """29 failures from the school's address over several accounts; an account that never failed."""
    colleagues = [UserFactory(email=f"collega{i}@school.be") for i in range(6)]
    emails = [c.email for c in colleagues] + ["bestaat-niet@school.be"]
    fail_many(client, rate_limit_clock, 29, emails=emails, REMOTE_ADDR=SCHOOL)
    directie = UserFactory(email="directie@school.be", with_mfa=True)

    response = login_with_totp(client, directie, REMOTE_ADDR=SCHOOL)

    assert response.status_code == 302
    assert logged_in_as(client, directie)


ADDRESS_CASES = {
    # no proxy: the header is the client's own words; the connection's address counts
    "without a proxy": (
        0,
        lambda: {"REMOTE_ADDR": SCHOOL, "HTTP_X_FORWARDED_FOR": random_address()},
        lambda: {"REMOTE_ADDR": ELSEWHERE, "HTTP_X_FORWARDED_FOR": random_address()},
    ),
    # behind our proxy, which overwrites the header: the address it wrote counts
    "behind the proxy": (
        1,
        lambda: {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": SCHOOL},
        lambda: {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": ELSEWHERE},
    ),
}


@pytest.mark.parametrize(
    ("proxy_count", "from_school", "from_elsewhere"),
    ADDRESS_CASES.values(),
    ids=ADDRESS_CASES.keys(),
)
def test_thirty_failures_lock_the_address_that_counts(
    client, db, rate_limit_clock, settings, proxy_count, from_school, from_elsewhere
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxy_count
    emails = [f"gok{i}@school.be" for i in range(10)]
    for attempt in range(30):
        post_login(client, emails[attempt % 10], "fout-wachtwoord", **from_school())
        rate_limit_clock.advance(5)
    never_failed = UserFactory(email="nooit-fout@school.be")

    same_address = post_login(client, never_failed.email, PASSWORD, **from_school())
    other_address = post_login(client, never_failed.email, PASSWORD, **from_elsewhere())

    assert refused_as_too_many(same_address)
    assert other_address.status_code == 302
    assert logged_in_as(client, never_failed)


def test_with_one_proxy_only_the_address_it_added_counts(client, db, settings, rate_limit_clock):
    """A proxy that appended instead of overwriting: the client's own entries are ignored."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for attempt in range(30):
        post_login(
            client,
            f"gok{attempt}@school.be",
            "fout-wachtwoord",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"{random_address()}, {SCHOOL}",
        )
        rate_limit_clock.advance(5)
    never_failed = UserFactory(email="nooit-fout@school.be")

    response = post_login(
        client, never_failed.email, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=SCHOOL
    )

    assert refused_as_too_many(response)


def test_too_many_login_posts_from_one_address_get_a_dutch_page(client, db):
    """The per-address "login" limit (30 posts a minute) answers 429, in Dutch."""
    statuses = [post_login(client, f"gok{i}@school.be", "fout").status_code for i in range(30)]
    response = post_login(client, "nog-een@school.be", "fout")

    assert 429 not in statuses
    assert response.status_code == 429
    assert "Te veel pogingen" in page_text(response)


# --- X-Forwarded-Proto: trusted only behind the proxy -----------------------------------------

PRODUCTION_REQUEST = """
from django.conf import settings
from django.test import Client
# The hashed static names come from collectstatic at build time (the Dockerfile); the 404 page
# here is asked for without a build, so its stylesheet link uses the plain name.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
response = Client().get("/no-such-page/", HTTP_X_FORWARDED_PROTO="https")
print(response.status_code, response.get("Location", ""))
"""


def production_answer(proxy_count: int) -> str:
    """How the production settings answer a plain-HTTP request that claims to be HTTPS."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samenwerking.settings.production",
        "SECRET_KEY": "test-only-not-secret",
        # production needs both; the request below reads neither
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "REDIS_URL": os.environ["REDIS_URL"],
        "ALLOWED_HOSTS": "testserver",
        "TRUSTED_PROXY_COUNT": str(proxy_count),
    }
    script = "import django; django.setup()\n" + PRODUCTION_REQUEST
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_without_a_proxy_a_client_cannot_claim_https():
    assert production_answer(0) == "301 https://testserver/no-such-page/"


def test_behind_the_proxy_its_x_forwarded_proto_counts():
    assert production_answer(1).startswith("404")
