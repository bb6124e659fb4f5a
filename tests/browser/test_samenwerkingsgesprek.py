"""End to end: the LSC's samenwerkingsgesprek of one school year, from template to PDF.

The LSC coördinator adds a question to the LSC's template and publishes the new version; the
ankerpersoon starts this year's conversation, which carries last year's answers; the school's
zorgcoördinator fills in the school's part; the ankerpersoon records an agreement, plans,
holds and closes the conversation, and asks for the PDF, which holds the answers and the
agreement and leaves the wifi code out. Each person works in a browser context of their own.
"""

import os
import shutil
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import build_full_region
from dossier.core.access import user_flags
from leersteun import starter
from leersteun.models import Antwoord, Gesprek, SjabloonVersie, Vraag
from leersteun.services.gesprek import (
    answers_save,
    gesprek_advance,
    gesprek_plan,
    gesprek_start,
    previous_school_year,
)
from samenwerking.schoolyear import school_year_of
from tests.browser.conftest import SHOTS, assert_accessible
from tests.browser.test_documents import login_on

pytestmark = pytest.mark.browser

WIFI = "Linde-Gast / zomer2026"
NEW_QUESTION = "Waar kan de ondersteuner rustig werken?"


@pytest.fixture
def region(transactional_db):
    # a transactional test empties the tables, the starter template's too: put it back
    starter.install()
    return build_full_region()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def shot(page: Page, name: str) -> None:
    assert_accessible(page)
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, f"test_gesprek_{name}.png"), full_page=True)


def question(slug: str, versie) -> Vraag:
    return Vraag.objects.get(onderdeel__versie=versie, key=starter.starter_key(slug))


def last_years_conversation(region) -> Gesprek:
    """Held and closed with the starter template, the wifi code among its answers."""
    anker, zorg, dossier = region.lsc_anker_a, region.zorg_a, region.dossier_a
    year = previous_school_year(school_year_of(timezone.localdate()))
    gesprek = gesprek_start(
        dossier=dossier, user=anker, access=user_flags(anker, dossier), school_year=year
    )
    answers_save(
        gesprek=gesprek,
        user=zorg,
        access=user_flags(zorg, dossier),
        values={
            question("prioriteit", gesprek.versie).pk: "Begrijpend lezen",
            question("wifi", gesprek.versie).pk: WIFI,
            question("schooluren", gesprek.versie).pk: "8.30 tot 15.30",
        },
    )
    access = user_flags(anker, dossier)
    gesprek_plan(gesprek=gesprek, user=anker, access=access, planned_for=timezone.now())
    gesprek_advance(gesprek=gesprek, user=anker, access=access, to=Gesprek.Status.GEHOUDEN)
    gesprek_advance(gesprek=gesprek, user=anker, access=access, to=Gesprek.Status.AFGEROND)
    return gesprek


