"""What may be uploaded, and the limits every check keeps to."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.conf import settings

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

# Limits for archives (OOXML, OpenDocument): the whole file, embedded packages included.
MAX_ARCHIVE_ENTRIES = 5000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
# Below this many unpacked bytes the ratio is not looked at (tiny XML parts pack very well).
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_NESTING = 2
# Images: decoded only up to this many pixels (settings.DOCUMENT_MAX_IMAGE_PIXELS overrides).
MAX_IMAGE_PIXELS = 50_000_000

_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_CHUNK = 1024 * 1024
# Links that only a click follows, to places that are not this computer.
_SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int
    sha256: str
    content: bytes


def max_upload_bytes() -> int:
    return getattr(settings, "DOCUMENT_MAX_BYTES", 20 * 1024 * 1024)


def max_image_pixels() -> int:
    return getattr(settings, "DOCUMENT_MAX_IMAGE_PIXELS", MAX_IMAGE_PIXELS)


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
