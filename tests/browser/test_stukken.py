"""End to end: the single documents people share, as PDFs from their pages.

The CLB medewerker opens an agreement that school A and CLB A approved, asks for its PDF and
downloads it from the reports page; the PBD begeleider (a read grant) asks for the minutes of
a structural meeting and gets them without the titles of the school's and the CLB's agreement.
Each page is checked by axe-core and photographed on a laptop and on a tablet.
"""

import datetime
import os

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import build_full_region
from dossier.afspraken.tests.test_rapport import CLB_DOES, SUMMARY, approve_all, draft
from dossier.overleg.tests.test_overleg import an_afspraak
from dossier.overleg.tests.test_rapport import DECISIONS, PBD, record
from dossier.rapporten.tests.readback import pdf_text
from tests.browser.conftest import SHOTS, assert_accessible
from tests.browser.test_documents import login_on

pytestmark = pytest.mark.browser

SIZES = {"laptop": (1366, 768), "tablet": (820, 1180)}


@pytest.fixture
def region(transactional_db):
    return build_full_region()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def shots(page: Page, name: str) -> None:
    """axe-core on the page, then a full-page screenshot at each size."""
    assert_accessible(page)
    os.makedirs(SHOTS, exist_ok=True)
    for label, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(
            path=os.path.join(SHOTS, f"test_stukken_{name}_{label}.png"), full_page=True
        )
    page.set_viewport_size({"width": 1366, "height": 768})


def ask_and_download(page: Page, base: str, dossier, form_action: str, tmp_path, name: str):
    page.locator(f'form[action="{form_action}"] button[type=submit]').click()
    expect(page).to_have_url(f"{base}/dossiers/{dossier.pk}/rapporten/")
    expect(page.locator('a[href*="/download/"]').first).to_be_visible()
    shots(page, f"{name}_reports")
    with page.expect_download() as download_info:
        page.locator('a[href*="/download/"]').first.click()
    saved = tmp_path / f"{name}.pdf"
    download_info.value.save_as(saved)
    return pdf_text(saved)


def test_an_agreement_and_the_minutes_as_pdfs(page: Page, live_server, region, tmp_path):
    base, dossier = live_server.url, region.dossier_a
    afspraak = draft(region)
    approve_all(region, afspraak)
    meeting = record(
        region,
        date=timezone.localdate(),
        next_meeting_date=timezone.localdate() + datetime.timedelta(days=30),
        afspraken=[an_afspraak(region, title="Afspraken die alleen school en CLB zien")],
    )

    # 1. The CLB medewerker: the agreement's PDF
    login_on(page, live_server, region.clb_medewerker_a)
    detail = f"/dossiers/{dossier.pk}/afspraken/{afspraak.pk}/"
    page.goto(base + detail)
    expect(page.locator(f'form[action="{detail}rapport/"]')).to_be_visible()
    shots(page, "agreement")
    text = ask_and_download(page, base, dossier, f"{detail}rapport/", tmp_path, "agreement")
    assert region.school_a.name in text
    assert SUMMARY in text and CLB_DOES in text
    assert str(region.clb_medewerker_a) in text

    # 2. The PBD begeleider: the minutes, without what the PBD may not see
    page.context.clear_cookies()
    login_on(page, live_server, region.pbd_begeleider_a)
    detail = f"/dossiers/{dossier.pk}/overleg/{meeting.pk}/"
    page.goto(base + detail)
    shots(page, "meeting")
    text = ask_and_download(page, base, dossier, f"{detail}rapport/", tmp_path, "minutes")
    assert region.school_a.name in text
    assert PBD in text and DECISIONS in text
    assert "Afspraken die alleen school en CLB zien" not in text
