"""Documents and reports in an S3 bucket, where every web replica and worker finds them.

The bucket is real S3 over HTTP: moto's server on a free port of 127.0.0.1, started once per
test run, with a bucket of each test's own. The storage is configured by the settings module
itself, from the environment a deployment would give it (``s3_settings``), so these tests use
exactly the options production gets. Everything goes through the pages and the download
views: uploads, versions, the bin and its purge, a refused upload, a report made by (eager)
Celery, and the 404 an outsider still gets. Nothing lands in MEDIA_ROOT.
"""

from __future__ import annotations

import datetime
import logging
import re
import runpy
import uuid
from pathlib import Path

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from moto.server import ThreadedMotoServer

from dossier.core.models import AuditEvent
from dossier.documenten.models import Document, DocumentVersie
from dossier.documenten.tasks import purge_document_bin
from dossier.documenten.tests.test_uploads import PNG, pdf_bytes
from dossier.rapporten.models import Report
from dossier.rapporten.tests.test_reports import KIND, YEAR, make_signalen
from samenwerking.storage import PrivateS3Storage

pytestmark = pytest.mark.django_db

BASE_SETTINGS = Path(__file__).resolve().parent.parent / "samenwerking" / "settings" / "base.py"
REGION = "eu-west-1"
# moto takes any key pair; these only have to be the same on both sides
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "samenwerking-test", "AWS_SECRET_ACCESS_KEY": "not-a-secret"}


@pytest.fixture(scope="session")
def s3_endpoint():
    """An S3 server on a free local port, for the whole test run."""
    # its request log would fill every failing test's captured output
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_settings(monkeypatch, **env: str) -> dict:
    """The settings module's globals when the deployment's environment is ``env``."""
    for name in (
        "STORAGE_BACKEND",
        "AWS_STORAGE_BUCKET_NAME",
        "AWS_S3_ENDPOINT_URL",
        "AWS_S3_REGION_NAME",
        "AWS_S3_ADDRESSING_STYLE",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_SETTINGS))


class Bucket:
    """The test's bucket, seen by a client of its own (not the app's storage)."""

    def __init__(self, endpoint: str, name: str):
        self.name = name
        self.endpoint = endpoint
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )
        self.client.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
        )

    def keys(self) -> set[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return {item["Key"] for page in pages for item in page.get("Contents", [])}

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    """The local folder the filesystem backend would use: it must stay empty."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch, media_root) -> Bucket:
    """A fresh bucket, and the app's default storage pointed at it by the settings module."""
    bucket = Bucket(s3_endpoint, f"samenwerking-{uuid.uuid4().hex[:12]}")
    configured = s3_settings(
        monkeypatch,
        AWS_STORAGE_BUCKET_NAME=bucket.name,
        AWS_S3_ENDPOINT_URL=s3_endpoint,
        AWS_S3_REGION_NAME=REGION,
        AWS_S3_ADDRESSING_STYLE="path",
        **CREDENTIALS,
    )
    settings.STORAGES = {**settings.STORAGES, "default": configured["STORAGES"]["default"]}
    assert isinstance(storages["default"], PrivateS3Storage)
    return bucket


def document_urls(document: Document, version: DocumentVersie | None = None) -> dict[str, str]:
    kwargs = {"pk": document.dossier_id, "document_pk": document.pk}
    version = version or document.versies.order_by("-number").first()
    return {
        "detail": reverse("documenten:document_detail", kwargs=kwargs),
        "download": reverse(
            "documenten:document_download", kwargs=kwargs | {"version_pk": version.pk}
        ),
        "delete": reverse("documenten:document_delete", kwargs=kwargs),
        "restore": reverse("documenten:document_restore", kwargs=kwargs),
    }


def upload_through_the_page(client, region, content: bytes, name: str = "afspraken.pdf"):
    client.force_login(region.zorg_a)
    return client.post(
        reverse("documenten:document_upload", kwargs={"pk": region.dossier_a.pk}),
        {
            "title": "Samenwerkingsafspraken",
            "kind": Document.Kind.SAMENWERKINGSAFSPRAKEN,
            "school_year": YEAR,
            "for_clb": "on",
            "file": SimpleUploadedFile(name, content),
        },
    )


def streamed(response) -> bytes:
    return b"".join(response.streaming_content)


# --- documents ---------------------------------------------------------------------------------


def test_an_upload_lands_in_the_bucket_and_downloads_through_the_view(
    client, region, bucket, media_root
):
    content = pdf_bytes("in de bucket")

    response = upload_through_the_page(client, region, content, name="verslag overleg.pdf")

    assert response.status_code == 302
    document = Document.objects.get()
    version = document.versies.get()
    # a random name, nothing of the original one
    assert re.fullmatch(r"documents/\d{4}/\d{2}/[A-Za-z0-9_-]{32}", version.file.name)
    assert bucket.keys() == {version.file.name}
    assert bucket.read(version.file.name) == content
    # private: no grant to everyone or to any authenticated AWS user
    grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=version.file.name)["Grants"]
    assert not [grant for grant in grants if "URI" in grant["Grantee"]]

    client.force_login(region.clb_medewerker_a)
    download = client.get(document_urls(document)["download"])

    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="verslag overleg.pdf"'
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Length"] == str(len(content))
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Cache-Control"] == "no-store"
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert streamed(download) == content
    event = AuditEvent.objects.get(action="document_downloaded")
    assert event.actor == region.clb_medewerker_a
    assert not list(media_root.rglob("*"))


