"""Checking uploaded documents by their content, not only by their name.

Allowed: PDF, office documents (OOXML and the older binary formats), OpenDocument, PNG and
JPEG images and plain text. Refused: HTML, SVG, scripts and executables, files whose content
does not match their extension, polyglots that carry markup, empty and oversized files.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

# extension -> (content type, detected family)
ALLOWED = {
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "ooxml"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ooxml"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "ooxml"),
    "doc": ("application/msword", "ole"),
    "xls": ("application/vnd.ms-excel", "ole"),
    "ppt": ("application/vnd.ms-powerpoint", "ole"),
    "odt": ("application/vnd.oasis.opendocument.text", "odf"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "odf"),
    "odp": ("application/vnd.oasis.opendocument.presentation", "odf"),
    "png": ("image/png", "png"),
    "jpg": ("image/jpeg", "jpeg"),
    "jpeg": ("image/jpeg", "jpeg"),
    "txt": ("text/plain", "text"),
}
# Markup that a browser could run if it ever rendered the file (polyglots, disguised HTML).
_MARKUP = re.compile(
    rb"<\s*(script|html|svg|iframe|object|embed|body|!doctype)\b|javascript:", re.I
)
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int
    sha256: str
    content: bytes


def max_upload_bytes() -> int:
    return getattr(settings, "DOCUMENT_MAX_BYTES", 20 * 1024 * 1024)


def safe_filename(name: str) -> str:
    """The last path part, without control characters or path tricks, at most 120 characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    name = name.strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = stem[:100] or "document"
    return f"{stem}.{ext.lower()}" if ext else stem


def _family(content: bytes) -> str | None:
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = archive.namelist()
                if "mimetype" in names and archive.read("mimetype").startswith(
                    b"application/vnd.oasis.opendocument"
                ):
                    return "odf"
                if "[Content_Types].xml" in names:
                    return "ooxml"
        except (zipfile.BadZipFile, KeyError, RuntimeError):
            return None
        return None
    return None


def check_upload(uploaded) -> CheckedUpload:
    """Read and check an uploaded file; raises a ValidationError in Dutch that says why."""
    name = safe_filename(getattr(uploaded, "name", ""))
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    size = getattr(uploaded, "size", 0) or 0
    limit = max_upload_bytes()
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {
                "size": number_format(size / 1048576, decimal_pos=1),
                "limit": number_format(limit / 1048576, decimal_pos=0),
            }
        )
    if extension not in ALLOWED:
        raise ValidationError(
            _(
                "Files of the type .%(ext)s cannot be shared. Allowed: PDF, Word, Excel, "
                "PowerPoint, OpenDocument, PNG, JPEG and plain text."
            )
            % {"ext": extension or "?"}
        )
    content = uploaded.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(_("The file is larger than the limit."))
    if not content:
        raise ValidationError(_("The file is empty."))
    content_type, expected = ALLOWED[extension]
    if content.startswith(_EXECUTABLE_MAGIC):
        raise ValidationError(_("Programs and scripts cannot be shared."))
    if expected == "text":
        if b"\x00" in content:
            raise ValidationError(_("This is not a plain text file."))
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            try:
                content.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise ValidationError(_("This is not a plain text file.")) from exc
    elif _family(content) != expected:
        raise ValidationError(
            _("The content of the file does not match its extension .%(ext)s.") % {"ext": extension}
        )
    if expected in ("pdf", "text", "png", "jpeg") and _MARKUP.search(
        content[:65536] + content[-4096:]
    ):
        raise ValidationError(_("The file contains web page code (HTML or script) and is refused."))
    return CheckedUpload(
        name=name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
