"""End to end: a CLB directeur invites a colleague, who accepts the e-mailed link, chooses a
password, is logged in (and, as CLB staff, sent to set up an authenticator), and logs in again
through the real login form.

Runs against the live server on PostgreSQL. Assertions use names, URLs, roles and the
database, not Dutch sentences; axe-core checks every page of the staff pages and the link.
"""

import os
import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import Membership, User
from accounts.roles import Role
from conftest import build_region, member
from dossier.medewerkers.models import Invitation, OrganisationEvent
from tests.browser.conftest import SHOTS, assert_accessible

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
TABLET = {"width": 820, "height": 1180}
PASSWORD = "een-nieuw-sterk-wachtwoord"


@pytest.fixture
def region(transactional_db):
    region = build_region()
    region.clb_directeur = member(region.clb_a, Role.CLB_DIRECTEUR, email="directeur@clbleie.be")
    return region


def shoot(page: Page, name: str) -> None:
    """The page checked by axe-core, and kept at laptop and tablet size for a person to see."""
    assert_accessible(page)
    os.makedirs(SHOTS, exist_ok=True)
    for label, size in (("laptop", LAPTOP), ("tablet", TABLET)):
        page.set_viewport_size(size)
        assert_accessible(page)
        page.screenshot(path=os.path.join(SHOTS, f"staff-{name}-{label}.png"), full_page=True)
    page.set_viewport_size(LAPTOP)


