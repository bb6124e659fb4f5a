"""End to end: the two-step login and its pages, the account pages, and platform management.

Every allauth page a person can reach renders in the app's layout (its header, main and
footer, the app's stylesheet and icon) and passes axe-core; the two-step pages are also looked
at as screenshots at 1366 x 768 and on a tablet (820 x 1180, in /tmp/browser-shots). The
admin's pages pass axe-core too, and none of them logs a console error: no CSP violation, no
404 (the icon), no script error.

The tests named ``..._in_one_dutch`` read the pages' Dutch: they need the project's compiled
translations (locale/nl_BE) with the login strings in them.
"""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib import admin
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.roles import Role
from conftest import build_region, member
from dossier.core.models import Thema
from tests.browser.conftest import PASSWORD, SHOTS, assert_accessible, totp_code

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
TABLET = {"width": 820, "height": 1180}

# Words that only English has, and the formal Dutch the app does not use.
ENGLISH = re.compile(
    r"\b(?:the|your|you|please|sign|password|recovery|enter|generate|activate|deactivate|"
    r"confirm|cancel|view|unused|secret|two-factor|authentication|available|are|with)\b",
    re.IGNORECASE,
)
# "tweestapsverificatie", never "twee-factor-authenticatie"; "je", never "u"
FORMAL = re.compile(
    r"\b(?:u|uw|alstublieft|a\.u\.b\.?)(?!\w)|twee-factor|authenticatie\b", re.IGNORECASE
)

# Every violation of the Content Security Policy, whether or not the console reports it.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def region(transactional_db):
    return build_region()


