"""Shared documents: who sees them, downloads, versions, the bin, filters and the upload form.

Through the services and through the Django test client, on PostgreSQL. School A's dossier is
shared with CLB A, PBD A (read only) and LSC A; a document's audience is school + CLB unless
the uploader chooses otherwise. Files go to a temporary MEDIA_ROOT of each test.
"""

from __future__ import annotations

import datetime
import re
import time
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from dossier.core.access import user_flags
from dossier.core.models import AuditEvent
from dossier.documenten.models import Document, DocumentVersie
from dossier.documenten.services import (
    document_delete,
    document_new_version,
    document_restore,
    document_upload,
    documents_purge_bin,
)
from dossier.documenten.tests.test_uploads import PNG, pdf_bytes, stored_files, upload
from tests.threads import run_at_once

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def share(region, *, user=None, dossier=None, name="afspraken.pdf", content=None, **kwargs):
    return document_upload(
        dossier=dossier or region.dossier_a,
        user=user or region.zorg_a,
        access=user_flags(user or region.zorg_a, dossier or region.dossier_a),
        uploaded=upload(name, content if content is not None else pdf_bytes(name)),
        title=kwargs.pop("title", "Samenwerkingsafspraken 2026-2027"),
        kind=kwargs.pop("kind", Document.Kind.SAMENWERKINGSAFSPRAKEN),
        school_year=kwargs.pop("school_year", "2026-2027"),
        **kwargs,
    )


def urls(document, version=None) -> dict[str, str]:
    kwargs = {"pk": document.dossier_id, "document_pk": document.pk}
    version = version or document.versies.order_by("-number").first()
    return {
        "list": reverse("documenten:documents", kwargs={"pk": document.dossier_id}),
        "bin": reverse("documenten:document_bin", kwargs={"pk": document.dossier_id}),
        "detail": reverse("documenten:document_detail", kwargs=kwargs),
        "download": reverse(
            "documenten:document_download", kwargs=kwargs | {"version_pk": version.pk}
        ),
        "delete": reverse("documenten:document_delete", kwargs=kwargs),
        "restore": reverse("documenten:document_restore", kwargs=kwargs),
    }


def listed(client, user, dossier, **params) -> list[int]:
    client.force_login(user)
    response = client.get(reverse("documenten:documents", kwargs={"pk": dossier.pk}), params)
    assert response.status_code == 200
    return [document.pk for document in response.context["page"].object_list]


def download(client, user, url):
    client.force_login(user)
    return client.get(url)


# --- who sees what ---------------------------------------------------------------------------


def test_default_audience_is_school_and_clb(region):
    document = share(region)

    assert (document.for_clb, document.for_pbd, document.for_lsc) == (True, False, False)
    assert document.audience_sides == {"school", "clb"}
    assert document.created_by == region.zorg_a