def test_a_new_version_is_an_object_of_its_own_and_both_download(client, region, bucket):
    first = pdf_bytes("eerste")
    upload_through_the_page(client, region, first)
    document = Document.objects.get()

    response = client.post(
        document_urls(document)["detail"], {"file": SimpleUploadedFile("schema.png", PNG)}
    )

    assert response.status_code == 302
    older, newer = document.versies.order_by("number")
    assert bucket.keys() == {older.file.name, newer.file.name}
    assert streamed(client.get(document_urls(document, older)["download"])) == first
    download = client.get(document_urls(document, newer)["download"])
    assert download["Content-Type"] == "image/png"
    assert streamed(download) == PNG


def test_the_bin_keeps_the_object_until_the_purge_removes_it(client, region, bucket):
    upload_through_the_page(client, region, pdf_bytes("weg"))
    document = Document.objects.get()
    client.post(document_urls(document)["detail"], {"file": SimpleUploadedFile("v2.png", PNG)})
    links = document_urls(document)
    names = set(document.versies.values_list("file", flat=True))
    assert bucket.keys() == names and len(names) == 2

    assert client.post(links["delete"]).status_code == 302
    assert client.get(links["download"]).status_code == 404
    assert bucket.keys() == names  # restorable: the files stay
    assert client.post(links["restore"]).status_code == 302
    assert client.get(links["download"]).status_code == 200

    client.post(links["delete"])
    Document.objects.filter(pk=document.pk).update(
        deleted_at=timezone.now() - datetime.timedelta(days=31)
    )
    assert purge_document_bin.delay().get() == 1

    assert not Document.objects.exists()
    assert bucket.keys() == set()


def test_a_refused_upload_leaves_nothing_in_the_bucket(client, region, bucket):
    hostile = b"%PDF-1.4\n<script>alert(1)</script>"

    response = upload_through_the_page(client, region, hostile)

    assert response.status_code == 400
    assert not Document.objects.exists()
    assert bucket.keys() == set()

    upload_through_the_page(client, region, pdf_bytes())
    document = Document.objects.get()
    kept = bucket.keys()
    response = client.post(
        document_urls(document)["detail"],
        {"file": SimpleUploadedFile("afspraken.pdf", hostile)},
    )
    assert response.status_code == 400
    assert bucket.keys() == kept and len(kept) == 1


# --- reports -----------------------------------------------------------------------------------


def test_a_report_is_made_into_the_bucket_and_downloads_through_its_view(
    client, region, bucket, django_capture_on_commit_callbacks, media_root
):
    make_signalen(region)
    client.force_login(region.directie_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("rapporten:reports", kwargs={"pk": region.dossier_a.pk}),
            {"kind": KIND, "school_year": YEAR},
        )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.status == Report.Status.DONE, report.error
    assert re.fullmatch(r"reports/\d{4}/\d{2}/[A-Za-z0-9_-]{32}\.pdf", report.file.name)
    assert bucket.keys() == {report.file.name}
    stored = bucket.read(report.file.name)
    assert stored.startswith(b"%PDF-") and len(stored) == report.size

    download = client.get(
        reverse(
            "rapporten:report_download",
            kwargs={"pk": region.dossier_a.pk, "reference": report.reference},
        )
    )

    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith('attachment; filename="signalenoverzicht-')
    assert download["Cache-Control"] == "no-store"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert streamed(download) == stored
    assert AuditEvent.objects.filter(action="report_downloaded").count() == 1
    assert not list(media_root.rglob("*"))