@pytest.fixture
def problems(page: Page):
    """What goes wrong in the browser while the test runs: console errors (a CSP refusal, a
    404, a script error), uncaught exceptions and CSP violations."""
    found: list[str] = []
    page.add_init_script(CSP_LISTENER)
    page.on(
        "console",
        lambda message: (
            found.append(f"console {message.text} ({message.location.get('url')})")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: found.append(f"script error {error}"))

    def collect() -> list[str]:
        found.extend(page.evaluate("window.__cspViolations || []"))
        page.evaluate("window.__cspViolations = []")
        seen = list(found)
        found.clear()
        return seen

    return collect


def assert_app_layout(page: Page) -> None:
    """The page is the app's own: its header with the name, the main region, the footer, the
    app's stylesheet and icon; not allauth's bare layout (a "Menu:" list)."""
    expect(page.locator("header.topbar .brand")).to_be_visible()
    expect(page.locator("main#main.page")).to_have_count(1)
    expect(page.locator("footer.footer")).to_be_visible()
    expect(page.locator('link[rel="stylesheet"][href*="css/app"]')).to_have_count(1)
    expect(page.locator('link[rel="icon"][href*="favicon"]')).to_have_count(1)
    assert page.locator("main h1").count() == 1
    assert page.locator("body > div > strong").count() == 0  # allauth's "Messages:"/"Menu:"


def assert_one_dutch(page: Page) -> None:
    """No English left and no formal Dutch in the page's title and main text."""
    text = page.title() + "\n" + page.locator("main").inner_text()
    assert not ENGLISH.findall(text), f"{page.url}: English {ENGLISH.findall(text)}\n{text}"
    assert not FORMAL.findall(text), f"{page.url}: {FORMAL.findall(text)}\n{text}"


def check(page: Page, problems) -> None:
    assert_app_layout(page)
    assert_accessible(page)
    assert problems() == []


def shoot(page: Page, name: str) -> None:
    """Screenshots at 1366 x 768 and on a tablet, with axe-core run at both sizes."""
    import os

    os.makedirs(SHOTS, exist_ok=True)
    # nothing focused or selected by the keyboard checks before
    page.evaluate(
        """() => {
            const active = document.activeElement;
            if (active && active.setSelectionRange) active.setSelectionRange(0, 0);
            if (active) active.blur();
        }"""
    )
    for label, size in (("1366", LAPTOP), ("tablet", TABLET)):
        page.set_viewport_size(size)
        assert_accessible(page)
        page.screenshot(path=os.path.join(SHOTS, f"login-{name}-{label}.png"), full_page=True)
    page.set_viewport_size(LAPTOP)


def log_in_to_the_code_step(page: Page, live_server, user) -> None:
    page.goto(f"{live_server.url}/account/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=login]) button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/account/2fa/authenticate/")


def send_code(page: Page, code: str) -> None:
    page.locator("input[name=code]").fill(code)
    page.locator("form:has(input[name=code]) button[type=submit]:not([form])").click()


def code_for_secret(secret: str) -> str:
    """What an authenticator app set up with ``secret`` shows now (not in the last seconds
    of its 30-second step, which the server might already count as the next)."""
    while (remaining := 30 - time.time() % 30) < 3:
        time.sleep(remaining + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def focus_ring_on_tab_to(page: Page, selector: str, presses: int = 8) -> None:
    """The keyboard reaches ``selector`` and shows where it is."""
    page.locator("body").focus()
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            break
    else:
        raise AssertionError(f"Tab never reached {selector}")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), f"{selector} shows no focus ring"


# --- the two-step login -----------------------------------------------------------------------


def test_the_code_step_and_the_recovery_codes(page: Page, live_server, region, problems):
    """A CLB medewerker logs in with password and code, makes recovery codes, sees and
    downloads them, and logs in again with one of them instead of the app's code."""
    person = region.clb_medewerker_a
    page.set_viewport_size(LAPTOP)

    log_in_to_the_code_step(page, live_server, person)
    check(page, problems)
    expect(page.locator("label[for=id_code]")).to_be_visible()  # a visible label, not allauth's
    expect(page.locator("button[form=logout-from-stage]")).to_have_class(re.compile("quiet"))
    focus_ring_on_tab_to(page, "input[name=code]")
    shoot(page, "code-step")
    send_code(page, "000000")  # a wrong code: an error on the field, in the layout
    expect(page.locator("input[name=code][aria-invalid=true]")).to_have_count(1)
    expect(page.locator("#id_code_error")).to_be_visible()
    check(page, problems)
    send_code(page, totp_code(person))
    expect(page).to_have_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/account/2fa/")
    check(page, problems)
    assert page.locator("section.card.allauth-panel").count() == 2  # the app and the codes
    shoot(page, "security")

    page.goto(f"{live_server.url}/account/2fa/recovery-codes/generate/")
    check(page, problems)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/account/2fa/recovery-codes/")
    check(page, problems)
    codes = page.locator("textarea#recovery_codes").input_value().split()
    assert len(codes) == 10
    expect(page.locator("label[for=recovery_codes]")).to_be_visible()
    shoot(page, "recovery-codes")
    download = page.request.get(f"{live_server.url}/account/2fa/recovery-codes/download/")
    assert download.ok and download.text().split() == codes

    for path in ("/account/2fa/totp/deactivate/", "/account/2fa/reauthenticate/"):
        page.goto(f"{live_server.url}{path}")
        check(page, problems)

    # the next login with a recovery code instead of the authenticator app's
    page.locator("form[action='/account/logout/'] button").click()
    log_in_to_the_code_step(page, live_server, person)
    send_code(page, codes[0])
    expect(page).to_have_url(f"{live_server.url}/")
    assert problems() == []


def test_setting_up_the_authenticator_app(page: Page, live_server, region, problems):
    """Someone whose role requires two-step verification is sent to set it up at their first
    login, scans (here: types) the secret, and gets their recovery codes."""
    person = member(region.clb_a, Role.CLB_MEDEWERKER, mfa=False, email="nieuw@clbleie.be")
    page.set_viewport_size(LAPTOP)

    page.goto(f"{live_server.url}/account/login/")
    page.locator("input[name=login]").fill(person.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=login]) button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/account/2fa/totp/activate/")
    check(page, problems)
    expect(page.locator(".messages .message--warning")).to_have_count(1)
    qr = page.locator("img.totp-qr")
    expect(qr).to_be_visible()
    secret = page.locator("#authenticator_secret").input_value()
    assert secret and secret not in (qr.get_attribute("alt") or "")
    assert page.locator("#authenticator_secret").get_attribute("readonly") is not None
    focus_ring_on_tab_to(page, "#authenticator_secret", presses=12)
    shoot(page, "activate")

    send_code(page, code_for_secret(secret))
    expect(page).to_have_url(f"{live_server.url}/account/2fa/recovery-codes/")
    check(page, problems)
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/")  # no longer sent to the setup


