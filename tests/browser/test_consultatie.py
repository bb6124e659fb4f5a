"""End to end: a consultation note, from writing it beside earlier advice to finding it again.

Runs against the live server on PostgreSQL, logging in through the real login form and the
real TOTP step. Assertions use names, URLs, ids and the database, not Dutch sentences.
"""

import datetime
import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import build_region
from consultatie.models import AskedBy, Consultatie, Status, SubjectKind
from consultatie.services import consultatie_create
from dossier.core.access import user_flags
from dossier.core.models import AuditEvent, Thema
from tests.browser.conftest import SHOTS, assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def region(transactional_db):
    return build_region()


@pytest.fixture
def themas(transactional_db):
    # A flushing test may have removed the seeded themes: make our own.
    return (
        Thema.objects.create(name="Leren en studeren (browsertest)", position=1),
        Thema.objects.create(name="Gezondheid (browsertest)", position=2),
    )


def shot(page: Page, name: str) -> None:
    assert_accessible(page)
    """An extra full-page screenshot next to the one of the ``screenshot`` fixture."""
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def open_consultaties_tab(page: Page, live_server, region) -> None:
    """From Mijn dossiers: open school A's dossier, then its Consultations tab."""
    dossier = region.dossier_a
    page.locator(".dossier-card__link", has_text=region.school_a.name).click()
    expect(page).to_have_url(f"{live_server.url}/dossiers/{dossier.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(region.school_a.name)
    tab = page.locator(f'nav.tabs a[href="/dossiers/{dossier.pk}/consultaties/"]')
    tab.click()
    expect(page).to_have_url(f"{live_server.url}/dossiers/{dossier.pk}/consultaties/")
    expect(tab).to_have_attribute("aria-current", "page")


def test_clb_writes_a_note_beside_earlier_advice_and_the_zorgcoordinator_finds_it(
    page: Page, live_server, login, screenshot, region, themas
):
    dossier = region.dossier_a
    leren, gezondheid = themas
    clb = region.clb_medewerker_a
    earlier = consultatie_create(
        dossier=dossier,
        author=clb,
        access=user_flags(clb, dossier),
        themas=[leren],
        date=timezone.localdate() - datetime.timedelta(days=100),
        asked_by=AskedBy.LEERKRACHT,
        subject_kind=SubjectKind.KLAS,
        label="4B",
        question="De klas leest traag en haakt af bij lange teksten.",
        advice="We adviseren dagelijks tien minuten duolezen met een vaste leesbuddy.",
    )
    label = "L.V. 5A"
    question = "Een leerling van 5A blijft moeite hebben met begrijpend lezen."
    advice = "Het CLB adviseert leesbegeleiding in kleine groep, twee keer per week."
    detail_url = re.compile(rf"^{live_server.url}/dossiers/{dossier.pk}/consultaties/(\d+)/$")

    # The CLB medewerker writes a note.
    login(clb)
    open_consultaties_tab(page, live_server, region)
    page.locator(f'a[href="/dossiers/{dossier.pk}/consultaties/nieuw/"]').click()
    expect(page).to_have_url(f"{live_server.url}/dossiers/{dossier.pk}/consultaties/nieuw/")
    panel = page.locator("#earlier")
    expect(panel.locator(".earlier-list")).to_have_count(0)

    # The panel is filled by htmx, without reloading the page.
    page.evaluate("window.__noReload = true")
    page.locator(f"input[name=themas][value='{gezondheid.pk}']").check()
    # a theme without earlier advice: the panel answers, with nothing in it
    expect(panel.locator("p.muted")).to_have_count(1)
    expect(panel.locator(".earlier-list")).to_have_count(0)
    page.locator(f"input[name=themas][value='{leren.pk}']").check()
    items = panel.locator(".earlier-list > li")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text(earlier.advice)
    expect(items.first).to_contain_text(earlier.label)
    expect(items.first).to_contain_text(leren.name)
    earlier_link = items.first.locator("a")
    expect(earlier_link).to_have_attribute(
        "href", f"/dossiers/{dossier.pk}/consultaties/{earlier.pk}/"
    )
    assert page.evaluate("window.__noReload") is True

    page.locator("select[name=asked_by]").select_option(AskedBy.ZORGCOORDINATOR.value)
    page.locator("select[name=subject_kind]").select_option(SubjectKind.LEERLING.value)
    page.locator("input[name=label]").fill(label)
    page.locator("textarea[name=question]").fill(question)
    page.locator("textarea[name=advice]").fill(advice)
    # typing the label asks the panel again (label or theme): the earlier advice stays
    expect(items).to_have_count(1)
    shot(page, "test_consultatie_form_with_earlier_advice")
    page.locator("#note-form button[type=submit]").click()

    expect(page).to_have_url(detail_url)
    expect(page.locator(".message--success")).to_have_count(1)
    expect(page.locator("h2#note-title")).to_contain_text(label)
    note = Consultatie.objects.get(dossier=dossier, label=label)
    assert detail_url.match(page.url).group(1) == str(note.pk)
    assert (note.question, note.advice) == (question, advice)
    assert (note.author, note.author_organisation) == (clb, region.clb_a)
    assert (note.asked_by, note.subject_kind) == (AskedBy.ZORGCOORDINATOR, SubjectKind.LEERLING)
    assert note.status == Status.OPEN
    assert note.date == timezone.localdate()
    assert set(note.themas.all()) == {leren, gezondheid}
    assert "leesbegeleiding" in note.search_text
    # the detail page shows the earlier advice on the same theme too
    expect(page.locator(".earlier-panel .earlier-list > li")).to_have_count(1)

    # She logs out; the zorgcoördinator (no MFA) logs in and searches.
    page.locator("form[action='/account/logout/'] button[type=submit]").click()
    expect(page.locator("input[name=login]")).to_be_visible()
    login(region.zorg_a)
    nav_link = page.locator('nav.topnav a[href="/zoeken/"]')
    nav_link.click()
    expect(page).to_have_url(f"{live_server.url}/zoeken/")
    expect(nav_link).to_have_attribute("aria-current", "page")
    page.locator("form[role=search] input[name=q]").fill("leesbegeleiding")
    page.locator("form[role=search] button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/zoeken/?q=leesbegeleiding")

    results = page.locator(".search-results .signal-card")
    expect(results).to_have_count(1)
    result = results.first
    expect(result.locator(".chip")).to_have_count(1)
    expect(result).to_contain_text(region.school_a.name)
    expect(result.locator(".search-excerpt mark")).to_have_text(["leesbegeleiding"])
    link = result.locator("a.signal-card__title")
    expect(link).to_have_attribute("href", f"/dossiers/{dossier.pk}/consultaties/{note.pk}/")
    expect(link).to_contain_text(label)
    expect(link).to_contain_text(note.date.strftime("%d/%m/%Y"))
    shot(page, "test_consultatie_search_results")
    link.click()

    expect(page).to_have_url(f"{live_server.url}/dossiers/{dossier.pk}/consultaties/{note.pk}/")
    expect(page.locator("h2#note-title")).to_contain_text(label)
    expect(page.locator(".note-section").filter(has_text=advice)).to_have_count(1)
    reads = AuditEvent.objects.filter(
        dossier=dossier, actor=region.zorg_a, action="consultatie_read"
    )
    assert reads.count() == 1
    # the event names the note by its number (and nothing that would outlive it)
    assert re.match(rf"#{note.pk}(\s|$)", reads.get().detail)
    # the CLB medewerker's own opening after saving was recorded as well
    assert AuditEvent.objects.filter(dossier=dossier, actor=clb, action="consultatie_read").exists()
    screenshot()


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (820, 1180)])
def test_a_form_sent_back_keeps_its_earlier_advice_and_says_who_cannot_read_the_note(
    page: Page, live_server, login, region, themas, width, height
):
    """Issue 13: after a validation error the "eerder geadviseerd" panel still shows the advice
    on the chosen theme, and the PBD and LSC people are apart among the participants."""
    page.set_viewport_size({"width": width, "height": height})
    dossier = region.dossier_a
    leren, _gezondheid = themas
    clb = region.clb_medewerker_a
    earlier = consultatie_create(
        dossier=dossier,
        author=clb,
        access=user_flags(clb, dossier),
        themas=[leren],
        date=timezone.localdate() - datetime.timedelta(days=60),
        asked_by=AskedBy.LEERKRACHT,
        subject_kind=SubjectKind.KLAS,
        label="4B",
        question="De klas leest traag.",
        advice="We adviseren dagelijks tien minuten duolezen.",
    )
    login(clb)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/consultaties/nieuw/")
    apart = page.locator(".participants-without-access")
    expect(apart).to_be_visible()
    for person in (region.lsc_anker_a, region.pbd_begeleider_a):
        expect(apart.locator(f"input[name=participants][value='{person.pk}']")).to_have_count(1)
    expect(apart.locator(f"input[value='{region.zorg_a.pk}']")).to_have_count(0)
    page.locator(f"input[name=themas][value='{leren.pk}']").check()
    expect(page.locator("#earlier .earlier-list > li")).to_have_count(1)
    page.locator("input[name=label]").fill("6A")
    # no question: the form comes back from the server with its error
    page.locator("#note-form button[type=submit]").click()
    expect(page.locator(".field-error")).not_to_have_count(0)
    items = page.locator("#earlier .earlier-list > li")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text(earlier.advice)
    expect(page.locator(f"input[name=themas][value='{leren.pk}']")).to_be_checked()
    assert not Consultatie.objects.filter(label="6A").exists()
    shot(page, f"test_consultatie_form_sent_back_{width}x{height}")