@pytest.mark.parametrize("persona", ["clb_medewerker_other", "directie_b", "lsc_anker_a"])
def test_an_outsider_still_gets_404_for_a_file_in_the_bucket(
    client, region, bucket, persona, django_capture_on_commit_callbacks
):
    upload_through_the_page(client, region, pdf_bytes())
    document = Document.objects.get()
    make_signalen(region)
    client.force_login(region.directie_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("rapporten:reports", kwargs={"pk": region.dossier_a.pk}),
            {"kind": KIND, "school_year": YEAR},
        )
    report = Report.objects.get(status=Report.Status.DONE)
    assert len(bucket.keys()) == 2

    client.force_login(region.persona(persona))
    document_download = client.get(document_urls(document)["download"])
    report_download = client.get(
        reverse(
            "rapporten:report_download",
            kwargs={"pk": region.dossier_a.pk, "reference": report.reference},
        )
    )

    assert (document_download.status_code, report_download.status_code) == (404, 404)
    assert not AuditEvent.objects.filter(
        action__in=["document_downloaded", "report_downloaded"]
    ).exists()


# --- more than one machine ---------------------------------------------------------------------


def test_two_replicas_serve_the_same_files(client, region, bucket, settings):
    """What one process stored, another one, with a storage and S3 client of its own, serves."""
    content = pdf_bytes("gedeeld")
    upload_through_the_page(client, region, content)
    document = Document.objects.get()
    first = storages["default"]

    # A second process: the same settings, a storage built anew with its own connections.
    settings.STORAGES = {**settings.STORAGES}
    second = storages["default"]
    assert second is not first
    assert second.connection is not first.connection
    client.force_login(region.clb_medewerker_a)
    assert streamed(client.get(document_urls(document)["download"])) == content

    # and the other way round: what the second writes, the first reads, and sees go
    name = second.save("documents/replica-check", ContentFile(b"van de tweede"))
    assert first.exists(name)
    with first.open(name) as stored:
        assert stored.read() == b"van de tweede"
    first.delete(name)
    assert not second.exists(name)


def test_a_taken_name_is_never_overwritten(bucket):
    first = default_storage.save("documents/2026/03/same", ContentFile(b"een"))
    second = default_storage.save("documents/2026/03/same", ContentFile(b"twee"))

    assert first != second
    assert (bucket.read(first), bucket.read(second)) == (b"een", b"twee")


def test_a_stored_file_has_no_address_in_the_bucket(client, region, bucket):
    """Only the download view hands out a file: it checks access and audits the download."""
    upload_through_the_page(client, region, pdf_bytes())
    document = Document.objects.get()
    version = document.versies.get()

    with pytest.raises(NotImplementedError):
        version.file.url  # noqa: B018
    page = client.get(document_urls(document)["detail"]).content.decode()
    assert document_urls(document)["download"] in page
    assert bucket.endpoint not in page
    assert bucket.name not in page


# --- the settings that choose the bucket -------------------------------------------------------


def test_without_a_bucket_the_files_stay_in_media_root(monkeypatch):
    configured = s3_settings(monkeypatch)

    assert configured["STORAGE_BACKEND"] == "filesystem"
    assert configured["STORAGES"]["default"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }


def test_a_bucket_name_chooses_the_private_s3_storage(monkeypatch):
    configured = s3_settings(
        monkeypatch,
        AWS_STORAGE_BUCKET_NAME="dossiers",
        AWS_S3_ENDPOINT_URL="https://s3.example.be",
        AWS_S3_REGION_NAME="be-gent-1",
        AWS_S3_ADDRESSING_STYLE="virtual",
        **CREDENTIALS,
    )

    storage = configured["STORAGES"]["default"]
    assert storage["BACKEND"] == "samenwerking.storage.PrivateS3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "dossiers"
    assert options["endpoint_url"] == "https://s3.example.be"
    assert options["region_name"] == "be-gent-1"
    assert options["access_key"] == CREDENTIALS["AWS_ACCESS_KEY_ID"]
    assert options["client_config"].s3 == {"addressing_style": "virtual"}
    built = PrivateS3Storage(**options)
    assert (built.file_overwrite, built.default_acl) == (False, None)


def test_without_a_key_pair_boto3_finds_its_own_credentials(monkeypatch):
    for name in CREDENTIALS:
        monkeypatch.delenv(name, raising=False)
    options = s3_settings(monkeypatch, AWS_STORAGE_BUCKET_NAME="dossiers")["STORAGES"]["default"][
        "OPTIONS"
    ]

    assert (options["access_key"], options["secret_key"], options["endpoint_url"]) == (
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"STORAGE_BACKEND": "s3"}, "AWS_STORAGE_BUCKET_NAME"),
        ({"STORAGE_BACKEND": "nfs"}, "STORAGE_BACKEND"),
        (
            {"AWS_STORAGE_BUCKET_NAME": "dossiers", "AWS_S3_ADDRESSING_STYLE": "pad"},
            "AWS_S3_ADDRESSING_STYLE",
        ),
    ],
)
def test_a_storage_setting_that_cannot_work_stops_the_app(monkeypatch, env, named):
    with pytest.raises(ImproperlyConfigured, match=named):
        s3_settings(monkeypatch, **env)
