"""End to end: the login page with the government's identity provider switched on.

The button is a real button in a form of its own, named by its text, reached with the
keyboard and drawn with a visible focus ring; the page passes axe-core (contrast included).
The screenshot is kept in /tmp/browser-shots for a person to look at.
"""

import pytest
from playwright.sync_api import Page, expect

from samenwerking.settings.oidc import PROVIDER_ID, socialaccount_providers

pytestmark = pytest.mark.browser


@pytest.fixture
def provider_on(settings):
    settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers(
        issuer="https://authenticatie.vlaanderen.be/op",
        client_id="samenwerkingsdossier",
        secret="not-used-here",
        name="de Vlaamse overheid",
    )


def test_the_login_page_offers_the_identity_provider(
    page: Page, live_server, transactional_db, provider_on, screenshot
):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/account/login/")

    button = page.locator("form.login-provider button[type=submit]")
    expect(button).to_have_count(1)
    expect(button).to_be_visible()
    name = button.evaluate("b => b.textContent.trim()")
    assert name  # its own text names it
    expect(page.get_by_role("button", name=name)).to_have_count(1)
    form = page.locator("form.login-provider")
    expect(form).to_have_attribute("action", f"/account/oidc/{PROVIDER_ID}/login/")
    expect(form).to_have_attribute("method", "post")

    # reached with the keyboard, after the password form's own button, with a visible ring
    page.locator("form.allauth-form button[type=submit]").focus()
    page.keyboard.press("Tab")
    assert button.evaluate("b => document.activeElement === b")
    outline = button.evaluate(
        "b => getComputedStyle(b).outlineStyle + ' ' + getComputedStyle(b).outlineWidth"
    )
    assert outline.split()[0] != "none" and outline.split()[1] != "0px", outline

    screenshot()  # axe-core first: WCAG 2.1 A and AA, contrast included