def test_the_clb_sees_and_downloads_a_default_document(client, region):
    document = share(region)
    links = urls(document)

    assert listed(client, region.clb_medewerker_a, region.dossier_a) == [document.pk]
    assert client.get(links["detail"]).status_code == 200
    response = client.get(links["download"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes("afspraken.pdf")


@pytest.mark.parametrize("persona", ["lsc_anker_a", "pbd_begeleider_a"])
def test_lsc_and_pbd_do_not_see_a_default_document(client, region, persona):
    document = share(region)
    links = urls(document)
    user = region.persona(persona)

    assert listed(client, user, region.dossier_a) == []
    assert client.get(links["detail"]).status_code == 404
    assert client.get(links["download"]).status_code == 404
    assert not AuditEvent.objects.filter(action="document_downloaded").exists()


@pytest.mark.parametrize("persona", ["leerkracht_a", "clb_medewerker_other", "platform_admin"])
def test_people_without_access_never_see_a_document(client, region, persona):
    document = share(region, for_pbd=True, for_lsc=True)
    links = urls(document)
    client.force_login(region.persona(persona))

    for url in (links["list"], links["detail"], links["download"]):
        assert client.get(url).status_code == 404


def test_with_for_lsc_the_lsc_sees_it_and_the_pbd_still_does_not(client, region):
    document = share(region, for_lsc=True)
    links = urls(document)

    assert listed(client, region.lsc_anker_a, region.dossier_a) == [document.pk]
    assert client.get(links["detail"]).status_code == 200
    assert client.get(links["download"]).status_code == 200
    assert listed(client, region.pbd_begeleider_a, region.dossier_a) == []
    assert client.get(links["detail"]).status_code == 404


def test_a_school_only_document_is_hidden_from_the_clb(client, region):
    document = share(region, for_clb=False)
    links = urls(document)

    assert listed(client, region.clb_medewerker_a, region.dossier_a) == []
    assert client.get(links["detail"]).status_code == 404
    assert client.get(links["download"]).status_code == 404
    # The directie reads everything of its own school.
    assert listed(client, region.directie_a, region.dossier_a) == [document.pk]


def test_a_partner_cannot_share_a_document_its_own_side_would_not_see(region):
    with pytest.raises(PermissionDenied):
        share(region, user=region.clb_medewerker_a, for_clb=False, for_lsc=True)
    assert not Document.objects.exists()


def test_another_schools_document_gives_404(client, region):
    theirs = share(region, user=region.directie_b, dossier=region.dossier_b)
    version = theirs.versies.get()
    mine = share(region)
    client.force_login(region.zorg_a)

    # Under school A's dossier number: not found.
    kwargs = {"pk": region.dossier_a.pk, "document_pk": theirs.pk}
    assert client.get(reverse("documenten:document_detail", kwargs=kwargs)).status_code == 404
    assert (
        client.get(
            reverse("documenten:document_download", kwargs=kwargs | {"version_pk": version.pk})
        ).status_code
        == 404
    )
    assert client.post(reverse("documenten:document_delete", kwargs=kwargs)).status_code == 404
    # Under its own dossier: school A's people have no access there.
    for url in urls(theirs).values():
        assert client.get(url).status_code in (404, 405)
    # A version of another document, under this document: not found.
    crossed = reverse(
        "documenten:document_download",
        kwargs={"pk": region.dossier_a.pk, "document_pk": mine.pk, "version_pk": version.pk},
    )
    assert client.get(crossed).status_code == 404
    theirs.refresh_from_db()
    assert theirs.deleted_at is None
    assert not AuditEvent.objects.filter(action="document_downloaded").exists()


# --- downloads -------------------------------------------------------------------------------


def test_a_download_is_an_attachment_with_safe_headers_and_is_audited(client, region):
    content = pdf_bytes("verslag")
    document = share(region, name="../../etc/verslag overleg.pdf", content=content)
    version = document.versies.get()
    assert version.original_name == "verslag overleg.pdf"

    response = download(client, region.clb_medewerker_a, urls(document)["download"])

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="verslag overleg.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content) == content
    event = AuditEvent.objects.get(action="document_downloaded")
    assert event.dossier == region.dossier_a
    assert event.actor == region.clb_medewerker_a
    assert event.section == "documenten"
    assert event.detail == "Samenwerkingsafspraken 2026-2027 v1"


def test_a_download_of_a_name_with_accents_keeps_the_name(client, region):
    document = share(region, name="Zorgcoördinator één.pdf")

    response = download(client, region.zorg_a, urls(document)["download"])

    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert "filename*=utf-8''Zorgco%C3%B6rdinator%20%C3%A9%C3%A9n.pdf" in disposition


def test_a_text_file_is_served_as_text_plain_and_never_inline(client, region):
    document = share(region, name="notities.txt", content=b"Gewone notities.")

    response = download(client, region.zorg_a, urls(document)["download"])

    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"] == 'attachment; filename="notities.txt"'


def test_each_download_is_audited_once(client, region):
    document = share(region)
    url = urls(document)["download"]
    download(client, region.clb_medewerker_a, url)
    download(client, region.directie_a, url)

    events = AuditEvent.objects.filter(action="document_downloaded")
    assert sorted(e.actor_id for e in events) == sorted(
        [region.clb_medewerker_a.pk, region.directie_a.pk]
    )


def test_a_head_request_sends_no_file_and_is_not_a_download(client, region):
    document = share(region)
    client.force_login(region.clb_medewerker_a)

    version = document.versies.get()
    version.file.storage.delete(version.file.name)  # a HEAD does not even ask the storage

    response = client.head(urls(document)["download"])

    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Length"] == str(version.size)
    assert response["Content-Disposition"].startswith("attachment; ")
    assert response["Content-Type"] == version.content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not AuditEvent.objects.filter(action="document_downloaded").exists()


def test_a_file_gone_from_the_storage_is_said_in_dutch_and_is_no_download(client, region):
    document = share(region)
    version = document.versies.get()
    version.file.storage.delete(version.file.name)
    client.force_login(region.clb_medewerker_a)

    response = client.get(urls(document)["download"], follow=True)

    assert response.redirect_chain == [(urls(document)["detail"], 302)]
    assert "kon niet uit de opslag gelezen worden" in response.content.decode()
    assert not AuditEvent.objects.filter(action="document_downloaded").exists()


def test_a_download_is_not_news_on_the_overview(client, region):
    """Downloads are audited, but the front page shows what changed, not who looked.

    Report downloads and consultation reads are kept off the overview (QUIET_ACTIONS);
    document downloads are not, so every partner's front page lists who downloaded what.
    """
    document = share(region, title="Verslag leerlingenraad")
    download(client, region.clb_medewerker_a, urls(document)["download"])

    client.force_login(region.directie_a)
    response = client.get(reverse("dossier:overview", kwargs={"pk": region.dossier_a.pk}))

    actions = [event.action for event in response.context["activity"]]
    assert "document_downloaded" not in actions


@pytest.mark.parametrize("persona", ["lsc_anker_a", "pbd_begeleider_a"])
def test_the_title_of_a_document_outside_the_audience_does_not_reach_the_overview(
    client, region, persona
):
    """Need-to-know: the LSC and PBD may not see a school + CLB document, not even its title.

    The download's audit event carries the title and belongs to the documents section, which
    every side reads; the overview's recent activity filters by section only.
    """
    document = share(region, title="Vertrouwelijk verslag zorgoverleg")
    download(client, region.clb_medewerker_a, urls(document)["download"])

    client.force_login(region.persona(persona))
    response = client.get(reverse("dossier:overview", kwargs={"pk": region.dossier_a.pk}))

    assert response.status_code == 200
    assert "Vertrouwelijk verslag zorgoverleg" not in response.content.decode()


# --- versions --------------------------------------------------------------------------------


def test_a_new_version_keeps_the_earlier_ones_downloadable_and_numbered(client, region):
    first_content = pdf_bytes("eerste")
    document = share(region, name="afspraken.pdf", content=first_content)
    first = document.versies.get()
    updated_before = Document.objects.get(pk=document.pk).updated_at

    second = document_new_version(
        document=document,
        user=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, document.dossier),
        uploaded=upload("afspraken-v2.pdf", pdf_bytes("tweede")),
    )
    third = document_new_version(
        document=document,
        user=region.zorg_a,
        access=user_flags(region.zorg_a, document.dossier),
        uploaded=upload("schema.png", PNG),
    )

    assert (first.number, second.number, third.number) == (1, 2, 3)
    assert second.uploaded_by == region.clb_medewerker_a
    assert list(document.versies.values_list("number", flat=True)) == [3, 2, 1]
    assert Document.objects.get(pk=document.pk).updated_at > updated_before
    assert len({first.file.name, second.file.name, third.file.name}) == 3

    client.force_login(region.clb_medewerker_a)
    response = client.get(urls(document)["detail"])
    assert [v.number for v in response.context["document"].versies.all()] == [3, 2, 1]
    old = client.get(urls(document, first)["download"])
    assert old.status_code == 200
    assert b"".join(old.streaming_content) == first_content
    assert old["Content-Disposition"] == 'attachment; filename="afspraken.pdf"'
    newest = client.get(urls(document, third)["download"])
    assert newest["Content-Type"] == "image/png"
    assert AuditEvent.objects.filter(detail__endswith=" v1").count() == 1
    assert AuditEvent.objects.filter(detail__endswith=" v3").count() == 1


def test_a_new_version_through_the_detail_page(client, region):
    document = share(region)
    client.force_login(region.clb_medewerker_a)

    response = client.post(
        urls(document)["detail"],
        {"file": SimpleUploadedFile("afspraken-v2.pdf", pdf_bytes("v2"))},
    )

    assert response.status_code == 302
    assert response["Location"] == urls(document)["detail"]
    assert list(document.versies.values_list("number", flat=True)) == [2, 1]


def test_a_hostile_new_version_through_the_detail_page_is_refused(client, region, media_root):
    document = share(region)
    files_before = stored_files(media_root)
    client.force_login(region.zorg_a)

    response = client.post(
        urls(document)["detail"],
        {"file": SimpleUploadedFile("afspraken.pdf", b"%PDF-1.4\n<script>alert(1)</script>")},
    )

    assert response.status_code == 400
    message = _("The file contains web page code (HTML or script) and is refused.")
    assert response.context["form"].errors["file"] == [message]
    assert escape(message) in response.content.decode()
    assert document.versies.count() == 1
    assert stored_files(media_root) == files_before


def test_the_read_only_pbd_may_not_add_versions_or_delete(client, region):
    document = share(region, for_pbd=True)
    links = urls(document)
    client.force_login(region.pbd_begeleider_a)

    assert client.get(links["detail"]).status_code == 200
    response = client.post(links["detail"], {"file": SimpleUploadedFile("v2.pdf", pdf_bytes())})
    assert response.status_code == 403
    assert client.post(links["delete"]).status_code == 403
    with pytest.raises(PermissionDenied):
        document_new_version(
            document=document,
            user=region.pbd_begeleider_a,
            access=user_flags(region.pbd_begeleider_a, document.dossier),
            uploaded=upload("v2.pdf", pdf_bytes()),
        )
    with pytest.raises(PermissionDenied):
        document_delete(
            document=document,
            user=region.pbd_begeleider_a,
            access=user_flags(region.pbd_begeleider_a, document.dossier),
        )
    document.refresh_from_db()
    assert document.deleted_at is None
    assert document.versies.count() == 1
    # The page offers neither (the same page again: it may come from the page cache).
    page = client.get(links["detail"]).content.decode()
    assert 'type="file"' not in page
    assert links["delete"] not in page


def test_a_contributor_outside_the_audience_may_not_change_it(client, region):
    document = share(region)
    links = urls(document)
    client.force_login(region.lsc_anker_a)

    response = client.post(links["detail"], {"file": SimpleUploadedFile("v2.pdf", pdf_bytes())})
    assert response.status_code == 404
    assert client.post(links["delete"]).status_code == 404
    with pytest.raises(PermissionDenied):
        document_new_version(
            document=document,
            user=region.lsc_anker_a,
            access=user_flags(region.lsc_anker_a, document.dossier),
            uploaded=upload("v2.pdf", pdf_bytes()),
        )
    with pytest.raises(PermissionDenied):
        document_delete(
            document=document,
            user=region.lsc_anker_a,
            access=user_flags(region.lsc_anker_a, document.dossier),
        )
    assert document.versies.count() == 1


def test_the_lsc_in_the_audience_may_add_a_version(client, region):
    document = share(region, for_lsc=True)
    client.force_login(region.lsc_anker_a)

    response = client.post(
        urls(document)["detail"], {"file": SimpleUploadedFile("v2.pdf", pdf_bytes("lsc"))}
    )

    assert response.status_code == 302
    assert document.versies.first().uploaded_by == region.lsc_anker_a


# --- the bin ---------------------------------------------------------------------------------


def test_delete_asks_to_confirm_first_and_a_plain_get_never_deletes(client, region):
    document = share(region)
    links = urls(document)
    client.force_login(region.clb_medewerker_a)

    # the detail page links to the confirmation step; it holds no delete form itself
    detail = client.get(links["detail"]).content.decode()
    assert f'href="{links["delete"]}"' in detail
    assert f'action="{links["delete"]}"' not in detail
    assert "hx-confirm" not in detail

    assert client.head(links["delete"]).status_code == 200
    page = client.get(links["delete"])
    assert page.templates[0].name == "documenten/document_delete.html"
    html = page.content.decode()
    # the confirmation: one POST form to the same URL, and a way back that deletes nothing
    forms = re.findall(r'<form method="post" action="([^"]+)"', html)
    assert [url for url in forms if url.startswith("/dossiers/")] == [links["delete"]]
    assert f'href="{links["detail"]}"' in html
    # no inline script or handler: the confirmation works without JavaScript, under the CSP
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert "onclick" not in html and "hx-confirm" not in html
    document.refresh_from_db()
    assert document.deleted_at is None

    # confirming deletes it
    response = client.post(links["delete"])
    assert response.status_code == 302
    assert response["Location"] == links["list"]
    document.refresh_from_db()
    assert document.deleted_by == region.clb_medewerker_a
    # once in the bin, the confirmation page is gone too
    assert client.get(links["delete"]).status_code == 404


def test_the_confirmation_page_is_refused_like_the_delete(client, region):
    document = share(region, for_pbd=True)
    links = urls(document)

    client.force_login(region.pbd_begeleider_a)  # reads, may not change
    assert client.get(links["delete"]).status_code == 403
    client.force_login(region.lsc_anker_a)  # outside the audience
    assert client.get(links["delete"]).status_code == 404
    document.refresh_from_db()
    assert document.deleted_at is None


def test_delete_moves_to_the_bin_and_restore_brings_it_back(client, region):
    document = share(region)
    links = urls(document)
    client.force_login(region.clb_medewerker_a)

    response = client.post(links["delete"])
    assert response.status_code == 302
    assert response["Location"] == links["list"]
    document.refresh_from_db()
    assert document.deleted_at is not None
    assert document.deleted_by == region.clb_medewerker_a
    assert listed(client, region.clb_medewerker_a, region.dossier_a) == []
    assert listed(client, region.zorg_a, region.dossier_a) == []
    client.force_login(region.clb_medewerker_a)
    response = client.get(links["bin"])
    assert response.status_code == 200
    assert [d.pk for d in response.context["page"].object_list] == [document.pk]
    # While in the bin it cannot be downloaded.
    assert client.get(links["download"]).status_code == 404

    response = client.post(links["restore"])
    assert response.status_code == 302
    assert response["Location"] == links["detail"]
    document.refresh_from_db()
    assert (document.deleted_at, document.deleted_by) == (None, None)
    assert listed(client, region.clb_medewerker_a, region.dossier_a) == [document.pk]
    assert list(client.get(links["bin"]).context["page"].object_list) == []
    assert client.get(links["download"]).status_code == 200


def test_the_bin_shows_only_the_documents_of_the_persons_audience(client, region):
    school_only = share(region, for_clb=False, title="Alleen voor de school")
    shared = share(region, title="Met het CLB")
    for document in (school_only, shared):
        document_delete(
            document=document,
            user=region.zorg_a,
            access=user_flags(region.zorg_a, document.dossier),
        )

    client.force_login(region.clb_medewerker_a)
    response = client.get(urls(shared)["bin"])

    assert [d.pk for d in response.context["page"].object_list] == [shared.pk]
    assert client.post(urls(school_only)["restore"]).status_code == 404
    # The read-only PBD has no bin at all.
    client.force_login(region.pbd_begeleider_a)
    assert client.get(urls(shared)["bin"]).status_code == 403


def test_a_document_in_the_bin_can_be_opened_from_the_bin_to_restore_it(client, region):
    """The bin links each document to its detail page, whose template has a Restore button
    for a document in the bin; but the detail view only looks among documents not in the bin,
    so the link gives 404 and the Restore button can never be reached.
    """
    document = share(region)
    document_delete(
        document=document, user=region.zorg_a, access=user_flags(region.zorg_a, document.dossier)
    )
    links = urls(document)
    client.force_login(region.zorg_a)

    bin_page = client.get(links["bin"]).content.decode()
    assert f'href="{links["detail"]}"' in bin_page

    response = client.get(links["detail"])
    assert response.status_code == 200
    assert f'action="{links["restore"]}"' in response.content.decode()


def test_restore_and_delete_refuse_people_outside_the_audience(region):
    document = share(region)
    document_delete(
        document=document, user=region.zorg_a, access=user_flags(region.zorg_a, document.dossier)
    )

    with pytest.raises(PermissionDenied):
        document_restore(
            document=document,
            user=region.lsc_anker_a,
            access=user_flags(region.lsc_anker_a, document.dossier),
        )
    with pytest.raises(PermissionDenied):
        document_restore(
            document=document,
            user=region.pbd_begeleider_a,
            access=user_flags(region.pbd_begeleider_a, document.dossier),
        )
    document_restore(
        document=document,
        user=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, document.dossier),
    )
    document.refresh_from_db()
    assert document.deleted_at is None


