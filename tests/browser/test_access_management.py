"""End to end: the directie manages access to the school's dossier in a real browser.

Runs against the live server on PostgreSQL, logging in through the real login form and the
real TOTP step. Assertions use names, URLs, roles and the database, not Dutch sentences.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from accounts.tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory
from conftest import build_region
from dossier.core.access import PERM_CONTRIBUTE, PERM_VIEW, user_flags
from dossier.core.models import AuditEvent
from dossier.core.services import access_grant

pytestmark = pytest.mark.browser


@pytest.fixture
def region(transactional_db):
    return build_region()


def granted_codenames(dossier, user) -> set[str]:
    return set(
        dossier.dossieruserobjectpermission_set.filter(user=user).values_list(
            "permission__codename", flat=True
        )
    )


def open_toegangsbeheer(page: Page, live_server, region) -> None:
    """From Mijn dossiers: open school A's dossier, then its access management tab."""
    dossier = region.dossier_a
    card = page.locator(".dossier-card__link", has_text=region.school_a.name)
    expect(card).to_have_count(1)
    card.click()
    expect(page).to_have_url(f"{live_server.url}/dossiers/{dossier.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(region.school_a.name)
    page.locator(f'nav.tabs a[href="/dossiers/{dossier.pk}/toegang/"]').click()
    expect(page).to_have_url(f"{live_server.url}/dossiers/{dossier.pk}/toegang/")


def access_table(page: Page):
    return page.locator("section[aria-labelledby=rows-title] table tbody")


def test_directie_grants_a_colleague_and_sees_it_in_the_auditlog(
    page: Page, live_server, login, screenshot, region
):
    dossier = region.dossier_a
    colleague = MembershipFactory(role=Role.LEERLINGENBEGELEIDER, organisation=region.school_a).user
    assert granted_codenames(dossier, colleague) == set()

    login(region.directie_a)
    expect(page.locator(".dossier-card")).to_have_count(1)
    open_toegangsbeheer(page, live_server, region)
    expect(access_table(page)).not_to_contain_text(colleague.email)

    page.locator("select[name=user]").select_option(str(colleague.pk))
    page.locator("input[name=level][value=contribute]").check()
    page.locator("form:has(select[name=user]) button[type=submit]").click()

    # Post/redirect/get back to the same page, with a success message and the new row.
    expect(page).to_have_url(f"{live_server.url}/dossiers/{dossier.pk}/toegang/")
    expect(page.locator(".messages[role=status] .message--success")).to_contain_text(str(colleague))
    expect(page.get_by_role("alert")).to_have_count(0)
    row = access_table(page).locator("tr", has_text=colleague.email)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(str(colleague))
    expect(row.locator(".status--ok")).to_have_count(1)
    assert granted_codenames(dossier, colleague) == {PERM_VIEW, PERM_CONTRIBUTE}

    page.locator(f'nav.tabs a[href="/dossiers/{dossier.pk}/auditlog/"]').click()
    expect(page).to_have_url(f"{live_server.url}/dossiers/{dossier.pk}/auditlog/")
    audit_row = page.locator("table tbody tr", has_text=str(colleague))
    expect(audit_row).to_have_count(1)
    expect(audit_row).to_contain_text(str(region.directie_a))
    event = AuditEvent.objects.get(dossier=dossier, subject_user=colleague)
    assert event.action == AuditEvent.Action.ACCESS_GRANTED
    assert event.actor == region.directie_a
    screenshot()


def test_granting_a_leerkracht_is_refused(page: Page, live_server, login, screenshot, region):
    dossier = region.dossier_a
    leerkracht = region.leerkracht_a

    login(region.directie_a)
    open_toegangsbeheer(page, live_server, region)
    rows_before = access_table(page).locator("tr").count()

    # the form lists the leerkracht under the school, but disabled, and says why
    option = page.locator(f'select[name=user] option[value="{leerkracht.pk}"]')
    expect(option).to_be_disabled()
    expect(option).to_contain_text(str(leerkracht))
    expect(page.locator("select[name=user] optgroup").first).to_have_attribute(
        "label", region.school_a.name
    )
    page.locator(".candidate-details summary").click()
    expect(page.locator(".candidate-list").first).to_contain_text(str(leerkracht))

    # a tampered form (the option enabled by hand) is still refused by the service
    option.evaluate("option => { option.disabled = false; }")
    page.locator("select[name=user]").select_option(str(leerkracht.pk))
    page.locator("input[name=level][value=view]").check()
    page.locator("form:has(select[name=user]) button[type=submit]").click()

    alert = page.get_by_role("alert")
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text(str(leerkracht))
    expect(page.locator(".message--success")).to_have_count(0)
    expect(access_table(page).locator("tr")).to_have_count(rows_before)
    expect(access_table(page)).not_to_contain_text(leerkracht.email)
    assert granted_codenames(dossier, leerkracht) == set()
    assert not AuditEvent.objects.filter(dossier=dossier, subject_user=leerkracht).exists()
    screenshot()


def test_keyboard_only_skip_link_and_search_by_instellingsnummer(
    page: Page, live_server, login, screenshot, region
):
    # A second school served by the same CLB, so the CLB medewerker sees two dossiers.
    school_c = OrganisationFactory(name="Basisschool Het Anker", city="Menen")
    PartnershipFactory(school=school_c, partner=region.clb_a)
    directie_c = MembershipFactory(role=Role.DIRECTIE, organisation=school_c).user
    access_grant(
        dossier=school_c.dossier,
        granted_by=directie_c,
        access=user_flags(directie_c, school_c.dossier),
        user=region.clb_medewerker_a,
        level="view",
    )

    login(region.clb_medewerker_a)
    cards = page.locator(".dossier-card")
    expect(cards).to_have_count(2)

    # The first Tab reaches the skip link, which moves focus to the main content.
    page.keyboard.press("Tab")
    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_have_attribute("href", "#main")
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    # From the main content, Tab passes the three quick links and then reaches the search box.
    quick_links = page.locator(".quick-links a")
    expect(quick_links).to_have_count(3)
    for index in range(3):
        page.keyboard.press("Tab")
        expect(quick_links.nth(index)).to_be_focused()
    page.keyboard.press("Tab")
    search = page.locator("input[name=q]")
    expect(search).to_be_focused()

    # Mark this document: a full reload would lose the mark.
    page.evaluate("window.__noReload = true")
    page.keyboard.type(school_c.instellingsnummer)
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(school_c.name)
    expect(cards.first).to_contain_text(school_c.instellingsnummer)
    expect(page).to_have_url(re.compile(rf"\?q={school_c.instellingsnummer}$"))
    assert page.evaluate("window.__noReload") is True

    # Enter also searches through htmx (the form's submit trigger), still without a reload.
    page.keyboard.press("Control+A")
    page.keyboard.type(region.school_a.instellingsnummer)
    page.keyboard.press("Enter")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(region.school_a.name)
    assert page.evaluate("window.__noReload") is True

    # Back to the other school, then open it with the keyboard: Tab past the button and the
    # link that orders the schools by name, to the card.
    page.keyboard.press("Control+A")
    page.keyboard.type(school_c.instellingsnummer)
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(school_c.name)
    screenshot()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator(".sort-links a")).to_be_focused()
    page.keyboard.press("Tab")
    card_link = cards.first.locator(".dossier-card__link")
    expect(card_link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/dossiers/{school_c.dossier.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(school_c.name)


def test_revoking_asks_for_confirmation_first(page: Page, live_server, login, region):
    dossier = region.dossier_a
    login(region.directie_a)
    open_toegangsbeheer(page, live_server, region)
    row = access_table(page).locator("tr", has_text=region.pbd_begeleider_a.email)
    dialogs = []

    # First the directie changes her mind: nothing is revoked.
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    row.locator("button[type=submit]").click()
    expect(row).to_be_visible()
    assert granted_codenames(dossier, region.pbd_begeleider_a) == {PERM_VIEW}

    # Then she confirms: the access is gone, on the page and in the database.
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    row.locator("button[type=submit]").click()
    expect(access_table(page).locator("tr", has_text=region.pbd_begeleider_a.email)).to_have_count(
        0
    )
    assert len(dialogs) == 2 and region.pbd_begeleider_a.get_full_name() in dialogs[0]
    assert granted_codenames(dossier, region.pbd_begeleider_a) == set()
    assert AuditEvent.objects.filter(
        dossier=dossier,
        action=AuditEvent.Action.ACCESS_REVOKED,
        subject_user=region.pbd_begeleider_a,
    ).exists()
