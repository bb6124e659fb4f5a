"""End to end: each persona logs in and sees the home page and navigation that are true for them.

The directie and the zorgcoördinator see their school's work; the CLB medewerker with 80
schools sees the school that needs them first, on a laptop and on a tablet; the LSC
ankerpersoon and the PBD begeleider see only the sections they read; the leerkracht and the
platform administrator see why they open no dossier. axe-core checks every page.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import Role
from accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)
from conftest import build_region
from dossier.core.access import user_flags
from dossier.core.services import AccessLevel, access_grant
from tests.browser.conftest import assert_accessible
from tests.test_werkoverzicht import Items

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}
TABLET = {"width": 820, "height": 1180}
TODAY = timezone.localdate()


@pytest.fixture
def region(transactional_db):
    region = build_region()
    school = region.school_a
    school.directie = region.directie_a
    items = Items(clb=region.clb_a, pbd=region.pbd_a, lsc=region.lsc_a)
    items.signaal(school, follow_up=TODAY - datetime.timedelta(days=4))  # overdue
    items.afspraak(school, status="draft", evaluation_date=TODAY)  # asked of the CLB
    items.meeting(school, date=TODAY + datetime.timedelta(days=6))  # coming up
    items.vraag(school, by=region.directie_a)  # new for the LSC and the CLB
    # 79 more schools of CLB Leie, with nothing waiting in them
    for index in range(79):
        other = OrganisationFactory(name=f"Basisschool {index:02d}")
        PartnershipFactory(school=other, partner=region.clb_a)
        directie = UserFactory()
        MembershipFactory(user=directie, organisation=other, role=Role.DIRECTIE)
        access_grant(
            dossier=other.dossier,
            granted_by=directie,
            access=user_flags(directie, other.dossier),
            user=region.clb_medewerker_a,
            level=AccessLevel.VIEW,
        )
    return region


def main_menu(page: Page) -> list[str]:
    """The paths the main menu links to."""
    return page.locator("nav.topnav a").evaluate_all(
        "links => links.map(a => new URL(a.href).pathname)"
    )


def tile(page: Page, bucket: str) -> str:
    return page.locator(f".werk-tile--{bucket} .werk-tile__count").inner_text()


def test_the_directie_sees_the_work_of_the_school(page: Page, login, region):
    page.set_viewport_size(LAPTOP)
    login(region.directie_a)
    menu = main_menu(page)
    assert menu[0] == "/" and "/signalen/" in menu and "/zoeken/" in menu
    assert tile(page, "overdue") == "1"  # the signal past its follow-up date
    assert tile(page, "upcoming") == "1"  # the meeting
    assert tile(page, "asked") == "0"  # the draft waits for the CLB, not the school
    card = page.locator(".dossier-card").first
    expect(card).to_contain_text("Basisschool De Linde")
    expect(card.locator(".work-count--overdue")).to_have_text("1 te laat")
    assert_accessible(page)
    page.locator("#werk-overdue a").first.click()
    signaal = region.dossier_a.signalen.get()
    expect(page).to_have_url(
        re.compile(rf"/dossiers/{region.dossier_a.pk}/signalen/{signaal.pk}/$")
    )
    assert_accessible(page)


def test_the_zorgcoordinator_sees_the_same_school(page: Page, login, region):
    page.set_viewport_size(LAPTOP)
    login(region.zorg_a)
    assert "/signalen/" in main_menu(page)
    assert tile(page, "overdue") == "1"
    expect(page.locator(".dossier-card")).to_have_count(1)
    assert_accessible(page)


@pytest.mark.parametrize("viewport", [LAPTOP, TABLET], ids=["laptop", "tablet"])
def test_the_clb_medewerker_with_80_schools_sees_first_what_needs_them(
    page: Page, login, region, viewport
):
    page.set_viewport_size(viewport)
    login(region.clb_medewerker_a)
    menu = main_menu(page)
    assert "/signalen/" in menu and "/zoeken/" in menu
    expect(page.locator(".list-head")).to_contain_text("80 dossiers")
    first = page.locator(".dossier-card").first
    expect(first).to_contain_text("Basisschool De Linde")
    expect(first).to_have_class("dossier-card dossier-card--urgent")
    expect(first.locator(".work-count--asked")).to_have_text("1 wacht op jou")
    expect(page.locator(".dossier-card")).to_have_count(25)  # a page of them
    # the tiles sit on one row and nothing spills sideways
    tops = page.locator(".werk-tile").evaluate_all(
        "tiles => new Set(tiles.map(t => Math.round(t.getBoundingClientRect().top))).size"
    )
    assert tops == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    page.get_by_role("link", name="op naam").click()
    expect(page.locator(".dossier-card").first).to_contain_text("Basisschool 00")
    assert_accessible(page)


def test_the_lsc_ankerpersoon_sees_only_what_the_lsc_reads(page: Page, login, region):
    page.set_viewport_size(LAPTOP)
    login(region.lsc_anker_a)
    menu = main_menu(page)
    assert "/signalen/" not in menu and "/zoeken/" not in menu
    assert tile(page, "new") == "1"  # the leersteunvraag
    assert tile(page, "upcoming") == "1"
    assert tile(page, "overdue") == "0"  # the signal is not the LSC's to read
    expect(page.locator("#werk-new")).to_contain_text("Leersteunvraag")
    assert_accessible(page)


def test_the_pbd_begeleider_reads_signals_but_no_notes(page: Page, login, region):
    page.set_viewport_size(LAPTOP)
    login(region.pbd_begeleider_a)
    assert "/signalen/" in main_menu(page)
    expect(page.get_by_role("link", name="Rode draden van mijn scholen")).to_have_count(0)
    assert tile(page, "overdue") == "1"
    assert tile(page, "asked") == "0"  # a read grant approves nothing
    assert_accessible(page)


def test_the_leerkracht_is_told_why_there_is_no_dossier(page: Page, login, region):
    page.set_viewport_size(LAPTOP)
    login(region.leerkracht_a)
    assert main_menu(page)[0] == "/"
    assert "/signalen/" not in main_menu(page) and "/zoeken/" not in main_menu(page)
    expect(page.locator(".werk")).to_have_count(0)
    expect(page.locator("[data-empty-reason=role_never_granted]")).to_be_visible()
    expect(page.locator("main")).to_contain_text("zorgcoördinator")
    assert_accessible(page)


def test_the_platform_administrator_is_sent_to_platform_management(page: Page, login, region):
    page.set_viewport_size(LAPTOP)
    login(region.platform_admin)
    assert "/beheer/" in main_menu(page)
    expect(page.locator(".werk")).to_have_count(0)
    empty = page.locator("[data-empty-reason=platform_admin]")
    expect(empty).to_be_visible()
    empty.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/beheer/$"))
    assert_accessible(page)
