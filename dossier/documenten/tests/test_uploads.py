"""Uploads are checked by their content: hostile files are refused and leave nothing behind.

Every test stores files under its own MEDIA_ROOT (a temporary directory), so the listing of
MEDIA_ROOT/documents before and after a refused upload says exactly what the upload left.
The helpers that build real files (PDF, PNG, JPEG, DOCX, ODT) are used by the other document
tests as well. The hostile files of every class the checker refuses are built in
test_upload_corpus.py.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from dossier.core.access import user_flags
from dossier.documenten.models import Document, DocumentVersie
from dossier.documenten.services import document_new_version, document_upload
from samenwerking.uploads import ALLOWED, check_upload, max_upload_bytes, safe_filename

# --- real files, built in memory -----------------------------------------------------------------


def pdf_bytes(text: str = "") -> bytes:
    """A real one-page PDF made by pypdf; ``text`` goes into its metadata so versions differ."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if text:
        writer.add_metadata({"/Subject": text})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (8, 8)) -> bytes:
    """A real image made by Pillow."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 60)).save(buffer, kind)
    return buffer.getvalue()


PDF = pdf_bytes()
PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
DUTCH_TEXT = "Zorgcoördinator en leerlingenbegeleider: één overleg per trimester, café om 8u."


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # The ODF rule: "mimetype" first and stored uncompressed.
        archive.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.text",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    """An uploaded file whose name is taken as given, path parts and control characters too.

    Django's own UploadedFile strips directories from the name; a service may still be handed
    such a name (another caller, another parser), so the tests bypass that clean-up.
    """
    uploaded = SimpleUploadedFile("placeholder", content)
    uploaded._name = name
    return uploaded


def share(region, uploaded, **kwargs) -> Document:
    """The zorgcoördinator shares a document, default audience (school + CLB)."""
    return document_upload(
        dossier=region.dossier_a,
        user=region.zorg_a,
        access=user_flags(region.zorg_a, region.dossier_a),
        uploaded=uploaded,
        title=kwargs.pop("title", "Samenwerkingsafspraken"),
        kind=kwargs.pop("kind", Document.Kind.SAMENWERKINGSAFSPRAKEN),
        school_year=kwargs.pop("school_year", "2026-2027"),
        **kwargs,
    )


def stored_files(media_root: Path) -> set[str]:
    """Every file under MEDIA_ROOT/documents, relative to MEDIA_ROOT."""
    base = media_root / "documents"
    if not base.exists():
        return set()
    return {str(path.relative_to(media_root)) for path in base.rglob("*") if path.is_file()}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    """Files go to a directory of this test alone (others run tests at the same time)."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


# --- refused ---------------------------------------------------------------------------------


def not_allowed(ext: str) -> str:
    return _(
        "Files of the type .%(ext)s cannot be shared. Allowed: PDF, Word, Excel, "
        "PowerPoint, OpenDocument, PNG, JPEG and plain text."
    ) % {"ext": ext}


def mismatch(ext: str) -> str:
    return _("The content of the file does not match its extension .%(ext)s.") % {"ext": ext}


def markup() -> str:
    return _("The file contains web page code (HTML or script) and is refused.")


def program() -> str:
    return _("Programs and scripts cannot be shared.")


RANDOM_BYTES = random.Random(20261122).randbytes(4096)
assert not RANDOM_BYTES.startswith((b"%PDF-", b"MZ"))