def test_a_document_in_the_bin_takes_no_new_version(region):
    document = share(region)
    document_delete(
        document=document, user=region.zorg_a, access=user_flags(region.zorg_a, document.dossier)
    )

    with pytest.raises(PermissionDenied):
        document_new_version(
            document=document,
            user=region.zorg_a,
            access=user_flags(region.zorg_a, document.dossier),
            uploaded=upload("v2.pdf", pdf_bytes()),
        )
    assert document.versies.count() == 1


def test_purge_removes_documents_over_30_days_in_the_bin_with_their_files(region, media_root):
    now = timezone.now()
    old = share(region, title="Lang geleden verwijderd")
    document_new_version(
        document=old,
        user=region.zorg_a,
        access=user_flags(region.zorg_a, old.dossier),
        uploaded=upload("v2.pdf", pdf_bytes("2")),
    )
    young = share(region, title="Pas verwijderd")
    kept = share(region, title="Niet verwijderd")
    for document in (old, young):
        document_delete(
            document=document,
            user=region.zorg_a,
            access=user_flags(region.zorg_a, document.dossier),
        )
    Document.objects.filter(pk=old.pk).update(deleted_at=now - datetime.timedelta(days=31))
    Document.objects.filter(pk=young.pk).update(deleted_at=now - datetime.timedelta(days=29))
    old_files = set(old.versies.values_list("file", flat=True))
    young_files = set(young.versies.values_list("file", flat=True))
    kept_files = set(kept.versies.values_list("file", flat=True))
    assert stored_files(media_root) == old_files | young_files | kept_files
    assert len(old_files) == 2

    assert documents_purge_bin(now=now) == 1

    assert set(Document.objects.values_list("pk", flat=True)) == {young.pk, kept.pk}
    assert not DocumentVersie.objects.filter(document_id=old.pk).exists()
    assert stored_files(media_root) == young_files | kept_files
    # Run again: nothing more to do; after another 2 days the young one goes too.
    assert documents_purge_bin(now=now) == 0
    assert documents_purge_bin(now=now + datetime.timedelta(days=2)) == 1
    assert stored_files(media_root) == kept_files


