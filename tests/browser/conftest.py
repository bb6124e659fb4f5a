"""Fixtures for the end-to-end tests: Debian's Chromium against pytest-django's live_server.

No browser can be downloaded on the build machines, so Playwright drives the system Chromium.
"""

import os
import time
from collections.abc import Callable

import pytest

# Playwright's sync API runs an event loop in the test thread; without this Django refuses the
# ORM calls the tests make while that loop is running.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from allauth.mfa import app_settings as mfa_settings  # noqa: E402
from allauth.mfa.models import Authenticator  # noqa: E402
from allauth.mfa.totp.internal.auth import (  # noqa: E402
    TOTP,
    format_hotp_value,
    hotp_value,
)
from allauth.mfa.utils import decrypt  # noqa: E402
from django.core.cache import cache  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

from accounts.models import User  # noqa: E402

_AXE = None

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "een-sterk-wachtwoord"
# Screenshots for a person to look at, kept outside the repository.
SHOTS = "/tmp/browser-shots"  # noqa: S108


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "nl-BE", "timezone_id": "Europe/Brussels"}


def totp_code(user: User) -> str:
    """The code the user's authenticator app shows now, computed the way allauth checks it.

    allauth accepts only the current 30-second step and each code once per user, so wait for
    the next step when the current one is about to end or its code was already used.
    """
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    period = mfa_settings.TOTP_PERIOD
    while True:
        now = time.time()
        remaining = period - now % period
        if remaining > 3:
            code = format_hotp_value(hotp_value(secret, int(now) // period))
            used_key = TOTP(authenticator)._get_used_cache_key(code)
            if cache.get(used_key) is None:
                return code
        time.sleep(remaining + 0.1)


@pytest.fixture
def login(page: Page, live_server) -> Callable[..., Page]:
    """Log ``user`` in through the real login form, and the TOTP step when they have MFA."""

    def _login(user: User, password: str = PASSWORD) -> Page:
        page.goto(f"{live_server.url}/account/login/")
        page.locator("input[name=login]").fill(user.email)
        page.locator("input[name=password]").fill(password)
        page.locator("form:has(input[name=login]) button[type=submit]").click()
        if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            expect(page).to_have_url(f"{live_server.url}/account/2fa/authenticate/")
            page.locator("input[name=code]").fill(totp_code(user))
            # The form's own submit button; "Cancel" belongs to the logout form.
            page.locator("form:has(input[name=code]) button[type=submit]:not([form])").click()
        expect(page).to_have_url(f"{live_server.url}/")
        return page

    return _login


def assert_accessible(page: Page) -> None:
    """axe-core (the copy bundled with axe-playwright-python, nothing fetched) finds no
    violation of the WCAG 2 A and AA rules on the page as it is now."""
    global _AXE
    if _AXE is None:
        from axe_playwright_python.sync_playwright import Axe

        _AXE = Axe()
    results = _AXE.run(
        page,
        options={
            "resultTypes": ["violations"],
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            # axe's "cssom" preload re-parses every @import-ed stylesheet (the
            # admin's forms.css) in a <style> element it adds to the page, which the app's CSP
            # refuses, so each run logged two CSP errors of its own. Only the experimental
            # css-orientation-lock rule, which these tags do not run, reads that preload.
            "preload": {"assets": ["media"]},
        },
    )
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


@pytest.fixture
def screenshot(page: Page, request) -> Callable[[], str]:
    """Save one full-page screenshot of the current page, named after the test, after axe-core
    has checked it."""

    def _screenshot() -> str:
        assert_accessible(page)
        os.makedirs(SHOTS, exist_ok=True)
        path = os.path.join(SHOTS, f"{request.node.originalname}.png")
        page.screenshot(path=path, full_page=True)
        return path

    return _screenshot
