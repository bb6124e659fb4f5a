"""End to end: a shared document and a samenwerkingsafspraak, from upload to the audit log.

The zorgcoördinator shares the samenwerkingsafspraken as a PDF; the CLB medewerker downloads
it; the directie drafts an agreement binding school and CLB and approves it for the school;
the CLB approves it for the CLB; the directie finds the download and both approvals in the
audit log. Two browser contexts keep the CLB and the school logged in side by side, so each
person passes the TOTP step once.
"""

import io
import os
import re

import pytest
from allauth.mfa.models import Authenticator
from django.utils import translation
from playwright.sync_api import Page, expect
from pypdf import PdfWriter

from conftest import build_region
from dossier.afspraken.models import Samenwerkingsafspraak
from dossier.afspraken.section import AGREEMENT_APPROVED
from dossier.core.models import AuditEvent
from dossier.documenten.models import Document
from dossier.documenten.section import DOCUMENT_DOWNLOADED
from tests.browser.conftest import PASSWORD, SHOTS, assert_accessible, totp_code

pytestmark = pytest.mark.browser


@pytest.fixture
def region(transactional_db):
    return build_region()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def label(choice) -> str:
    """A choice's label as the page shows it (the site speaks nl-BE only)."""
    with translation.override("nl-be"):
        return str(choice.label)


def small_pdf() -> bytes:
    """A real one-page PDF, as a word processor would export it."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Samenwerkingsafspraken 2026-2027"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def shot(page: Page, name: str) -> str:
    assert_accessible(page)
    os.makedirs(SHOTS, exist_ok=True)
    path = os.path.join(SHOTS, f"test_documents_{name}.png")
    page.screenshot(path=path, full_page=True)
    return path


def login_on(page: Page, live_server, user) -> None:
    """The real login form, and the TOTP step when the person has MFA (as the login fixture)."""
    page.goto(f"{live_server.url}/account/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=login]) button[type=submit]").click()
    if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        expect(page).to_have_url(f"{live_server.url}/account/2fa/authenticate/")
        page.locator("input[name=code]").fill(totp_code(user))
        page.locator("form:has(input[name=code]) button[type=submit]:not([form])").click()
    expect(page).to_have_url(f"{live_server.url}/")


def open_tab(page: Page, live_server, region, path: str) -> None:
    """From Mijn dossiers: open school A's dossier, then one of its tabs."""
    dossier = region.dossier_a
    page.goto(f"{live_server.url}/")
    page.locator(".dossier-card__link", has_text=region.school_a.name).click()
    expect(page).to_have_url(f"{live_server.url}/dossiers/{dossier.pk}/")
    tab = page.locator(f'nav.tabs a[href="/dossiers/{dossier.pk}/{path}"]')
    tab.click()
    expect(page).to_have_url(f"{live_server.url}/dossiers/{dossier.pk}/{path}")
    expect(tab).to_have_attribute("aria-current", "page")