@pytest.mark.django_db(transaction=True)
def test_a_document_restored_while_the_purge_runs_keeps_its_files(region, media_root):
    """The restore holds its document when the purge comes by: the purge waits for it, then
    finds the document out of the bin. Before, the purge listed the bin unlocked, then deleted
    the rows it had listed (restored meanwhile) and their files."""
    document = share(region)
    files = stored_files(media_root)
    document_delete(
        document=document, user=region.zorg_a, access=user_flags(region.zorg_a, document.dossier)
    )
    Document.objects.filter(pk=document.pk).update(
        deleted_at=timezone.now() - datetime.timedelta(days=31)
    )

    def restore(barrier):
        with transaction.atomic():
            document_restore(
                document=document,
                user=region.zorg_a,
                access=user_flags(region.zorg_a, document.dossier),
            )
            barrier.wait()
            time.sleep(1)  # the purge starts meanwhile

    def purge(barrier):
        barrier.wait()
        return documents_purge_bin()

    outcomes = run_at_once(restore, purge)

    assert outcomes == [None, 0]
    document.refresh_from_db()
    assert document.deleted_at is None
    assert document.versies.count() == 1
    assert stored_files(media_root) == files


def test_the_purge_task_uses_the_service(region, media_root):
    from dossier.documenten.tasks import purge_document_bin

    document = share(region)
    document_delete(
        document=document, user=region.zorg_a, access=user_flags(region.zorg_a, document.dossier)
    )
    Document.objects.filter(pk=document.pk).update(
        deleted_at=timezone.now() - datetime.timedelta(days=40)
    )

    assert purge_document_bin.delay().get() == 1
    assert not Document.objects.exists()
    assert stored_files(media_root) == set()