# The pages of a logged-in person without an authenticator (the two-step ones are above).
ACCOUNT_PAGES = [
    "/account/password/change/",
    "/account/reauthenticate/",
    "/account/email/",
    "/account/logout/",
    "/account/2fa/",
]


LOGGED_OUT_PAGES = [
    "/account/login/",
    "/account/password/reset/",
    "/account/password/reset/done/",
    "/account/password/reset/key/zz-ongeldig/",  # a link that was used or mistyped
    "/account/password/reset/key/done/",
    "/account/signup/",  # closed
    "/account/inactive/",
    "/account/confirm-email/",
    "/account/confirm-email/onbekend/",
]


def test_the_account_pages_use_the_app_layout(page: Page, live_server, login, region, problems):
    page.set_viewport_size(LAPTOP)
    for path in LOGGED_OUT_PAGES:
        page.goto(f"{live_server.url}{path}")
        check(page, problems)

    login(region.zorg_a)  # no authenticator: the password pages, the e-mail addresses
    for path in ACCOUNT_PAGES:
        page.goto(f"{live_server.url}{path}")
        check(page, problems)


def test_a_wrong_password_reset_form_and_password_change_show_their_errors(
    page: Page, live_server, login, region, problems
):
    login(region.zorg_a)
    page.goto(f"{live_server.url}/account/password/change/")
    page.locator("input[name=oldpassword]").fill("niet-mijn-wachtwoord")
    page.locator("input[name=password1]").fill("kort")
    page.locator("input[name=password2]").fill("anders")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[aria-invalid=true]")).not_to_have_count(0)
    expect(page.locator(".form-errors")).to_be_visible()
    check(page, problems)


# --- one Dutch ----------------------------------------------------------------------------


def test_the_two_step_pages_in_one_dutch(page: Page, live_server, region, problems):
    """Needs the compiled translations: "tweestapsverificatie" and "je", nothing in English."""
    person = region.clb_medewerker_a
    log_in_to_the_code_step(page, live_server, person)
    assert_one_dutch(page)
    expect(page.locator("main h1")).to_have_text("Tweestapsverificatie")
    send_code(page, totp_code(person))
    for path in (
        "/account/2fa/",
        "/account/2fa/recovery-codes/generate/",
        "/account/2fa/totp/deactivate/",
        "/account/2fa/reauthenticate/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert_one_dutch(page)
    page.goto(f"{live_server.url}/account/2fa/recovery-codes/generate/")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/account/2fa/recovery-codes/")
    assert_one_dutch(page)

    newcomer = member(region.clb_a, Role.CLB_MEDEWERKER, mfa=False, email="nieuw@clbleie.be")
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/account/login/")
    page.locator("input[name=login]").fill(newcomer.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=login]) button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/account/2fa/totp/activate/")
    assert_one_dutch(page)
    assert problems() == []


def test_the_account_pages_in_one_dutch(page: Page, live_server, login, region, problems):
    """Needs the compiled translations."""
    for path in LOGGED_OUT_PAGES:
        page.goto(f"{live_server.url}{path}")
        assert_one_dutch(page)
    login(region.zorg_a)
    for path in ACCOUNT_PAGES:
        page.goto(f"{live_server.url}{path}")
        assert_one_dutch(page)
    # and the errors of a new password that breaks every rule
    page.goto(f"{live_server.url}/account/password/change/")
    page.locator("input[name=oldpassword]").fill("niet-mijn-wachtwoord")
    page.locator("input[name=password1]").fill("123")
    page.locator("input[name=password2]").fill("1234")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".form-errors")).to_be_visible()
    assert_one_dutch(page)
    assert problems() == []


# --- platform management ------------------------------------------------------------------