def pdf_text(path) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is missing: install poppler-utils"
    result = subprocess.run(  # noqa: S603 - our own file, a fixed program
        [pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return result.stdout.decode()


def test_template_to_conversation_to_pdf(
    page: Page, browser, browser_context_args, live_server, region, tmp_path
):
    dossier, lsc = region.dossier_a, region.lsc_a
    earlier = last_years_conversation(region)
    base = live_server.url

    # 1. The coördinator adapts the template: a new question in "Praktische informatie".
    login_on(page, live_server, region.lsc_coordinator_a)
    page.goto(f"{base}/lsc/{lsc.pk}/sjabloon/")
    page.locator(f'form[action="/lsc/{lsc.pk}/sjabloon/bewerken/"] button').first.click()
    draft = SjabloonVersie.objects.get(sjabloon__lsc=lsc, published_at__isnull=True)
    expect(page).to_have_url(f"{base}/lsc/{lsc.pk}/sjabloon/versies/{draft.pk}/")
    practical = draft.onderdelen.get(key=starter.starter_key("praktisch"))
    page.locator(
        f'a[href="/lsc/{lsc.pk}/sjabloon/versies/{draft.pk}/onderdelen/{practical.pk}/vragen/nieuw/"]'
    ).click()
    page.locator("input[name=text]").fill(NEW_QUESTION)
    page.locator("select[name=kind]").select_option("short_text")
    shot(page, "1_question_form")
    page.locator("form:has(input[name=text]) button[type=submit]").click()
    expect(page.locator(".message--success")).to_have_count(1)
    page.locator(
        f'form[action="/lsc/{lsc.pk}/sjabloon/versies/{draft.pk}/publiceren/"] button'
    ).click()
    expect(page.locator(".message--success")).to_have_count(1)
    draft.refresh_from_db()
    assert draft.published_at is not None
    assert draft.onderdelen.get(pk=practical.pk).vragen.filter(text=NEW_QUESTION).exists()

    # 2. The ankerpersoon starts this year's conversation: last year's answers come along.
    anker_context = browser.new_context(**browser_context_args)
    anker = anker_context.new_page()
    login_on(anker, live_server, region.lsc_anker_a)
    anker.goto(f"{base}/dossiers/{dossier.pk}/")
    tab = anker.locator(f'nav.tabs a[href="/dossiers/{dossier.pk}/samenwerkingsgesprek/"]')
    tab.click()
    anker.locator(
        f'form[action="/dossiers/{dossier.pk}/samenwerkingsgesprek/starten/"] button'
    ).click()
    gesprek = Gesprek.objects.exclude(pk=earlier.pk).get()
    detail = f"/dossiers/{dossier.pk}/samenwerkingsgesprek/{gesprek.pk}/"
    expect(anker).to_have_url(f"{base}{detail}")
    assert gesprek.versie == draft and gesprek.previous == earlier
    priority = question("prioriteit", draft)
    item = anker.locator(f"#vraag-{priority.pk}")
    expect(item).to_contain_text("Begrijpend lezen")
    expect(item.locator(".badge--carried")).to_have_text(f"uit {earlier.school_year}")
    expect(anker.locator(".qa", has_text=NEW_QUESTION)).to_have_count(1)
    # the wifi code is carried too, masked until shown
    wifi = question("wifi", draft)
    expect(anker.locator(f"#antwoord-{wifi.pk}")).not_to_contain_text(WIFI)
    anker.locator(f"#antwoord-{wifi.pk} button[type=submit]").click()
    expect(anker.locator(f"#antwoord-{wifi.pk}")).to_contain_text(WIFI)
    shot(anker, "2_started")

    # 3. The zorgcoördinator fills in the school's part and confirms what still holds.
    school_context = browser.new_context(**browser_context_args)
    school = school_context.new_page()
    login_on(school, live_server, region.zorg_a)
    school.goto(f"{base}{detail}")
    part = priority.onderdeel
    school.locator(f'a[href="{detail}onderdeel/{part.pk}/"]').click()
    school.locator(f"input[name=q_{priority.pk}]").fill("Welbevinden en klasklimaat")
    school.locator(f"input[name=q_{question('verslagen_gc', draft).pk}]").fill("5")
    school.locator("input[name=confirm_unchanged]").check()
    shot(school, "3_school_part")
    school.locator("form:has(input[name=confirm_unchanged]) button[type=submit]").click()
    expect(school).to_have_url(f"{base}{detail}#deel-{part.pk}")
    expect(school.locator(".message--success")).to_have_count(1)
    expect(school.locator(f"#vraag-{priority.pk}")).to_contain_text("Welbevinden en klasklimaat")
    expect(school.locator(f"#vraag-{priority.pk} .badge--changed")).to_have_count(1)
    saved = gesprek.antwoorden.get(vraag=priority)
    assert (saved.value, saved.answered_by, saved.origin) == (
        "Welbevinden en klasklimaat",
        region.zorg_a,
        Antwoord.Origin.ANSWERED,
    )

    # 4. The ankerpersoon records an agreement, plans, holds and closes the conversation.
    anker.goto(f"{base}{detail}afspraken/nieuw/")
    anker.locator("textarea[name=what]").fill("Het LSC geeft een teamvorming over UDL.")
    anker.locator("input[name=partner][value=lsc]").check()
    anker.locator("input[name=due_date]").fill("30/06/2027")
    anker.locator("form:has(textarea[name=what]) button[type=submit]").click()
    expect(anker.locator("#afspraken")).to_contain_text("teamvorming over UDL")
    anker.goto(f"{base}{detail}plannen/")
    anker.locator("input[name=date]").fill("20/01/2027")
    anker.locator("input[name=time]").fill("14:00")
    anker.locator("input[name=place]").fill("Vergaderzaal")
    anker.locator("form:has(input[name=place]) button[type=submit]").click()
    expect(anker.locator(".status-pill").first).to_have_text("Gepland")
    anker.locator(f'form[action="{detail}status/"] button').click()
    expect(anker.locator(".status-pill").first).to_have_text("Gehouden")
    anker.locator(f'form[action="{detail}status/"] button').click()
    expect(anker.locator(".status-pill").first).to_have_text("Afgerond")
    expect(anker.locator(f'a[href="{detail}onderdeel/{part.pk}/"]')).to_have_count(0)
    shot(anker, "4_closed")

    # 5. The PDF: the answers and the agreement, without the wifi code.
    anker.locator(f'form[action="{detail}rapport/"] button[type=submit]').click()
    expect(anker).to_have_url(f"{base}/dossiers/{dossier.pk}/rapporten/")
    link = anker.locator('a[href*="/download/"]').first
    with anker.expect_download() as download_info:
        link.click()
    saved_pdf = tmp_path / "gesprek.pdf"
    download_info.value.save_as(saved_pdf)
    text = pdf_text(saved_pdf)
    assert region.school_a.name in text
    assert "Welbevinden en klasklimaat" in text
    assert "teamvorming over UDL" in text
    assert WIFI not in text
    anker_context.close()
    school_context.close()