# --- the list and its filters ----------------------------------------------------------------


@pytest.fixture
def three_documents(region):
    return {
        "afspraken": share(region, title="Samenwerkingsafspraken CLB"),
        "verslag": share(
            region, title="Verslag structureel overleg", kind=Document.Kind.VERSLAG, name="v.pdf"
        ),
        "oud": share(
            region,
            title="Visietekst zorgbeleid",
            kind=Document.Kind.VISIETEKST,
            school_year="2025-2026",
            name="visie.pdf",
        ),
    }


def test_the_list_filters_by_kind_school_year_and_title(client, region, three_documents):
    docs = three_documents
    user, dossier = region.clb_medewerker_a, region.dossier_a

    assert set(listed(client, user, dossier)) == {d.pk for d in docs.values()}
    assert listed(client, user, dossier, kind="verslag") == [docs["verslag"].pk]
    assert listed(client, user, dossier, school_year="2025-2026") == [docs["oud"].pk]
    assert set(listed(client, user, dossier, school_year="2026-2027")) == {
        docs["afspraken"].pk,
        docs["verslag"].pk,
    }
    assert listed(client, user, dossier, q="  structureel ") == [docs["verslag"].pk]
    assert listed(client, user, dossier, q="ZORGBELEID") == [docs["oud"].pk]
    assert listed(client, user, dossier, q="afspraken", kind="verslag") == []
    assert set(listed(client, user, dossier, q="", kind="", school_year="")) == {
        d.pk for d in docs.values()
    }


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"kind": "exe"}, 400),
        ({"kind": ["verslag", "andere"]}, 200),
        ({"school_year": "1999-2000"}, 400),
        ({"school_year": "2026-2025"}, 400),
        ({"school_year": "'; DROP TABLE dossier_document; --"}, 400),
        ({"q": "x" * 101}, 400),
        ({"q": "nul\x00byte"}, 400),
        ({"q": "%_\\"}, 200),
        ({"q": "' OR 1=1 --"}, 200),
        ({"page": "abc"}, 200),
        ({"page": "999999"}, 200),
        ({"page": "-1"}, 200),
        ({"unknown": "value"}, 200),
    ],
)
def test_garbage_filter_values_give_400_or_200_never_500(
    client, region, three_documents, params, status
):
    client.force_login(region.zorg_a)

    response = client.get(
        reverse("documenten:documents", kwargs={"pk": region.dossier_a.pk}), params
    )

    assert response.status_code == status
    if status == 400 and response.context is not None:  # a NUL is refused before the page
        assert list(response.context["page"].object_list) == []
    response = client.get(
        reverse("documenten:document_bin", kwargs={"pk": region.dossier_a.pk}), params
    )
    assert response.status_code == status


