"""End to end: the charts drawn on the server, in a real browser, and the jaarverslag asked for
from the reports page and read back.

The charts must show under the app's strict Content-Security-Policy (no inline style, no
script): the console reports no CSP violation, the SVG has a size on the page, axe-core finds
nothing, and the numbers beside it are there for a screen reader. Screenshots at 1366 px and on
a tablet land in /tmp/browser-shots for a person to look at.
"""

import datetime
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import build_region
from consultatie.tests.factories import ConsultatieFactory, ThemaFactory
from dossier.core.access import user_flags
from dossier.rapporten.models import Report
from samenwerking.schoolyear import school_year_of
from signalen.models import Aanvulling, Gebeurtenis, Signaal
from signalen.services import aanvulling_add, signaal_change_status
from signalen.tests.factories import BronFactory, SignaalFactory
from tests.browser.conftest import SHOTS, assert_accessible

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}
TABLET = {"width": 820, "height": 1180}
YEAR = school_year_of(timezone.localdate())


@pytest.fixture
def region(transactional_db):
    return build_region()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def csp_errors(page: Page) -> list[str]:
    """What the browser's console says about refused styles or scripts."""
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    return errors


def a_year_of_signals(region) -> None:
    """Signals logged month by month since September, some moved on, some with a duiding."""
    author = region.clb_medewerker_a
    access = user_flags(author, region.dossier_a)
    start = int(YEAR[:4])
    today = timezone.now()
    themes = [ThemaFactory(name=name) for name in ("Welbevinden", "Pesten", "Studiekeuze")]
    bron = BronFactory()
    for number in range(12):
        when = datetime.datetime(
            start, 9, 3, 10, tzinfo=timezone.get_current_timezone()
        ) + datetime.timedelta(days=number * 8)
        if when > today:
            break
        signaal = SignaalFactory(
            dossier=region.dossier_a,
            author=author,
            thema=themes[number % 3],
            bron=bron,
            school_year=YEAR,
        )
        Signaal.objects.filter(pk=signaal.pk).update(created_at=when)
        Gebeurtenis.objects.filter(signaal=signaal).update(created_at=when)
        if number % 2:
            aanvulling = aanvulling_add(
                signaal=signaal, author=author, access=access, kind="duiding", text="Duiding."
            )
            later = min(when + datetime.timedelta(days=3 + number), today)
            Aanvulling.objects.filter(pk=aanvulling.pk).update(created_at=later)
            Gebeurtenis.objects.filter(signaal=signaal, kind="status").update(created_at=later)
        if number % 4 == 3:
            signaal_change_status(
                signaal=Signaal.objects.get(pk=signaal.pk),
                actor=author,
                access=access,
                to_status="afgesloten",
            )


def chart_shows(page: Page, key: str) -> None:
    figure = page.locator(f"figure#chart-{key}")
    expect(figure).to_be_visible()
    svg = figure.locator("svg[role=img]")
    expect(svg).to_be_visible()
    box = svg.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 40
    # the numbers beside it, for a screen reader
    assert figure.locator(".visually-hidden table tbody tr").count() >= 1
    # the picture fits its card: no sideways scrolling at this width
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_signal_list_draws_its_trends_under_the_strict_csp(
    page: Page, live_server, login, region, csp_errors
):
    a_year_of_signals(region)
    login(region.clb_medewerker_a)

    for name, size in (("laptop", LAPTOP), ("tablet", TABLET)):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/dossiers/{region.dossier_a.pk}/signalen/")
        chart_shows(page, "signal-status")
        chart_shows(page, "signal-follow-up")
        assert_accessible(page)
        page.screenshot(path=f"{SHOTS}/jaarverslag_signal_trends_{name}.png", full_page=True)
    assert csp_errors == []


def test_the_themes_page_draws_the_red_threads(page: Page, live_server, login, region, csp_errors):
    for year, count in ((int(YEAR[:4]) - 2, 3), (int(YEAR[:4]) - 1, 5), (int(YEAR[:4]), 2)):
        for number in range(count):
            ConsultatieFactory(
                dossier=region.dossier_a,
                author=region.clb_medewerker_a,
                date=datetime.date(year, 10, 1 + number),
                themas=[ThemaFactory(name=("Leren leren", "Gedrag", "Taal")[number % 3])],
            )
    login(region.directie_a)

    for name, size in (("laptop", LAPTOP), ("tablet", TABLET)):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/dossiers/{region.dossier_a.pk}/consultaties/themas/")
        figure = page.locator("figure#chart-themes")
        expect(figure.locator("svg[role=img]")).to_be_visible()
        # the page's own table holds the numbers: the chart adds none of its own
        expect(figure.locator("table")).to_have_count(0)
        expect(page.locator("table.theme-table")).to_be_visible()
        assert_accessible(page)
        page.screenshot(path=f"{SHOTS}/jaarverslag_themes_{name}.png", full_page=True)
    assert csp_errors == []


def test_a_jaarverslag_is_asked_for_made_and_read_back(
    page: Page, live_server, login, region, tmp_path, csp_errors
):
    a_year_of_signals(region)
    login(region.pbd_begeleider_a)
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/dossiers/{region.dossier_a.pk}/rapporten/")

    form = page.locator("form.jaarverslag-request")
    expect(form.locator("select[name=school_year]")).to_have_value(YEAR)
    assert_accessible(page)
    form.locator("button[type=submit]").click()

    report = Report.objects.get(kind="jaarverslag", requested_by=region.pbd_begeleider_a)
    row = page.locator(f"tr#report-{report.reference}")
    expect(row.locator(".status-pill--report-done")).to_be_visible(timeout=60_000)
    page.screenshot(path=f"{SHOTS}/jaarverslag_reports_page.png", full_page=True)
    with page.expect_download() as download_info:
        row.locator("a[href$='/download/']").click()
    path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(path)
    text = subprocess.run(
        ["pdftotext", str(path), "-"],  # noqa: S607
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert region.school_a.name in text
    assert Signaal.objects.filter(dossier=region.dossier_a).first().title in text
    assert csp_errors == []
