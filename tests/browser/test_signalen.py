"""End to end: signals in a real browser, from logging one to its PDF overview.

Runs against the live server on PostgreSQL, logging in through the real login form and the
real TOTP step. Assertions use names, URLs, classes and the database, not Dutch sentences;
where a label must be read, it comes from the same translation catalogue the page uses.
"""

import datetime
import re
import subprocess

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from conftest import build_region
from dossier.core.access import user_flags
from dossier.core.models import AuditEvent, Thema
from dossier.rapporten.models import Report
from signalen.models import Aanvulling, Bron, Gebeurtenis, Signaal
from signalen.services import aanvulling_add, signaal_create
from signalen.workflow import Kind, Status

pytestmark = pytest.mark.browser


@pytest.fixture
def region(transactional_db):
    return build_region()


@pytest.fixture
def thema(transactional_db):
    # A flushing test may have removed the seeded themes and sources: make our own.
    return Thema.objects.create(name="Welbevinden (browsertest)", position=1)


@pytest.fixture
def bron(transactional_db):
    return Bron.objects.create(name="Eigen observatie CLB (browsertest)", position=1)


def label(choice) -> str:
    """A choice's label as the page shows it (the site speaks nl-BE only)."""
    with translation.override("nl-be"):
        return str(choice.label)