def test_the_list_paginates_and_keeps_the_filter(client, region):
    for index in range(27):
        share(region, title=f"Verslag {index:02d}", kind=Document.Kind.VERSLAG, name=f"{index}.pdf")
    client.force_login(region.zorg_a)
    url = reverse("documenten:documents", kwargs={"pk": region.dossier_a.pk})

    first = client.get(url, {"kind": "verslag"})
    second = client.get(url, {"kind": "verslag", "page": 2})

    assert first.context["page"].paginator.count == 27
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 2
    assert first.context["querystring"] == "kind=verslag"


# --- the upload form -------------------------------------------------------------------------


def form_data(file, **overrides):
    return {
        "title": "Samenwerkingsafspraken 2026-2027",
        "kind": "samenwerkingsafspraken",
        "school_year": "2026-2027",
        "for_clb": "on",
        "file": file,
    } | overrides


def test_the_upload_form_shares_a_document(client, region):
    client.force_login(region.zorg_a)
    url = reverse("documenten:document_upload", kwargs={"pk": region.dossier_a.pk})

    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["for_clb"].initial is True
    response = client.post(url, form_data(SimpleUploadedFile("afspraken.pdf", pdf_bytes())))

    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == urls(document)["detail"]
    assert (document.for_clb, document.for_pbd, document.for_lsc) == (True, False, False)
    assert document.versies.get().original_name == "afspraken.pdf"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "afspraken.pdf",
            b"%PDF-1.4\n<html><script>alert(1)</script>",
            lambda: _("The file contains web page code (HTML or script) and is refused."),
        ),
        (
            "pagina.html",
            b"<html></html>",
            lambda: (
                _(
                    "Files of the type .%(ext)s cannot be shared. Allowed: PDF, Word, Excel, "
                    "PowerPoint, OpenDocument, PNG, JPEG and plain text."
                )
                % {"ext": "html"}
            ),
        ),
        (
            "verslag.doc",
            b"MZ\x90\x00" + b"\x00" * 60,
            lambda: _("Programs and scripts cannot be shared."),
        ),
        (
            "foto.pdf",
            PNG,
            lambda: (
                _("The content of the file does not match its extension .%(ext)s.") % {"ext": "pdf"}
            ),
        ),
    ],
    ids=["polyglot", "html", "executable", "png named pdf"],
)
def test_the_upload_form_refuses_a_hostile_file_with_400_and_writes_nothing(
    client, region, media_root, name, content, message
):
    client.force_login(region.zorg_a)
    files_before = stored_files(media_root)

    response = client.post(
        reverse("documenten:document_upload", kwargs={"pk": region.dossier_a.pk}),
        form_data(SimpleUploadedFile(name, content)),
    )

    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [message()]
    assert escape(message()) in response.content.decode()
    assert not Document.objects.exists()
    assert not DocumentVersie.objects.exists()
    assert stored_files(media_root) == files_before
    assert not AuditEvent.objects.filter(section="documenten").exists()