def test_share_download_agree_and_audit(
    page: Page, browser, browser_context_args, live_server, login, screenshot, region, tmp_path
):
    dossier = region.dossier_a
    pdf = small_pdf()
    title = "Samenwerkingsafspraken 2026-2027"
    clb_context = browser.new_context(**browser_context_args)
    clb_page = clb_context.new_page()

    # 1. The zorgcoördinator (no MFA) shares the PDF through the form.
    login(region.zorg_a)
    open_tab(page, live_server, region, "documenten/")
    page.locator(f'a[href="/dossiers/{dossier.pk}/documenten/nieuw/"]').click()
    expect(page).to_have_url(f"{live_server.url}/dossiers/{dossier.pk}/documenten/nieuw/")
    page.locator("input[name=title]").fill(title)
    page.locator("select[name=kind]").select_option(Document.Kind.SAMENWERKINGSAFSPRAKEN.value)
    page.locator("input[name=file]").set_input_files(
        {"name": "samenwerkingsafspraken.pdf", "mimeType": "application/pdf", "buffer": pdf}
    )
    expect(page.locator("input[name=for_clb]")).to_be_checked()
    expect(page.locator("input[name=for_lsc]")).not_to_be_checked()
    shot(page, "1_upload_form")
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()

    document = Document.objects.get(dossier=dossier)
    version = document.versies.get()
    detail = f"/dossiers/{dossier.pk}/documenten/{document.pk}/"
    expect(page).to_have_url(f"{live_server.url}{detail}")
    expect(page.locator(".message--success")).to_have_count(1)
    expect(page.locator("h2#doc-title")).to_have_text(title)
    assert (document.title, document.kind) == (title, Document.Kind.SAMENWERKINGSAFSPRAKEN)
    assert document.audience_sides == {"school", "clb"}
    assert version.original_name == "samenwerkingsafspraken.pdf"
    assert version.size == len(pdf)
    page.locator(f'nav.tabs a[href="/dossiers/{dossier.pk}/documenten/"]').click()
    row = page.locator("table tbody tr", has_text=title)
    expect(row).to_have_count(1)
    expect(row.locator(f'a[href="{detail}"]')).to_have_text(title)
    expect(row).to_contain_text("v1")
    shot(page, "2_documents_list")

    # 2. The CLB medewerker (TOTP) downloads it, in a browser of her own.
    login_on(clb_page, live_server, region.clb_medewerker_a)
    open_tab(clb_page, live_server, region, "documenten/")
    clb_page.locator(f'table a[href="{detail}"]').click()
    expect(clb_page).to_have_url(f"{live_server.url}{detail}")
    download_link = clb_page.locator(f'a[href="{detail}versies/{version.pk}/download/"]')
    with clb_page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename == "samenwerkingsafspraken.pdf"
    saved = tmp_path / "download.pdf"
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    assert saved.read_bytes() == pdf
    downloaded = AuditEvent.objects.get(dossier=dossier, action="document_downloaded")
    assert downloaded.actor == region.clb_medewerker_a
    assert downloaded.detail == f"{title} v1"

    # 3. The directie (TOTP) drafts an agreement binding school and CLB, approves it.
    page.locator("form[action='/account/logout/'] button[type=submit]").click()
    expect(page.locator("input[name=login]")).to_be_visible()
    login(region.directie_a)
    open_tab(page, live_server, region, "afspraken/")
    page.locator(f'a[href="/dossiers/{dossier.pk}/afspraken/nieuw/"]').click()
    agreement_title = "Consultatiemomenten met het CLB"
    page.locator("input[name=title]").fill(agreement_title)
    page.locator("select[name=topic]").select_option(Samenwerkingsafspraak.Topic.CONSULTATIE.value)
    page.locator("input[name=evaluation_date]").fill("01/06/2027")
    page.locator("textarea[name=summary]").fill("Elke tweede dinsdag een consultatiemoment.")
    page.locator("textarea[name=school_does]").fill("De zorgcoördinator verzamelt de vragen.")
    page.locator("input[name=clb_binds]").check()
    expect(page.locator("select[name=clb_org]")).to_have_value(str(region.clb_a.pk))
    page.locator("textarea[name=clb_does]").fill("Het CLB-anker komt op dinsdag.")
    shot(page, "3_agreement_form")
    page.locator("form:has(input[name=title]) button[type=submit]").click()

    afspraak = Samenwerkingsafspraak.objects.get(dossier=dossier)
    agreement_url = f"/dossiers/{dossier.pk}/afspraken/{afspraak.pk}/"
    expect(page).to_have_url(f"{live_server.url}{agreement_url}")
    pill = page.locator(".signal__title-row .status-pill")
    expect(pill).to_have_class(re.compile(r"\bstatus-pill--agreement-draft\b"))
    expect(pill).to_have_text(label(Samenwerkingsafspraak.Status.DRAFT))
    approve = page.locator(f'form[action="{agreement_url}goedkeuren/"] button[type=submit]')
    approve.click()
    expect(page.locator(".message--success")).to_contain_text(region.school_a.name)
    expect(approve).to_have_count(0)
    expect(pill).to_have_class(re.compile(r"\bstatus-pill--agreement-draft\b"))
    assert afspraak.audience_sides == {"school", "clb"}

    # 4. The CLB medewerker approves it for the CLB; now it holds.
    open_tab(clb_page, live_server, region, "afspraken/")
    card = clb_page.locator(".signal-card", has_text=agreement_title)
    expect(card.locator(".status-pill")).to_have_class(
        re.compile(r"\bstatus-pill--agreement-draft\b")
    )
    card.locator("a.signal-card__title").click()
    expect(clb_page).to_have_url(f"{live_server.url}{agreement_url}")
    clb_page.locator(f'form[action="{agreement_url}goedkeuren/"] button[type=submit]').click()
    expect(clb_page.locator(".message--success")).to_contain_text(region.clb_a.name)
    clb_pill = clb_page.locator(".signal__title-row .status-pill")
    expect(clb_pill).to_have_class(re.compile(r"\bstatus-pill--agreement-approved\b"))
    expect(clb_pill).to_have_text(label(Samenwerkingsafspraak.Status.APPROVED))
    approvals = clb_page.locator("table tbody tr")
    expect(approvals).to_have_count(2)
    expect(approvals.filter(has_text=region.school_a.name)).to_contain_text(str(region.directie_a))
    expect(approvals.filter(has_text=region.clb_a.name)).to_contain_text(
        str(region.clb_medewerker_a)
    )
    shot(clb_page, "4_agreement_approved")
    afspraak.refresh_from_db()
    assert afspraak.status == Samenwerkingsafspraak.Status.APPROVED

    # 5. The directie sees the download and both approvals in the audit log.
    page.reload()
    expect(pill).to_have_class(re.compile(r"\bstatus-pill--agreement-approved\b"))
    open_tab(page, live_server, region, "auditlog/")
    rows = page.locator("table tbody tr")
    download_row = rows.filter(has_text=label(DOCUMENT_DOWNLOADED))
    expect(download_row).to_have_count(1)
    expect(download_row).to_contain_text(str(region.clb_medewerker_a))
    expect(download_row).to_contain_text(f"{title} v1")
    approval_rows = rows.filter(has_text=label(AGREEMENT_APPROVED))
    expect(approval_rows).to_have_count(2)
    expect(approval_rows.filter(has_text=region.clb_a.name)).to_contain_text(
        str(region.clb_medewerker_a)
    )
    expect(approval_rows.filter(has_text=region.school_a.name)).to_contain_text(
        str(region.directie_a)
    )
    events = AuditEvent.objects.filter(dossier=dossier, action="agreement_approved").order_by("pk")
    assert [(e.actor, e.section, e.detail) for e in events] == [
        (region.directie_a, "afspraken", f"{agreement_title} v1 – {region.school_a.name}"),
        (region.clb_medewerker_a, "afspraken", f"{agreement_title} v1 – {region.clb_a.name}"),
    ]
    screenshot()
    clb_context.close()
