"""End to end: the dossier's layout at 1366 px and on a tablet, and deleting with a confirmation.

Measured in the browser, not on screenshots: the tabs never wrap (they fit at 1366 px and scroll
sideways on a tablet, the current one in view), no card of the overview is wider than its box,
and a document is deleted only after its confirmation page. axe-core checks every page.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect

from conftest import build_region
from dossier.core.access import user_flags
from dossier.documenten.models import Document
from dossier.documenten.services import document_upload
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}
TABLET = {"width": 820, "height": 1180}


@pytest.fixture
def region(transactional_db):
    return build_region()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def tab_rows(page: Page) -> int:
    """How many rows the dossier's tabs take."""
    return page.locator("nav.tabs a").evaluate_all(
        "links => new Set(links.map(a => Math.round(a.getBoundingClientRect().top))).size"
    )


def overflowing_cards(page: Page) -> list[str]:
    return page.evaluate(
        "() => [...document.querySelectorAll('.card')]"
        ".filter(card => card.scrollWidth > card.clientWidth + 1)"
        ".map(card => card.getAttribute('aria-labelledby') || card.className)"
    )


def current_tab_in_view(page: Page) -> bool:
    return page.locator("nav.tabs").evaluate(
        """nav => {
            const box = nav.getBoundingClientRect();
            const tab = nav.querySelector('[aria-current="page"]').getBoundingClientRect();
            return tab.left >= box.left - 1 && tab.right <= box.right + 1;
        }"""
    )


def test_tabs_and_overview_fit_at_1366_and_on_a_tablet(page: Page, live_server, login, region):
    dossier = region.dossier_a
    login(region.directie_a)

    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    tabs = page.locator("nav.tabs")
    assert tabs.locator("a").count() == 10
    assert tab_rows(page) == 1
    # all ten fit: nothing to scroll
    assert tabs.evaluate("nav => nav.scrollWidth <= nav.clientWidth")
    assert overflowing_cards(page) == []
    # the Partners and People cards share the row: no empty third column
    partners = page.locator("section[aria-labelledby=partners-title]").bounding_box()
    people = page.locator("section[aria-labelledby=people-title]").bounding_box()
    assert partners["y"] == people["y"]
    grid = page.locator(".grid--overview").bounding_box()
    assert people["x"] + people["width"] == pytest.approx(grid["x"] + grid["width"], abs=2)
    assert_accessible(page)

    page.set_viewport_size(TABLET)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/auditlog/")
    assert tab_rows(page) == 1
    # the tabs scroll sideways, and the last (current) tab has been brought into view
    assert tabs.evaluate("nav => nav.scrollWidth > nav.clientWidth")
    assert current_tab_in_view(page)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    assert overflowing_cards(page) == []
    # keyboard: tabbing through the row reaches the last tab, scrolled into view, with a ring
    last = tabs.locator("a").last
    last.focus()
    expect(last).to_be_focused()
    assert last.evaluate("a => getComputedStyle(a).outlineStyle") != "none"
    assert_accessible(page)


def test_deleting_a_document_asks_to_confirm_first(page: Page, live_server, login, region):
    dossier = region.dossier_a
    document = document_upload(
        dossier=dossier,
        user=region.zorg_a,
        access=user_flags(region.zorg_a, dossier),
        uploaded=SimpleUploadedFile("afspraken.txt", b"Samenwerkingsafspraken", "text/plain"),
        title="Samenwerkingsafspraken",
        kind=Document.Kind.SAMENWERKINGSAFSPRAKEN,
        school_year="2026-2027",
    )
    detail = f"/dossiers/{dossier.pk}/documenten/{document.pk}/"
    delete = f"{detail}verwijderen/"
    login(region.zorg_a)
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}{detail}")

    # the delete link stands apart from the upload form, below it
    upload_button = page.locator("form.version-form button[type=submit]").bounding_box()
    delete_link = page.locator(f'.danger-zone a[href="{delete}"]')
    assert delete_link.bounding_box()["y"] > upload_button["y"] + upload_button["height"]
    assert_accessible(page)

    # first time: the confirmation page, and cancel keeps the document
    delete_link.click()
    expect(page).to_have_url(f"{live_server.url}{delete}")
    assert_accessible(page)
    page.locator(f'.confirm-actions a[href="{detail}"]').click()
    expect(page).to_have_url(f"{live_server.url}{detail}")
    document.refresh_from_db()
    assert document.deleted_at is None

    # second time: confirm, and it is in the bin
    page.locator(f'.danger-zone a[href="{delete}"]').click()
    page.locator(".confirm-actions button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/dossiers/{dossier.pk}/documenten/")
    expect(page.locator(".message--success")).to_have_count(1)
    document.refresh_from_db()
    assert document.deleted_by == region.zorg_a