def test_the_upload_form_refuses_an_empty_file_and_a_missing_file(client, region, media_root):
    client.force_login(region.zorg_a)
    url = reverse("documenten:document_upload", kwargs={"pk": region.dossier_a.pk})

    empty = client.post(url, form_data(SimpleUploadedFile("leeg.pdf", b"")))
    missing = client.post(url, form_data(""))

    assert empty.status_code == 400 and "file" in empty.context["form"].errors
    assert missing.status_code == 400 and "file" in missing.context["form"].errors
    assert not Document.objects.exists()
    assert stored_files(media_root) == set()


def test_the_upload_form_refuses_a_bad_school_year_and_kind(client, region, media_root):
    client.force_login(region.zorg_a)
    url = reverse("documenten:document_upload", kwargs={"pk": region.dossier_a.pk})

    response = client.post(
        url,
        form_data(SimpleUploadedFile("a.pdf", pdf_bytes()), school_year="1999-2000", kind="exe"),
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"school_year", "kind"}
    assert not Document.objects.exists()
    assert stored_files(media_root) == set()


def test_the_upload_form_refuses_an_audience_without_the_uploaders_side(client, region, media_root):
    client.force_login(region.lsc_anker_a)

    response = client.post(
        reverse("documenten:document_upload", kwargs={"pk": region.dossier_a.pk}),
        form_data(SimpleUploadedFile("a.pdf", pdf_bytes())),
    )

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        _("You may not share documents with this audience.")
    ]
    assert not Document.objects.exists()
    assert stored_files(media_root) == set()


@pytest.mark.parametrize("persona", ["pbd_begeleider_a"])
def test_the_read_only_pbd_cannot_open_the_upload_form(client, region, persona):
    client.force_login(region.persona(persona))
    url = reverse("documenten:document_upload", kwargs={"pk": region.dossier_a.pk})

    assert client.get(url).status_code == 403
    assert client.post(url, form_data(SimpleUploadedFile("a.pdf", pdf_bytes()))).status_code == 403
    assert not Document.objects.exists()


def test_a_service_upload_with_a_bad_school_year_writes_nothing(region, media_root):
    with pytest.raises(ValidationError):
        share(region, school_year="2026")
    assert not Document.objects.exists()
    assert stored_files(media_root) == set()


def test_a_blank_title_is_refused_and_stores_no_file(region, media_root):
    with pytest.raises(ValidationError) as refused:
        share(region, title="   ")

    assert "title" in refused.value.message_dict
    assert not Document.objects.exists()
    assert stored_files(media_root) == set()