def admin_object(model, region):
    """An object to open in the admin: the region's, or one made for the page."""
    from allauth.socialaccount.models import SocialAccount

    from consultatie.models import Gespreksleidraad
    from dossier.bewaring.models import DeletionLog, RetentionPolicy

    existing = model._default_manager.order_by("pk").first()
    if existing is not None:
        return existing
    if model is Gespreksleidraad:
        return Gespreksleidraad.objects.create(organisation=region.clb_a, advice="Wat raad je aan?")
    if model is DeletionLog:
        return DeletionLog.objects.create(
            record_type="signaal",
            record_id=1,
            dossier_id=region.dossier_a.pk,
            closed_at="2020-01-01T00:00:00Z",
        )
    if model is RetentionPolicy:
        return RetentionPolicy.objects.create(record_type="signaal", school_years=5)
    if model is SocialAccount:
        # a link to the government's identity provider, as a first login there makes it
        return SocialAccount.objects.create(
            user=region.zorg_a, provider="vlaanderen", uid="subject-of-the-test"
        )
    return model._default_manager.create(name=f"{model._meta.verbose_name} (test)")


def _as(user):
    """A request of ``user``, to ask a model admin what it lets them do."""
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


def admin_pages(region) -> list[str]:
    """Every page of every model the platform administrator manages: the list (also searched
    and filtered), the form to add one, an object's form and its history."""
    pages = [reverse("admin:index"), reverse("admin:password_change")]
    for app_label in sorted({model._meta.app_label for model in admin.site._registry}):
        pages.append(reverse("admin:app_list", kwargs={"app_label": app_label}))
    for model, model_admin in sorted(
        admin.site._registry.items(), key=lambda item: item[0]._meta.label
    ):
        info = (model._meta.app_label, model._meta.model_name)
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        pages.append(changelist)
        if model_admin.get_search_fields(None):
            pages.append(f"{changelist}?q=a")
        if model_admin.has_add_permission(_as(region.platform_admin)):
            # (links to the identity provider are made by logging in there, not here)
            pages.append(reverse("admin:{}_{}_add".format(*info)))
        obj = admin_object(model, region)
        pages.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        pages.append(reverse("admin:{}_{}_history".format(*info), args=[obj.pk]))
    pages.append(reverse("admin:accounts_organisation_import"))
    pages.append(reverse("admin:accounts_membership_changelist") + "?status=pending&actief=ja")
    return pages


def test_every_admin_page_passes_axe_and_logs_no_error(
    page: Page, live_server, login, region, problems
):
    login(region.platform_admin)
    page.set_viewport_size(LAPTOP)
    visited = []
    for path in admin_pages(region):
        response = page.goto(f"{live_server.url}{path}")
        if response.status == 403:  # adding is not for everything (authenticators, the log)
            problems()  # the refused page's own "403" in the console
            continue
        assert response.status == 200, f"{path}: {response.status}"
        page.wait_for_load_state("networkidle")
        assert_accessible(page)
        assert problems() == [], path
        visited.append(path)
    assert len(visited) > 30


def test_the_admin_rows_and_autocompletes_have_names(
    page: Page, live_server, login, region, problems
):
    """Rows added to an inline, and an autocomplete's open list, are named too."""
    login(region.platform_admin)
    page.set_viewport_size(LAPTOP)

    page.goto(f"{live_server.url}/beheer/accounts/organisation/{region.school_a.pk}/change/")
    page.wait_for_load_state("networkidle")
    for link in page.locator(".add-row a").all():
        link.click()
    assert_accessible(page)
    role = page.locator("select[name$='-role']").last
    assert "(" in role.get_attribute("aria-label")

    page.goto(f"{live_server.url}/beheer/accounts/membership/add/")
    page.wait_for_load_state("networkidle")
    box = page.locator("#id_user + .select2 .select2-selection")
    assert box.get_attribute("aria-labelledby").startswith("id_user-label")
    box.click()
    expect(page.locator(".select2-container--open .select2-search__field")).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Escape")

    Thema.objects.get_or_create(name="Thema van deze test", defaults={"position": 99})
    page.goto(f"{live_server.url}/beheer/dossier/thema/")
    page.wait_for_load_state("networkidle")
    labels = page.locator("input[name$='-position']").evaluate_all(
        "inputs => inputs.map(input => input.getAttribute('aria-label'))"
    )
    assert labels and all(label and "(" in label for label in labels)
    assert problems() == []