def open_signalen_tab(page: Page, live_server, region) -> None:
    """From Mijn dossiers: open school A's dossier, then its Signals tab."""
    dossier = region.dossier_a
    page.locator(".dossier-card__link", has_text=region.school_a.name).click()
    expect(page).to_have_url(f"{live_server.url}/dossiers/{dossier.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(region.school_a.name)
    tab = page.locator(f'nav.tabs a[href="/dossiers/{dossier.pk}/signalen/"]')
    tab.click()
    expect(page).to_have_url(f"{live_server.url}/dossiers/{dossier.pk}/signalen/")
    expect(tab).to_have_attribute("aria-current", "page")


def signal_cards(page: Page):
    return page.locator("#signal-results .signal-card")


def test_clb_logs_a_signal_and_the_zorgcoordinator_adds_a_duiding(
    page: Page, live_server, login, screenshot, region, thema, bron
):
    dossier = region.dossier_a
    title = "Meer meldingen van pesten in het vijfde leerjaar"
    text = "Sinds de herfstvakantie drie meldingen via de leerlingenraad."
    follow_up = timezone.localdate() + datetime.timedelta(days=21)
    detail_url = re.compile(rf"^{live_server.url}/dossiers/{dossier.pk}/signalen/(\d+)/$")

    # The CLB medewerker logs the signal.
    login(region.clb_medewerker_a)
    open_signalen_tab(page, live_server, region)
    page.locator(f'a[href="/dossiers/{dossier.pk}/signalen/nieuw/"]').click()
    expect(page).to_have_url(f"{live_server.url}/dossiers/{dossier.pk}/signalen/nieuw/")
    page.locator("input[name=title]").fill(title)
    page.locator("textarea[name=text]").fill(text)
    page.locator("select[name=thema]").select_option(str(thema.pk))
    page.locator("select[name=bron]").select_option(str(bron.pk))
    date_input = page.locator("input[name=follow_up_date]")
    expect(date_input).to_have_attribute("inputmode", "numeric")
    date_input.fill(follow_up.strftime("%d/%m/%Y"))
    page.locator("form:has(input[name=title]) button[type=submit]").click()

    expect(page).to_have_url(detail_url)
    expect(page.locator(".message--success")).to_have_count(1)
    expect(page.locator("h2#signal-title")).to_have_text(title)
    pill = page.locator(".signal__title-row .status-pill")
    expect(pill).to_have_class(re.compile(r"\bstatus-pill--nieuw\b"))
    expect(pill).to_have_text(label(Status.NIEUW))
    expect(page.locator(".signal__text")).to_have_text(text)
    expect(page.locator(".facts")).to_contain_text(thema.name)
    expect(page.locator(".facts")).to_contain_text(bron.name)
    expect(page.locator(".facts")).to_contain_text(follow_up.strftime("%d/%m/%Y"))
    signaal = Signaal.objects.get(dossier=dossier, title=title)
    assert detail_url.match(page.url).group(1) == str(signaal.pk)
    assert signaal.status == Status.NIEUW
    assert (signaal.author, signaal.author_organisation) == (region.clb_medewerker_a, region.clb_a)
    assert (signaal.thema, signaal.bron, signaal.follow_up_date) == (thema, bron, follow_up)

    # She logs out; the zorgcoördinator of the school logs in on the same browser.
    page.locator("form[action='/account/logout/'] button[type=submit]").click()
    expect(page.locator("input[name=login]")).to_be_visible()
    login(region.zorg_a)
    open_signalen_tab(page, live_server, region)
    card = signal_cards(page).filter(has_text=title)
    expect(card).to_have_count(1)
    expect(card.locator(".status-pill")).to_have_class(re.compile(r"\bstatus-pill--nieuw\b"))
    card.locator("a.signal-card__title").click()
    expect(page).to_have_url(f"{live_server.url}/dossiers/{dossier.pk}/signalen/{signaal.pk}/")

    duiding = "Het gaat om één klasgroep; de leerkrachten zien het ook op de speelplaats."
    page.locator("input[name=kind][value=duiding]").check()
    add_form = page.locator(
        f'form[action="/dossiers/{dossier.pk}/signalen/{signaal.pk}/aanvullingen/"]'
    )
    add_form.locator("textarea[name=text]").fill(duiding)
    add_form.locator("button[type=submit]").click()

    aanvulling = page.locator("li[id^='aanvulling-']")
    expect(aanvulling).to_have_count(1)
    expect(aanvulling).to_have_class(re.compile(r"\bstory__item--duiding\b"))
    expect(aanvulling.locator(".story__text")).to_have_text(duiding)
    expect(aanvulling).to_contain_text(str(region.zorg_a))
    expect(aanvulling).to_contain_text(region.school_a.name)
    expect(pill).to_have_class(re.compile(r"\bstatus-pill--in_bespreking\b"))
    expect(pill).to_have_text(label(Status.IN_BESPREKING))
    # The automatic status change is on the story, by the zorgcoördinator, from new to discussion.
    events = page.locator(".story__item--event")
    expect(events).to_have_count(2)
    status_event = events.last
    expect(status_event).to_contain_text(str(region.zorg_a))
    expect(status_event).to_contain_text(label(Status.NIEUW))
    expect(status_event).to_contain_text(label(Status.IN_BESPREKING))
    # The first of the four questions (duiding) is answered now.
    expect(page.locator(".questions .question").first).not_to_have_class(
        re.compile(r"\bquestion--open\b")
    )

    saved = Aanvulling.objects.get(signaal=signaal)
    assert page.url.endswith(f"#aanvulling-{saved.pk}")
    expect(page.locator(f"#aanvulling-{saved.pk}")).to_have_count(1)
    assert (saved.kind, saved.text) == (Kind.DUIDING, duiding)
    assert (saved.author, saved.author_organisation) == (region.zorg_a, region.school_a)
    signaal.refresh_from_db()
    assert signaal.status == Status.IN_BESPREKING
    change = Gebeurtenis.objects.get(signaal=signaal, kind=Gebeurtenis.Kind.STATUS)
    assert (change.from_status, change.to_status) == (Status.NIEUW, Status.IN_BESPREKING)
    assert change.automatic and change.actor == region.zorg_a
    screenshot()


def test_filters_and_overdue_in_my_schools_list(
    page: Page, live_server, login, screenshot, region, thema, bron
):
    today = timezone.localdate()
    author = region.clb_medewerker_a
    common = {
        "dossier": region.dossier_a,
        "author": author,
        "access": user_flags(author, region.dossier_a),
        "thema": thema,
        "bron": bron,
    }
    overdue = signaal_create(
        title="Verzuim na de middagpauze", text="Vaker laat terug van thuis.", **common
    )
    Signaal.objects.filter(pk=overdue.pk).update(follow_up_date=today - datetime.timedelta(days=7))
    later = signaal_create(
        title="Drukte aan de schoolpoort",
        text="Ouders melden onveilige situaties.",
        follow_up_date=today + datetime.timedelta(days=30),
        **common,
    )
    discussed = signaal_create(
        title="Taalachterstand bij kleuters", text="Logopedie vaker nodig.", **common
    )
    aanvulling_add(
        signaal=discussed,
        author=author,
        access=user_flags(author, discussed.dossier),
        kind=Kind.DUIDING,
        text="Vooral in K3.",
    )
    # A signal of another school, which the CLB medewerker may not read.
    signaal_create(
        dossier=region.dossier_b,
        author=region.directie_b,
        access=user_flags(region.directie_b, region.dossier_b),
        title="Signaal van een andere school",
        text="Niet zichtbaar voor CLB Leie.",
        thema=thema,
        bron=bron,
    )

    login(author)
    nav_link = page.locator('nav.topnav a[href="/signalen/"]')
    nav_link.click()
    expect(page).to_have_url(f"{live_server.url}/signalen/")
    expect(nav_link).to_have_attribute("aria-current", "page")
    cards = signal_cards(page)
    expect(cards).to_have_count(3)
    expect(page.locator("#signal-results")).not_to_contain_text("Signaal van een andere school")
    # Across schools, each card names its school.
    expect(cards.first.locator(".signal-card__meta")).to_contain_text(region.school_a.name)

    overdue_class = re.compile(r"\bsignal-card--overdue\b")
    expect(cards.filter(has_text=overdue.title)).to_have_class(overdue_class)
    expect(cards.filter(has_text=overdue.title).locator(".overdue")).to_have_count(1)
    expect(cards.filter(has_text=later.title)).not_to_have_class(overdue_class)
    expect(cards.filter(has_text=discussed.title)).not_to_have_class(overdue_class)

    # Filtering goes through htmx into #signal-results: a full reload would lose this mark.
    page.evaluate("window.__noReload = true")
    page.locator("select[name=status]").select_option(Status.IN_BESPREKING.value)
    expect(page).to_have_url(re.compile(r"/signalen/\?(.*&)?status=in_bespreking(&|$)"))
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(discussed.title)
    expect(cards.first.locator(".status-pill")).to_have_class(
        re.compile(r"\bstatus-pill--in_bespreking\b")
    )
    assert page.evaluate("window.__noReload") is True

    # Back to all statuses, then search on a word of one signal's description.
    page.locator("select[name=status]").select_option("")
    expect(cards).to_have_count(3)
    page.locator("input[name=q]").fill("onveilige")
    expect(page).to_have_url(re.compile(r"[?&]q=onveilige(&|$)"))
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(later.title)
    page.locator("input[name=q]").fill("geen enkel signaal zegt dit")
    expect(cards).to_have_count(0)
    expect(page.locator("#signal-results .empty")).to_be_visible()

    # Only overdue follow-ups.
    page.locator("input[name=q]").fill("")
    expect(cards).to_have_count(3)
    page.locator("input[name=overdue]").check()
    expect(page).to_have_url(re.compile(r"[?&]overdue=on(&|$)"))
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(overdue.title)
    expect(cards.first).to_have_class(overdue_class)
    assert page.evaluate("window.__noReload") is True
    screenshot()


def test_pdf_overview_is_made_and_downloaded(
    page: Page, live_server, login, screenshot, region, thema, bron, tmp_path
):
    dossier = region.dossier_a
    signaal = signaal_create(
        dossier=dossier,
        author=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, dossier),
        title="Meer afwezigheden op maandag",
        text="Vooral in het derde en vierde leerjaar.",
        thema=thema,
        bron=bron,
    )

    login(region.clb_medewerker_a)
    open_signalen_tab(page, live_server, region)
    expect(signal_cards(page)).to_have_count(1)
    report_form = page.locator("form.report-form")
    expect(report_form.locator("select[name=school_year]")).to_have_value(signaal.school_year)
    report_form.locator("button[type=submit]").click()

    expect(page).to_have_url(f"{live_server.url}/dossiers/{dossier.pk}/rapporten/")
    # The POST answers on this same URL: make sure it is the reports page, not an error page.
    expect(page.get_by_role("heading", level=1)).to_have_text(region.school_a.name)
    expect(page.locator(".message--success")).to_have_count(1)
    report = Report.objects.get(dossier=dossier, requested_by=region.clb_medewerker_a)
    row = page.locator(f"tr#report-{report.reference}")
    expect(row).to_contain_text(signaal.school_year)
    # Celery runs eagerly here, so the row is usually done at once; otherwise it polls every 2 s.
    expect(row.locator(".status-pill--report-done")).to_be_visible(timeout=30_000)
    download_link = row.locator(
        f'a[href="/dossiers/{dossier.pk}/rapporten/{report.reference}/download/"]'
    )
    expect(download_link).to_be_visible()
    screenshot()

    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert region.school_a.instellingsnummer in download.suggested_filename
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert signaal.title in text
    assert region.school_a.name in text

    report.refresh_from_db()
    assert report.status == Report.Status.DONE
    assert AuditEvent.objects.filter(
        dossier=dossier,
        actor=region.clb_medewerker_a,
        action="report_downloaded",
    ).exists()