HOSTILE = {
    # a wrong extension, whatever the content
    "exe": ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00", lambda: not_allowed("exe")),
    "html": ("pagina.html", b"<html><script>alert(1)</script></html>", lambda: not_allowed("html")),
    "svg": (
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        lambda: not_allowed("svg"),
    ),
    "js": ("hulp.js", b"fetch('/dossiers/').then(r => r.text())", lambda: not_allowed("js")),
    "no extension": ("LEESMIJ", b"Gewone tekst zonder extensie.", lambda: not_allowed("?")),
    "double extension": ("verslag.pdf.exe", PDF, lambda: not_allowed("exe")),
    # content that does not match the extension
    "png named pdf": ("verslag.pdf", PNG, lambda: mismatch("pdf")),
    "text named docx": ("brief.docx", b"Dit is gewone tekst, geen Word.", lambda: mismatch("docx")),
    "random bytes named pdf": ("ruis.pdf", RANDOM_BYTES, lambda: mismatch("pdf")),
    "pdf named odt": ("nota.odt", PDF, lambda: mismatch("odt")),
    "zip without office parts": (
        "lijst.xlsx",
        b"PK\x03\x04" + b"\x00" * 60,
        lambda: mismatch("xlsx"),
    ),
    # polyglots: a real header, then markup a browser could run
    "pdf with html": (
        "afspraken.pdf",
        b"%PDF-1.4\n<html><script>alert(1)</script>\n%%EOF",
        markup,
    ),
    "jpeg with script": ("foto.jpg", JPEG[:20] + b"<script>alert(1)</script>" + JPEG[20:], markup),
    "png with iframe": ("schema.png", PNG + b'<iframe src="https://example.org">', markup),
    "txt with doctype": ("notities.txt", b"<!DOCTYPE html>\n<p>hallo</p>", markup),
    "txt with script": (
        "notities.txt",
        b"Verslag\n<script>alert(document.cookie)</script>",
        markup,
    ),
    "txt with svg": ("tekening.txt", b'<svg onload="alert(1)"></svg>', markup),
    "pdf with javascript url": ("link.pdf", PDF + b"/URI (javascript:alert(1))", markup),
    # programs, whatever they are called
    "mz named doc": ("verslag.doc", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64, program),
    "mz named pdf": ("verslag.exe.pdf", b"MZ" + PDF, program),
    "elf named txt": ("notities.txt", b"\x7fELF\x02\x01\x01" + b"\x00" * 32, program),
    "shell script named txt": ("notities.txt", b"#!/bin/sh\nrm -rf /\n", program),
    # not text at all
    "binary named txt": (
        "notities.txt",
        b"tekst\x00met\x00nullen",
        lambda: _("This is not a plain text file."),
    ),
    # nothing in it
    "empty": ("leeg.pdf", b"", lambda: _("The file is empty.")),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", HOSTILE.keys())
def test_a_hostile_upload_is_refused_with_a_clear_message_and_leaves_nothing(
    region, media_root, case
):
    name, content, message = HOSTILE[case]
    files_before = stored_files(media_root)

    with pytest.raises(ValidationError) as refused:
        share(region, upload(name, content))

    assert refused.value.messages == [message()]
    assert not Document.objects.exists()
    assert not DocumentVersie.objects.exists()
    assert stored_files(media_root) == files_before


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["pdf with html", "mz named doc", "png named pdf", "empty"])
def test_a_hostile_new_version_is_refused_and_the_document_keeps_its_one_version(
    region, media_root, case
):
    document = share(region, upload("afspraken.pdf", pdf_bytes()))
    files_before = stored_files(media_root)
    assert len(files_before) == 1
    name, content, message = HOSTILE[case]

    with pytest.raises(ValidationError) as refused:
        document_new_version(
            document=document,
            user=region.zorg_a,
            access=user_flags(region.zorg_a, document.dossier),
            uploaded=upload(name, content),
        )

    assert refused.value.messages == [message()]
    assert list(document.versies.values_list("number", flat=True)) == [1]
    assert stored_files(media_root) == files_before