def test_a_clb_directeur_invites_a_colleague_who_accepts_and_logs_in(
    page: Page, live_server, login, region
):
    clb = region.clb_a
    staff_url = f"{live_server.url}/organisaties/{clb.pk}/medewerkers/"
    page.set_viewport_size(LAPTOP)

    # the directeur finds the staff page in the top navigation
    login(region.clb_directeur)
    page.locator(f'nav.topnav a[href="/organisaties/{clb.pk}/medewerkers/"]').click()
    expect(page).to_have_url(staff_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(clb.name)
    expect(page.locator("table tbody tr", has_text=region.clb_medewerker_a.email)).to_have_count(1)
    shoot(page, "list")

    # and invites a colleague
    page.locator(f'nav.subnav a[href="/organisaties/{clb.pk}/medewerkers/uitnodigen/"]').click()
    expect(page).to_have_url(f"{staff_url}uitnodigen/")
    page.locator("input[name=first_name]").fill("Nora")
    page.locator("input[name=last_name]").fill("Nieuwe")
    page.locator("input[name=email]").fill("nora.nieuwe@clbleie.be")
    page.locator("select[name=role]").select_option(Role.CLB_MEDEWERKER)
    shoot(page, "invite")
    page.locator("form:has(input[name=email]) button[type=submit]").click()

    expect(page).to_have_url(f"{staff_url}uitnodigingen/")
    expect(page.locator(".message--success")).to_contain_text("nora.nieuwe@clbleie.be")
    row = page.locator("table tbody tr", has_text="nora.nieuwe@clbleie.be")
    expect(row).to_have_count(1)
    expect(row.locator(".status--waiting")).to_have_count(1)  # sent, still valid
    shoot(page, "invitations")
    invitation = Invitation.objects.get(email="nora.nieuwe@clbleie.be")
    assert invitation.sent_at is not None and invitation.created_by == region.clb_directeur

    # the e-mail carries the link; the colleague opens it in a browser of their own
    message = next(m for m in mail.outbox if m.to == ["nora.nieuwe@clbleie.be"])
    link = re.search(r"https?://\S+/uitnodiging/[A-Za-z0-9_-]+/", message.body).group(0)
    path = "/" + link.split("/", 3)[3]
    colleague = page.context.browser.new_context(locale="nl-BE", timezone_id="Europe/Brussels")
    other = colleague.new_page()
    other.set_viewport_size(LAPTOP)
    other.goto(f"{live_server.url}{path}")
    expect(other.locator("input[name=first_name]")).to_have_value("Nora")
    shoot(other, "accept")

    # a password the validators refuse first: the form says so, nothing is made
    other.locator("input[name=password1]").fill("kort")
    other.locator("input[name=password2]").fill("kort")
    other.locator("form:has(input[name=password1]) button[type=submit]").click()
    expect(other.get_by_role("alert")).to_have_count(1)
    expect(other.locator(".field-error")).not_to_have_count(0)
    assert not User.objects.filter(email="nora.nieuwe@clbleie.be").exists()
    assert_accessible(other)

    other.locator("input[name=password1]").fill(PASSWORD)
    other.locator("input[name=password2]").fill(PASSWORD)
    other.locator("form:has(input[name=password1]) button[type=submit]").click()
    # logged in through allauth: CLB staff set up an authenticator before anything else
    expect(other).to_have_url(f"{live_server.url}/account/2fa/totp/activate/")
    nora = User.objects.get(email="nora.nieuwe@clbleie.be")
    membership = Membership.objects.get(user=nora, organisation=clb)
    assert membership.role == Role.CLB_MEDEWERKER and membership.is_active_on()
    assert membership.created_by == region.clb_directeur

    # the link works once
    other.goto(f"{live_server.url}{path}")
    expect(other.locator("input[name=password1]")).to_have_count(0)
    assert_accessible(other)

    # she logs out and in again through the real login form, with her new password
    other.context.clear_cookies()
    other.goto(f"{live_server.url}/account/login/")
    other.locator("input[name=login]").fill("nora.nieuwe@clbleie.be")
    other.locator("input[name=password]").fill(PASSWORD)
    other.locator("form:has(input[name=login]) button[type=submit]").click()
    expect(other).to_have_url(f"{live_server.url}/account/2fa/totp/activate/")
    colleague.close()

    # the directeur sees her among the staff, and the history tells what happened
    page.goto(staff_url)
    expect(page.locator("table tbody tr", has_text="nora.nieuwe@clbleie.be")).to_have_count(1)
    page.locator(f'nav.subnav a[href="/organisaties/{clb.pk}/medewerkers/geschiedenis/"]').click()
    expect(page.locator("table tbody tr")).to_have_count(3)
    shoot(page, "history")
    actions = set(
        OrganisationEvent.objects.filter(organisation=clb).values_list("action", flat=True)
    )
    assert actions == {"invitation_sent", "invitation_accepted", "membership_added"}


def test_a_clb_directeur_imports_staff_from_csv(page: Page, live_server, login, region, tmp_path):
    clb = region.clb_a
    staff_url = f"{live_server.url}/organisaties/{clb.pk}/medewerkers/"
    page.set_viewport_size(LAPTOP)
    csv_file = tmp_path / "personeel.csv"
    csv_file.write_text(
        "voornaam;naam;e-mail;rol;startdatum\n"
        "An;Peeters;an.peeters@clbleie.be;CLB-medewerker;01/09/2026\n"
        "Bram;Claes;bram.claes@clbleie.be;CLB-medewerker;\n"
        "Chloé;Maes;chloe.maes@clbleie.be;Directie;\n",
        encoding="utf-8",
    )
    login(region.clb_directeur)
    page.goto(f"{staff_url}importeren/")
    shoot(page, "import")
    page.locator("input[name=file]").set_input_files(str(csv_file))
    page.locator("form:has(input[name=file]) button[type=submit]").click()
    # a school's role in a CLB's file: the line is named, nobody is invited
    expect(page.get_by_role("alert")).to_contain_text("4")
    assert_accessible(page)
    assert not Invitation.objects.exists()

    csv_file.write_text(
        csv_file.read_text(encoding="utf-8").replace("Directie", "CLB-directeur"), encoding="utf-8"
    )
    page.locator("input[name=file]").set_input_files(str(csv_file))
    page.locator("form:has(input[name=file]) button[type=submit]").click()
    expect(page.locator("table tbody tr")).to_have_count(3)
    shoot(page, "import-preview")
    assert not Invitation.objects.exists()  # the preview writes nothing
    page.locator("form:has(input[name=text]) button[type=submit]").click()
    expect(page).to_have_url(f"{staff_url}uitnodigingen/")
    expect(page.locator("table tbody tr")).to_have_count(3)
    assert Invitation.objects.filter(organisation=clb, sent_at__isnull=False).count() == 3
    assert {m.to[0] for m in mail.outbox} >= {"an.peeters@clbleie.be", "chloe.maes@clbleie.be"}