@pytest.mark.django_db
def test_an_oversized_file_is_refused_before_it_is_read(region, media_root, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    files_before = stored_files(media_root)
    big = pdf_bytes("x" * 2000)
    assert len(big) > 1024

    with pytest.raises(ValidationError) as refused:
        share(region, upload("groot.pdf", big))

    assert refused.value.messages == [
        _("The file is %(size)s MB; the limit is %(limit)s MB.")
        % {
            "size": number_format(len(big) / 1048576, decimal_pos=1),
            "limit": number_format(1024 / 1048576, decimal_pos=0),
        }
    ]
    assert not Document.objects.exists()
    assert not DocumentVersie.objects.exists()
    assert stored_files(media_root) == files_before


@pytest.mark.django_db
def test_a_file_larger_than_its_stated_size_is_refused_when_read(region, media_root, settings):
    """The size a client states is not trusted: reading stops one byte past the limit."""
    settings.DOCUMENT_MAX_BYTES = 1024
    files_before = stored_files(media_root)
    lying = upload("groot.pdf", pdf_bytes("x" * 2000))
    lying.size = 100

    with pytest.raises(ValidationError) as refused:
        share(region, lying)

    assert refused.value.messages == [_("The file is larger than the limit.")]
    assert not DocumentVersie.objects.exists()
    assert stored_files(media_root) == files_before


@pytest.mark.django_db
def test_a_file_exactly_at_the_limit_is_accepted(region, settings):
    content = pdf_bytes("x" * 200)
    settings.DOCUMENT_MAX_BYTES = len(content)

    document = share(region, upload("precies.pdf", content))

    assert document.versies.get().size == len(content)


def test_the_default_limit_is_20_mb(settings):
    assert not hasattr(settings, "DOCUMENT_MAX_BYTES")
    assert max_upload_bytes() == 20 * 1024 * 1024


def test_the_default_limit_is_said_in_the_message(settings):
    size = 20 * 1024 * 1024 + 1
    uploaded = upload("groot.pdf", PDF)
    uploaded.size = size

    with pytest.raises(ValidationError) as refused:
        check_upload(uploaded)

    assert refused.value.messages == [
        # nl-BE writes the decimal comma
        _("The file is %(size)s MB; the limit is %(limit)s MB.") % {"size": "20,0", "limit": "20"}
    ]


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\boot.ini.txt", "boot.ini.txt"),
        ("/var/www/../../verslag.pdf", "verslag.pdf"),
        ("C:\\Users\\juf\\Bureaublad\\afspraken.docx", "afspraken.docx"),
        ("rap\x00port.pdf", "rapport.pdf"),
        ("ver\x1bslag\r\n\t.pdf", "verslag.pdf"),
        ("ver\u202eslag.pdf", "verslag.pdf"),
        ('a<b>c:d"e|f?g*h.pdf', "abcdefgh.pdf"),
        ("  .verborgen.pdf. ", "verborgen.pdf"),
        ("RAPPORT.PDF", "RAPPORT.pdf"),
        ("Zorgcoo\u0308rdinator.txt", "Zorgcoördinator.txt"),
        ("../..", "document"),
        ("", "document"),
        ("x" * 300 + ".pdf", "x" * 100 + ".pdf"),
    ],
)
def test_safe_filename_keeps_a_harmless_basename(given, safe):
    assert safe_filename(given) == safe


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("given", "content", "safe"),
    [
        ("../../etc/passwd.pdf", PDF, "passwd.pdf"),
        ("..\\..\\boot.ini.txt", b"[boot loader]", "boot.ini.txt"),
        ("rap\x00port.pdf", PDF, "rapport.pdf"),
        ("ver\x07slag\n.pdf", PDF, "verslag.pdf"),
    ],
)
def test_a_path_traversal_name_is_stored_as_a_safe_basename(
    region, media_root, given, content, safe
):
    document = share(region, upload(given, content))

    version = document.versies.get()
    assert version.original_name == safe
    stored = (media_root / version.file.name).resolve()
    assert stored.is_relative_to((media_root / "documents").resolve())
    assert stored_files(media_root) == {version.file.name}


# --- accepted --------------------------------------------------------------------------------

ACCEPTED = {
    "pdf": ("samenwerkingsafspraken.pdf", PDF, "application/pdf"),
    "png": ("schema.png", PNG, "image/png"),
    "jpeg": ("foto.jpg", JPEG, "image/jpeg"),
    "jpeg long extension": ("foto.jpeg", JPEG, "image/jpeg"),
    "docx": ("visietekst.docx", docx_bytes(), ALLOWED["docx"][0]),
    "odt": ("verslag.odt", odt_bytes(), "application/vnd.oasis.opendocument.text"),
    "utf-8 text": ("notities.txt", DUTCH_TEXT.encode("utf-8"), "text/plain"),
    "cp1252 text": ("notities.txt", (DUTCH_TEXT + " Prijs: 5 €").encode("cp1252"), "text/plain"),
    "upper-case extension": ("VERSLAG.PDF", PDF, "application/pdf"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", ACCEPTED.keys())
def test_a_real_file_is_accepted_and_stored_under_a_random_name(region, media_root, case):
    import hashlib

    name, content, content_type = ACCEPTED[case]

    document = share(region, upload(name, content))

    version = document.versies.get()
    assert version.number == 1
    assert version.original_name == safe_filename(name)
    assert version.content_type == content_type
    assert version.size == len(content)
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert version.uploaded_by == region.zorg_a
    # Stored under documents/, under a name that says nothing about the original.
    assert version.file.name.startswith("documents/")
    stem = name.rpartition(".")[0].lower()
    assert stem not in version.file.name.lower()
    assert "." not in version.file.name.rpartition("/")[2]
    assert stored_files(media_root) == {version.file.name}
    assert (media_root / version.file.name).read_bytes() == content


@pytest.mark.django_db
def test_the_same_name_twice_gets_two_different_random_names(region, media_root):
    first = share(region, upload("afspraken.pdf", PDF)).versies.get()
    second = share(region, upload("afspraken.pdf", PDF)).versies.get()

    assert first.file.name != second.file.name
    assert first.original_name == second.original_name == "afspraken.pdf"
    assert len(stored_files(media_root)) == 2


def test_check_upload_decodes_cp1252_only_when_it_is_not_utf8():
    checked = check_upload(upload("notities.txt", "Café – 5 €".encode("cp1252")))
    assert checked.content_type == "text/plain"
    with pytest.raises(ValidationError):
        # 0x81 is undefined in cp1252 and invalid as UTF-8: not plain text in either.
        check_upload(upload("notities.txt", b"tekst \x81\x8d"))
