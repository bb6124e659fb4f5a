"""Checking uploaded documents by their content, whole, not only by their name.

Allowed: PDF, office documents (OOXML and the older binary formats), OpenDocument, PNG and
JPEG images and plain text. Every file is checked as what it is:

- PDF: parsed with pypdf; every object is looked at, and JavaScript, actions that run by
  themselves (/OpenAction, /AA), actions that start programs, open other files or send data,
  embedded files, XFA forms, multimedia and 3D, and links to unsafe addresses are refused, as
  are encrypted and unreadable files.
- OOXML and OpenDocument: opened as zip archives and read part by part, streaming, within a cap
  on the unpacked size and on the compression ratio (zip bombs) that does not trust the sizes
  the archive declares. Refused: macros, ActiveX and embedded OLE objects, external
  relationships and links that load content when the file is opened, DDE and linked fields,
  HTML, script and scripted SVG parts, encrypted entries, unsafe or duplicate part names, too
  many parts, hidden data between the parts and XML entity declarations. Embedded office
  packages (the data of a chart) are checked the same way.
- The older binary office formats (.doc, .xls, .ppt): the compound file is read and refused
  with macros, embedded objects, ActiveX, encryption, Excel 4 macro sheets and DDE fields.
- PNG and JPEG: decoded with Pillow within a pixel limit; the real format must match the
  extension.
- PDF, images and text are also searched, whole, for markup a browser could run (polyglots).

Every refusal is a ValidationError with a reason in Dutch, raised before anything is written.
The module is self-contained: only Django, pypdf and Pillow.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import struct
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from xml.parsers import expat

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


# --- reasons ---------------------------------------------------------------------------------
# One function per reason, so that each English source string is in one place for gettext.


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="upload_refused")


def _mismatch(extension: str) -> ValidationError:
    return _refuse(
        _("The content of the file does not match its extension .%(ext)s.") % {"ext": extension}
    )


def _markup() -> ValidationError:
    return _refuse(_("The file contains web page code (HTML or script) and is refused."))


def _program() -> ValidationError:
    return _refuse(_("Programs and scripts cannot be shared."))


def _unsafe_link(scheme: str) -> ValidationError:
    scheme = re.sub(r"[^a-z0-9+.-]", "", scheme)[:20] or "?"
    return _refuse(
        _("The file contains a link to an unsafe address (%(scheme)s:) and is refused.")
        % {"scheme": scheme}
    )


def _pdf_unreadable() -> ValidationError:
    return _refuse(_("The PDF cannot be read: it is damaged or not a real PDF."))


def _pdf_encrypted() -> ValidationError:
    return _refuse(
        _("The PDF is protected with a password or encrypted. Share it without protection.")
    )


def _pdf_javascript() -> ValidationError:
    return _refuse(_("The PDF contains JavaScript and is refused."))


def _pdf_auto_action() -> ValidationError:
    return _refuse(_("The PDF starts actions by itself when it is opened or used, and is refused."))


def _pdf_action(action: str) -> ValidationError:
    return _refuse(
        _(
            "The PDF contains an action that starts a program, opens another file or sends "
            "data (%(action)s), and is refused."
        )
        % {"action": action}
    )


def _pdf_embedded() -> ValidationError:
    return _refuse(_("The PDF contains embedded files and is refused."))


def _pdf_xfa() -> ValidationError:
    return _refuse(_("The PDF contains an XFA form and is refused."))


def _pdf_media() -> ValidationError:
    return _refuse(
        _("The PDF contains multimedia or 3D content that can run code, and is refused.")
    )


def _office_damaged() -> ValidationError:
    return _refuse(_("The document cannot be read: it is damaged or packed in an unusual way."))


def _office_macros() -> ValidationError:
    return _refuse(
        _(
            "The document contains macros and is refused. Save it as a document without "
            "macros (for example .docx instead of .docm) and share it again."
        )
    )


def _office_active() -> ValidationError:
    return _refuse(
        _("The document contains ActiveX controls or embedded objects (OLE), and is refused.")
    )


def _office_external(kind: str) -> ValidationError:
    kind = re.sub(r"[^A-Za-z0-9 -]", "", kind)[:40] or "?"
    return _refuse(
        _("The document loads content from outside the file (%(kind)s) and is refused.")
        % {"kind": kind}
    )


def _office_dde() -> ValidationError:
    return _refuse(
        _(
            "The document contains fields or formulas that start other programs or fetch "
            "other files (DDE, linked fields), and is refused."
        )
    )


def _office_markup() -> ValidationError:
    return _refuse(
        _("The document contains a web page, a script or an SVG image with script, and is refused.")
    )


def _office_encrypted() -> ValidationError:
    return _refuse(
        _("The document is protected with a password or encrypted. Share it without protection.")
    )


def _office_unsafe_names() -> ValidationError:
    return _refuse(_("The document contains parts with unsafe names (path tricks) and is refused."))


def _office_too_many(limit: int) -> ValidationError:
    return _refuse(
        _("The document consists of more than %(limit)s parts and is refused.") % {"limit": limit}
    )


def _office_too_big(limit: int) -> ValidationError:
    return _refuse(
        _("The document would unpack to more than %(limit)s MB (a zip bomb) and is refused.")
        % {"limit": number_format(limit / 1048576, decimal_pos=0)}
    )


def _office_ratio(ratio: int) -> ValidationError:
    return _refuse(
        _(
            "The document is packed more than %(ratio)s times smaller than its content "
            "(a zip bomb) and is refused."
        )
        % {"ratio": ratio}
    )


def _office_unusual() -> ValidationError:
    return _refuse(
        _(
            "The document has an unusual structure (hidden data, overlapping or double parts, "
            "or XML declarations) and is refused."
        )
    )


def _image_damaged(kind: str) -> ValidationError:
    return _refuse(
        _("The image cannot be read: it is damaged or not a real %(format)s image.")
        % {"format": kind}
    )


def _image_too_large(pixels: int, limit: int) -> ValidationError:
    return _refuse(
        _("The image has %(pixels)s megapixels; the limit is %(limit)s megapixels.")
        % {
            "pixels": number_format(pixels / 1_000_000, decimal_pos=1),
            "limit": number_format(limit / 1_000_000, decimal_pos=0),
        }
    )


def _image_trailing() -> ValidationError:
    return _refuse(_("The image has extra data after its end and is refused."))


# --- streaming search ------------------------------------------------------------------------


def _chunks(data: bytes, size: int = _CHUNK) -> Iterator[bytes]:
    view = memoryview(data)
    for start in range(0, len(view), size):
        yield view[start : start + size]


class _Windows:
    """Turns a stream of chunks into overlapping windows, so that a match split across two
    chunks is whole in one window (as long as it is no longer than the overlap)."""

    def __init__(self, overlap: int):
        self.overlap = overlap
        self._tail = b""

    def next(self, chunk) -> bytes:
        window = self._tail + bytes(chunk)
        self._tail = window[-self.overlap :]
        return window


# Markup a browser could run if it ever rendered the file as a web page. Searched in the
# lower-cased bytes. A tag name counts when followed by what ends a tag name in HTML.
_TAG = re.compile(
    rb"<(?:script|html|svg|iframe|frame|frameset|object|embed|applet|body|head|meta|link|"
    rb"style|base|form|math|portal|!doctype|\?xml-stylesheet)[\s/>]"
)
_NS_TAG = re.compile(rb"<[a-z][a-z0-9_.-]{0,30}:(?:script|html|svg|iframe|object|embed)[\s/>]")
_TAG_UTF16LE = re.compile(
    rb"<\x00(?:s\x00c\x00r\x00i\x00p\x00t|h\x00t\x00m\x00l|s\x00v\x00g"
    rb"|i\x00f\x00r\x00a\x00m\x00e)\x00"
)
_TAG_UTF16BE = re.compile(
    rb"\x00<\x00(?:s\x00c\x00r\x00i\x00p\x00t|h\x00t\x00m\x00l|s\x00v\x00g"
    rb"|i\x00f\x00r\x00a\x00m\x00e)"
)
_URL_SCRIPT = (b"javascript:", b"vbscript:", b"data:text/html")
_HANDLER = re.compile(rb"on[a-z]{3,24}\s*=")
_TAG_START = re.compile(rb"<[a-z]")
_MARKUP_OVERLAP = 1024


def _handler_in_tag(window: bytes, match: re.Match) -> bool:
    """An event handler attribute (onload=, onerror=) inside an open tag."""
    start = match.start()
    if start == 0 or window[start - 1] not in b" \t\n\r\x0c/\"'":
        return False
    opening = window.rfind(b"<", max(0, start - 512), start)
    return (
        opening >= 0
        and _TAG_START.match(window, opening) is not None
        and b">" not in window[opening:start]
    )


def _has_markup(lower: bytes) -> bool:
    if _TAG.search(lower) or _NS_TAG.search(lower):
        return True
    if any(needle in lower for needle in _URL_SCRIPT):
        return True
    if _TAG_UTF16LE.search(lower) or _TAG_UTF16BE.search(lower):
        return True
    return any(_handler_in_tag(lower, m) for m in _HANDLER.finditer(lower))


class _MarkupScan:
    """Feed chunks of a stream; ``found`` says whether markup turned up anywhere in it."""

    def __init__(self):
        self._windows = _Windows(_MARKUP_OVERLAP)
        self.found = False

    def feed(self, chunk) -> None:
        if not self.found and _has_markup(self._windows.next(chunk).lower()):
            self.found = True


def _scan_markup(data: bytes) -> None:
    scan = _MarkupScan()
    for chunk in _chunks(data):
        scan.feed(chunk)
        if scan.found:
            raise _markup()


def _scheme(value: str) -> str:
    """The scheme of a link ("" for a relative one), as a browser or viewer would see it."""
    cleaned = "".join(ch for ch in str(value) if ord(ch) > 0x20).lower()
    if cleaned.startswith(("\\\\", "//")):
        return "file"
    match = re.match(r"([a-z][a-z0-9+.-]*):", cleaned)
    return match.group(1) if match else ""


def _check_link(value: str) -> None:
    scheme = _scheme(value)
    if scheme and scheme not in _SAFE_SCHEMES:
        raise _unsafe_link(scheme)


# --- PDF -------------------------------------------------------------------------------------


# Names that mean active content wherever they appear. Looked for in the raw bytes too, for
# objects a lenient viewer might find that the cross-reference table does not list. Short
# names (/JS, /AA) are left to the parsed check: in compressed data they turn up by chance.
_PDF_RAW_NAMES = {
    "JavaScript": _pdf_javascript,
    "Launch": lambda: _pdf_action("Launch"),
    "SubmitForm": lambda: _pdf_action("SubmitForm"),
    "ImportData": lambda: _pdf_action("ImportData"),
    "GoToR": lambda: _pdf_action("GoToR"),
    "GoToE": lambda: _pdf_action("GoToE"),
    "EmbeddedFiles": _pdf_embedded,
    "EmbeddedFile": _pdf_embedded,
    "FileAttachment": _pdf_embedded,
    "RichMedia": _pdf_media,
    "RichMediaExecute": _pdf_media,
    "XFA": _pdf_xfa,
}
_PDF_DELIMITER = rb"(?=[\x00\t\n\x0c\r /%()<>\[\]{}])"
_PDF_RAW = re.compile(
    b"/("
    + b"|".join(re.escape(n.encode()) for n in sorted(_PDF_RAW_NAMES, key=len, reverse=True))
    + b")"
    + _PDF_DELIMITER
)
# A name written with #xx escapes (/J#61vaScript): decoded, then judged like the others.
_PDF_ESCAPED = re.compile(
    rb"/([^\x00\t\n\x0c\r /%()<>\[\]{}#]{0,40}(?:#[0-9A-Fa-f]{2}[^\x00\t\n\x0c\r /%()<>\[\]{}#]{0,40})+)"
    + _PDF_DELIMITER
)
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_JS_ACTIONS = frozenset({"/JavaScript"})
_PDF_OUTSIDE_ACTIONS = frozenset({"/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE"})
_PDF_MEDIA_ACTIONS = frozenset({"/RichMediaExecute", "/Rendition", "/Movie", "/Sound"})
_PDF_MEDIA_SUBTYPES = frozenset({"/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"})
_PDF_MAX_OBJECTS = 2_000_000


def _scan_pdf_names(content: bytes) -> None:
    windows = _Windows(256)
    for chunk in _chunks(content):
        window = windows.next(chunk)
        match = _PDF_RAW.search(window)
        if match:
            raise _PDF_RAW_NAMES[match.group(1).decode()]()
        for escaped in _PDF_ESCAPED.finditer(window):
            name = _PDF_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), escaped.group(1))
            refusal = _PDF_RAW_NAMES.get(name.decode("latin-1"))
            if refusal:
                raise refusal()


def _pdf_value(dictionary, key):
    from pypdf.generic import IndirectObject

    value = dict.get(dictionary, key)
    return value.get_object() if isinstance(value, IndirectObject) else value


def _check_pdf_dictionary(dictionary, depth: int = 0) -> None:
    from pypdf.generic import DictionaryObject

    keys = set(dict.keys(dictionary))
    if keys & {"/JS", "/JavaScript"}:
        raise _pdf_javascript()
    if keys & {"/EmbeddedFiles", "/EF"}:
        raise _pdf_embedded()
    if keys & {"/RichMediaContent", "/RichMediaSettings"}:
        raise _pdf_media()
    if "/XFA" in keys:
        raise _pdf_xfa()
    action = _pdf_value(dictionary, "/S") if "/S" in keys else None
    action = action if isinstance(action, str) else None
    if action in _PDF_JS_ACTIONS:
        raise _pdf_javascript()
    if action in _PDF_OUTSIDE_ACTIONS:
        raise _pdf_action(str(action)[1:])
    if action in _PDF_MEDIA_ACTIONS:
        raise _pdf_media()
    subtype = _pdf_value(dictionary, "/Subtype") if "/Subtype" in keys else None
    subtype = subtype if isinstance(subtype, str) else None
    if subtype == "/FileAttachment":
        raise _pdf_embedded()
    if subtype in _PDF_MEDIA_SUBTYPES:
        raise _pdf_media()
    if "/Type" in keys and _pdf_value(dictionary, "/Type") == "/EmbeddedFile":
        raise _pdf_embedded()
    if "/URI" in keys:
        uri = _pdf_value(dictionary, "/URI")
        if isinstance(uri, (str, bytes)):
            _check_link(uri.decode("latin-1") if isinstance(uri, bytes) else uri)
    # Actions that run by themselves. What they would run is judged first: that says more.
    automatic = []
    if "/OpenAction" in keys:
        target = _pdf_value(dictionary, "/OpenAction")
        # A destination (a page to open at) is harmless; an action dictionary is refused.
        if isinstance(target, DictionaryObject):
            automatic.append(target)
    if "/AA" in keys:
        triggers = _pdf_value(dictionary, "/AA")
        if isinstance(triggers, DictionaryObject):
            automatic += [_pdf_value(triggers, key) for key in list(dict.keys(triggers))]
        automatic.append(None)
    if automatic:
        if depth < 3:
            for target in automatic:
                if isinstance(target, DictionaryObject):
                    _check_pdf_dictionary(target, depth + 1)
        raise _pdf_auto_action()


def _walk_pdf(reader) -> None:
    """Every object reachable from the trailer, then every object the file lists."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    visited = 0

    def walk(stack: list, lenient: bool) -> None:
        nonlocal visited
        while stack:
            obj = stack.pop()
            visited += 1
            if visited > _PDF_MAX_OBJECTS:
                raise _pdf_unreadable()
            if isinstance(obj, IndirectObject):
                key = (obj.idnum, obj.generation)
                if key in seen:
                    continue
                seen.add(key)
                try:
                    obj = obj.get_object()
                except Exception:
                    # A listed object nothing refers to, and that cannot be read: no viewer
                    # will show it either.
                    if lenient:
                        continue
                    raise
            if isinstance(obj, DictionaryObject):
                _check_pdf_dictionary(obj)
                stack.extend(dict.values(obj))
            elif isinstance(obj, ArrayObject):
                stack.extend(list.__iter__(obj))

    walk([reader.trailer], lenient=False)
    listed = [
        IndirectObject(idnum, generation, reader)
        for generation, objects in reader.xref.items()
        for idnum in objects
    ]
    listed += [IndirectObject(idnum, 0, reader) for idnum in reader.xref_objStm]
    walk(listed, lenient=True)


def _check_pdf(content: bytes) -> None:
    from pypdf import PdfReader

    _scan_pdf_names(content)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(content), strict=False)
            if reader.is_encrypted:
                raise _pdf_encrypted()
            _walk_pdf(reader)
    except ValidationError:
        raise
    except Exception as exc:  # pypdf raises many kinds on a broken file
        raise _pdf_unreadable() from exc


# --- images ----------------------------------------------------------------------------------


def _png_chunks(content: bytes) -> tuple[int, bytes, list[memoryview]]:
    """Walks the chunks, checking their CRCs: the offset after IEND, IHDR, the IDAT data."""
    view = memoryview(content)
    position = 8
    header = b""
    data = []
    while True:
        if position + 12 > len(content):
            raise _image_damaged("PNG")
        length, kind = struct.unpack_from(">I4s", content, position)
        end = position + 12 + length
        if end > len(content):
            raise _image_damaged("PNG")
        stored = struct.unpack_from(">I", content, end - 4)[0]
        if zlib.crc32(view[position + 4 : end - 4]) != stored:
            raise _image_damaged("PNG")
        if position == 8:
            if kind != b"IHDR" or length != 13:
                raise _image_damaged("PNG")
            header = bytes(view[position + 8 : end - 4])
        elif kind == b"IDAT":
            data.append(view[position + 8 : end - 4])
        position = end
        if kind == b"IEND":
            return position, header, data


_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
          (0, 1, 1, 2))  # fmt: skip


def _check_png_pixels(header: bytes, data: list[memoryview]) -> None:
    """The pixel data inflates to exactly what the header says: not more, not less.

    Pillow alone does not tell: a library that sets ImageFile.LOAD_TRUNCATED_IMAGES (WeasyPrint
    does) makes it accept a truncated image without a word.
    """
    width, height, depth, color, _compression, _filter, interlace = struct.unpack(
        ">IIBBBBB", header
    )
    if color not in _PNG_CHANNELS or depth not in (1, 2, 4, 8, 16) or interlace not in (0, 1):
        raise _image_damaged("PNG")
    bits = depth * _PNG_CHANNELS[color]
    passes = _ADAM7 if interlace else ((0, 0, 1, 1),)
    expected = 0
    for x0, y0, dx, dy in passes:
        columns = (width - x0 + dx - 1) // dx if width > x0 else 0
        rows = (height - y0 + dy - 1) // dy if height > y0 else 0
        if columns and rows:
            expected += rows * (1 + (columns * bits + 7) // 8)
    inflater = zlib.decompressobj()
    produced = 0
    try:
        for part in data:
            pending = part
            while pending and not inflater.eof:
                produced += len(inflater.decompress(pending, _CHUNK))
                if produced > expected:
                    raise _image_damaged("PNG")
                pending = inflater.unconsumed_tail
    except zlib.error as exc:
        raise _image_damaged("PNG") from exc
    if not inflater.eof or produced != expected:
        raise _image_damaged("PNG")


def _check_jpeg_structure(content: bytes) -> tuple[int, int]:
    """Segments up to the first scan, and an end-of-image marker after it (not truncated).

    Returns the size the frame header declares.
    """
    position = 2
    size = None
    while True:
        if position + 4 > len(content) or content[position] != 0xFF:
            raise _image_damaged("JPEG")
        marker = content[position + 1]
        if marker == 0xFF:
            position += 1  # fill byte
        elif marker == 0xDA:  # start of scan
            break
        elif 0xD0 <= marker <= 0xD7 or marker == 0x01:
            position += 2
        elif marker in (0xD8, 0xD9):
            raise _image_damaged("JPEG")
        else:
            (length,) = struct.unpack_from(">H", content, position + 2)
            if length < 2:
                raise _image_damaged("JPEG")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC) and length >= 7:
                height, width = struct.unpack_from(">HH", content, position + 5)
                size = size or (width, height)  # a start of frame
            position += 2 + length
    # In the scan data 0xFF is always followed by 0x00 or a restart marker: this is the end.
    if size is None or content.find(b"\xff\xd9", position) < 0:
        raise _image_damaged("JPEG")
    return size


def _check_image(content: bytes, family: str) -> None:
    from PIL import Image

    label = "PNG" if family == "png" else "JPEG"
    limit = max_image_pixels()
    if family == "png":
        end, header, data = _png_chunks(content)
        if end != len(content):
            raise _image_trailing()
        width, height = struct.unpack_from(">II", header)
    else:
        width, height = _check_jpeg_structure(content)
    if width * height > limit:
        raise _image_too_large(width * height, limit)
    if family == "png":
        _check_png_pixels(header, data)
    formats = ["PNG"] if family == "png" else ["JPEG", "MPO"]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=formats) as image:
                width, height = image.size
                if width <= 0 or height <= 0:
                    raise _image_damaged(label)
                if width * height > limit:
                    raise _image_too_large(width * height, limit)
                if family == "jpeg":
                    # Decode every scan, at an eighth of the size: the same data, less memory.
                    image.draft(None, (max(1, width // 8), max(1, height // 8)))
                image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _image_too_large(limit + 1, limit) from exc
    except Exception as exc:  # Pillow raises OSError, SyntaxError, ValueError, ...
        raise _image_damaged(label) from exc


# --- text ------------------------------------------------------------------------------------


def _check_text(content: bytes) -> None:
    if b"\x00" in content:
        raise _refuse(_("This is not a plain text file."))
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        try:
            content.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise _refuse(_("This is not a plain text file.")) from exc


# --- archives: OOXML and OpenDocument --------------------------------------------------------

_OOXML_MAIN = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
}
# Pieces of content types (lower case) and what they mean.
_TYPE_MACROS = (
    "macroenabled",
    "vbaproject",
    "vbadata",
    "macrosheet",
    "attachedtoolbars",
    "vnd.ms-office.vba",
)
_TYPE_ACTIVE = ("activex", "oleobject")
_TYPE_MARKUP = (
    "text/html",
    "xhtml",
    "javascript",
    "ecmascript",
    "vbscript",
    "message/rfc822",
    "multipart/related",
    "application/hta",
    "scriptlet",
)
_TYPE_PROGRAM = (
    "x-msdownload",
    "x-msdos-program",
    "x-executable",
    "x-sharedlib",
    "java-archive",
    "x-ms-installer",
    "x-msi",
)
# Links to other workbooks, and data connections (web queries, ODBC) refreshed on opening.
_TYPE_EXTERNAL = {
    "externallink": "externalLink",
    "spreadsheetml.connections": "connections",
    "spreadsheetml.querytable": "queryTable",
}
_MARKUP_EXTENSIONS = frozenset({"htm", "html", "xhtml", "xht", "shtml", "mht", "mhtml", "hta"})
_PROGRAM_EXTENSIONS = frozenset(
    {
        "exe", "dll", "scr", "com", "pif", "cpl", "msi", "bat", "cmd", "vbs", "vbe", "js",
        "jse", "wsf", "wsh", "ps1", "jar", "lnk", "sh", "py",
    }
)  # fmt: skip
_MACRO_EXTENSIONS = frozenset(
    {"docm", "dotm", "xlsm", "xltm", "xlsb", "xlam", "pptm", "potm", "ppam", "ppsm", "sldm"}
)
_MACRO_PART_NAMES = frozenset(
    {
        "vbaproject.bin",
        "vbadata.xml",
        "vbaprojectsignature.bin",
        "vbaprojectsignatureagile.bin",
        "vbaprojectsignaturev3.bin",
        "attachedtoolbars.bin",
    }
)
_XML_EXTENSIONS = frozenset({"xml", "rels", "vml"})
_WORD_FIELDS = frozenset(
    {"DDE", "DDEAUTO", "INCLUDETEXT", "INCLUDEPICTURE", "INCLUDE", "IMPORT", "LINK"}
)
_XML_DECLARATIONS = (b"<!doctype", b"<!entity")
_SVG_SCRIPT = (
    b"<script",
    b"javascript:",
    b"vbscript:",
    b"<foreignobject",
    b"<iframe",
    b"<embed",
    b"<object",
    b"<handler",
    b"<listener",
    b"<!entity",
)
_SVG_HANDLER = re.compile(rb"[\s/\"']on[a-z]{3,24}\s*=")


@dataclass
class _Budget:
    """What the whole archive may unpack to, embedded packages included."""

    packed: int
    unpacked: int = 0

    def add(self, count: int) -> None:
        self.unpacked += count
        if self.unpacked > MAX_UNPACKED_BYTES:
            raise _office_too_big(MAX_UNPACKED_BYTES)
        if (
            self.unpacked > RATIO_FLOOR_BYTES
            and self.unpacked > MAX_COMPRESSION_RATIO * self.packed
        ):
            raise _office_ratio(MAX_COMPRESSION_RATIO)


def _stream(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> Iterator[bytes]:
    """The unpacked bytes of one entry, counted as they come: nothing declared is trusted."""
    produced = 0
    packed = max(info.compress_size, 1)
    with archive.open(info) as entry:
        while True:
            chunk = entry.read(_CHUNK)
            if not chunk:
                return
            produced += len(chunk)
            budget.add(len(chunk))
            if produced > RATIO_FLOOR_BYTES and produced > MAX_COMPRESSION_RATIO * packed:
                raise _office_ratio(MAX_COMPRESSION_RATIO)
            yield chunk


def _read_whole(archive, info, budget, limit: int = 16 * 1024 * 1024) -> bytes:
    parts = []
    total = 0
    for chunk in _stream(archive, info, budget):
        total += len(chunk)
        if total > limit:
            raise _office_unusual()
        parts.append(chunk)
    return b"".join(parts)


def _xml_parser(start: Callable | None = None, end: Callable | None = None, text=None):
    """An expat parser that refuses any DTD (so no entity can be declared).

    Names are matched by their local part, whatever the prefix: a file cannot hide an element
    behind another prefix, and a sloppy file with an undeclared prefix still reads.
    """
    parser = expat.ParserCreate()

    def no_dtd(*_args):
        raise _office_unusual()

    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd
    parser.ExternalEntityRefHandler = no_dtd
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    return parser


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def _attribute(attributes: dict, local: str) -> str | None:
    for key, value in attributes.items():
        if _local(key) == local:
            return value
    return None


def _parse_xml(data: bytes | Iterable[bytes], **handlers) -> None:
    parser = _xml_parser(**handlers)
    try:
        if isinstance(data, bytes):
            parser.Parse(data, True)
        else:
            for chunk in data:
                parser.Parse(bytes(chunk), False)
            parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise _office_damaged() from exc


def _safe_part_name(info: zipfile.ZipInfo) -> bool:
    name = info.orig_filename
    if not name or len(name) > 1024 or "\\" in name or name.startswith("/"):
        return False
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in name):
        return False
    segments = name.split("/")
    if name.endswith("/"):
        segments = segments[:-1]  # a directory entry
    if ":" in segments[0]:
        return False
    return all(segment not in ("", ".", "..") for segment in segments)


def _check_layout(content: bytes, infos: list[zipfile.ZipInfo], archive) -> None:
    """No overlapping entries (a classic zip bomb), no data hidden between or after them."""
    ranges = []
    for info in infos:
        offset = info.header_offset
        header = content[offset : offset + 30]
        if len(header) < 30 or header[:4] != _ZIP_MAGIC:
            raise _office_damaged()
        name_length, extra_length = struct.unpack_from("<HH", header, 26)
        data_end = offset + 30 + name_length + extra_length + info.compress_size
        ranges.append((offset, data_end))
    ranges.sort()
    previous = 0
    for start, end in ranges:
        # Up to 24 bytes between entries: a data descriptor.
        if start < previous or start - previous > 24:
            raise _office_unusual()
        previous = end
    central = archive.start_dir
    if central < previous or central - previous > 24:
        raise _office_unusual()
    record = content.rfind(b"PK\x05\x06", max(0, len(content) - 65557))
    if record < 0:
        raise _office_damaged()
    comment_length = struct.unpack_from("<H", content, record + 20)[0]
    if record + 22 + comment_length != len(content):
        raise _office_unusual()
    _scan_markup_or(content[central:], _office_markup)


def _scan_markup_or(data: bytes, reason: Callable[[], ValidationError]) -> None:
    scan = _MarkupScan()
    for chunk in _chunks(data):
        scan.feed(chunk)
        if scan.found:
            raise reason()


def _check_content_type(content_type: str) -> None:
    lowered = content_type.strip().lower()
    if any(piece in lowered for piece in _TYPE_MACROS):
        raise _office_macros()
    if any(piece in lowered for piece in _TYPE_ACTIVE):
        raise _office_active()
    if any(piece in lowered for piece in _TYPE_MARKUP):
        raise _office_markup()
    if any(piece in lowered for piece in _TYPE_PROGRAM):
        raise _program()
    for piece, kind in _TYPE_EXTERNAL.items():
        if piece in lowered:
            raise _office_external(kind)


def _content_types(data: bytes) -> tuple[dict[str, str], dict[str, str]]:
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}

    def start(name, attributes):
        local = _local(name)
        if local == "Default":
            defaults[(attributes.get("Extension") or "").lower()] = attributes.get(
                "ContentType", ""
            )
        elif local == "Override":
            overrides[(attributes.get("PartName") or "").lower()] = attributes.get(
                "ContentType", ""
            )

    _parse_xml(data, start=start)
    # Only the types of parts that are there are judged (below, part by part): Office leaves
    # declarations of types it no longer uses.
    return defaults, overrides


def _check_relationships(data: bytes) -> None:
    def start(name, attributes):
        if _local(name) != "Relationship":
            return
        kind = (attributes.get("Type") or "").rstrip("/").rsplit("/", 1)[-1]
        target = attributes.get("Target") or ""
        lowered = kind.lower()
        if (attributes.get("TargetMode") or "").strip().lower() == "external":
            if lowered == "hyperlink":
                _check_link(target)  # followed only when clicked
                return
            raise _office_external(kind)
        if _scheme(target):
            raise _office_external(kind)
        if lowered in ("vbaproject", "wordvbadata", "attachedtoolbars", "keymapcustomizations"):
            raise _office_macros()
        if lowered in ("oleobject", "control", "activexcontrol", "activexcontrolbinary"):
            raise _office_active()
        if lowered == "afchunk":
            # Alternative-format content (HTML, MHT, RTF) merged into the document.
            raise _office_markup()

    _parse_xml(data, start=start)


class _WordFields:
    """Field instructions (DDEAUTO, INCLUDETEXT, ...), also when split across runs."""

    def __init__(self):
        self.stack: list[list[str]] = []
        self.in_instruction = False

    def judge(self, instruction: str) -> None:
        words = instruction.replace("\\", " ").split()
        if words and words[0].upper() in _WORD_FIELDS:
            raise _office_dde()

    def start(self, name, attributes):
        local = _local(name)
        if local == "fldChar":
            kind = _attribute(attributes, "fldCharType")
            if kind == "begin":
                self.stack.append([])
            elif kind in ("separate", "end") and self.stack:
                self.judge("".join(self.stack[-1]))
                if kind == "end":
                    self.stack.pop()
                else:
                    self.stack[-1] = []
        elif local in ("instrText", "delInstrText"):
            self.in_instruction = True
        elif local == "fldSimple":
            self.judge(_attribute(attributes, "instr") or "")

    def end(self, name):
        if _local(name) in ("instrText", "delInstrText"):
            self.in_instruction = False

    def text(self, data):
        if self.in_instruction:
            if not self.stack:
                self.stack.append([])
            self.stack[-1].append(data)

    def close(self):
        for pending in self.stack:
            self.judge("".join(pending))


# A formula cell or defined name; a "|" outside quotes is DDE (=cmd|'/c calc'!A1).
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:f|definedName)(?:\s[^>]*)?>([^<]{1,65536})<")


def _check_formula(raw: bytes) -> None:
    formula = html.unescape(raw.decode("utf-8", "replace"))
    formula = re.sub(r'"[^"]*"', "", formula)
    formula = re.sub(r"'[^']*'", "", formula)
    if "|" in formula:
        raise _office_dde()


# OpenDocument: elements that run scripts, embed programs or link to other programs.
_ODF_MACRO_ELEMENTS = frozenset({"event-listener", "script"})
_ODF_ACTIVE_ELEMENTS = frozenset({"applet", "plugin", "object-ole"})
_ODF_DDE_ELEMENTS = frozenset(
    {"dde-connection-decl", "dde-connection-decls", "dde-source", "dde-link", "dde-links"}
)
_ODF_LINK_ELEMENTS = frozenset({"a"})
# Basic/ holds macro modules; these are only the (empty) library lists.
_ODF_LIBRARIES = frozenset({"script-lc.xml", "script-lb.xml", "dialog-lc.xml", "dialog-lb.xml"})
_ODF_MACRO_SCHEMES = frozenset({"vnd.sun.star.script", "macro", "basic", "service"})


def _odf_start(name, attributes):
    local = _local(name)
    if local in _ODF_MACRO_ELEMENTS:
        raise _office_macros()
    if local in _ODF_ACTIVE_ELEMENTS:
        raise _office_active()
    if local in _ODF_DDE_ELEMENTS:
        raise _office_dde()
    for key, value in attributes.items():
        attribute = _local(key)
        if attribute == "href":
            scheme = _scheme(value)
            if scheme in _ODF_MACRO_SCHEMES:
                raise _office_macros()
            if local in _ODF_LINK_ELEMENTS:
                _check_link(value)  # a hyperlink: followed only when clicked
            elif scheme or value.strip().startswith(("../", "/", "\\")):
                if local == "template" and not scheme:
                    continue  # the template the document was made from, on this computer
                raise _office_external(local)
        elif attribute == "formula" and re.search(r"\b(dde|webservice)\s*\(", value, re.I):
            raise _office_dde()


def _odf_manifest(data: bytes) -> None:
    def start(name, attributes):
        if _local(name) in ("encryption-data", "keyinfo", "encrypted-key"):
            raise _office_encrypted()

    _parse_xml(data, start=start)


def _package_family(archive: zipfile.ZipFile) -> str | None:
    names = set(archive.namelist())
    ooxml = "[Content_Types].xml" in names
    odf = "mimetype" in names
    if ooxml and odf:
        raise _office_unusual()
    if ooxml:
        return "ooxml"
    if odf:
        return "odf"
    return None


def _check_package(
    content: bytes, extension: str | None, budget: _Budget | None = None, depth: int = 0
) -> None:
    """An OOXML or OpenDocument file, whole. ``extension`` is None for an embedded package."""
    budget = budget or _Budget(packed=len(content))
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        if extension:
            raise _mismatch(extension) from exc
        raise _office_damaged() from exc
    with archive:
        try:
            _check_archive(archive, content, extension, budget, depth)
        except ValidationError:
            raise
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            NotImplementedError,
            RuntimeError,
            EOFError,
            OSError,
            ValueError,
            struct.error,
            zlib.error,
        ) as exc:
            raise _office_damaged() from exc


def _check_archive(archive, content, extension, budget, depth) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_ARCHIVE_ENTRIES:
        raise _office_too_many(MAX_ARCHIVE_ENTRIES)
    seen: set[str] = set()
    for info in infos:
        if not _safe_part_name(info):
            raise _office_unsafe_names()
        key = info.filename.rstrip("/").casefold()
        if key in seen:
            raise _office_unusual()
        seen.add(key)
        if info.flag_bits & 0x41:  # traditional or strong encryption
            raise _office_encrypted()
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _office_damaged()
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise _office_too_big(MAX_UNPACKED_BYTES)  # declared; the real count follows
    _check_layout(content, infos, archive)

    family = _package_family(archive)
    if family is None:
        if extension:
            raise _mismatch(extension)
        raise _office_active()  # an embedded archive that is no office document
    if extension and ALLOWED[extension][1] != family:
        raise _mismatch(extension)

    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    done: set[str] = set()
    if family == "ooxml":
        info = archive.getinfo("[Content_Types].xml")
        defaults, overrides = _content_types(_read_whole(archive, info, budget))
        done.add(info.filename)
        if extension:
            mains = {t.strip().lower() for t in overrides.values() if t.endswith(".main+xml")}
            for main in mains:
                _check_content_type(main)  # a .docm's type says "macros" before "mismatch"
            if mains and _OOXML_MAIN[extension] not in mains:
                raise _mismatch(extension)
    else:
        info = archive.getinfo("mimetype")
        mimetype = _read_whole(archive, info, budget, limit=256).strip()
        done.add(info.filename)
        if not mimetype.startswith(b"application/vnd.oasis.opendocument"):
            raise _mismatch(extension) if extension else _office_damaged()
        if extension and mimetype.decode("ascii", "replace") != ALLOWED[extension][0]:
            raise _mismatch(extension)
        if "META-INF/manifest.xml" in archive.NameToInfo:
            info = archive.getinfo("META-INF/manifest.xml")
            _odf_manifest(_read_whole(archive, info, budget))
            done.add(info.filename)

    for info in infos:
        if info.is_dir() or info.filename in done:
            continue
        name = info.filename
        lower = name.lower()
        content_type = overrides.get("/" + lower) or defaults.get(lower.rpartition(".")[2], "")
        _check_content_type(content_type)
        _check_part(archive, info, family, content_type, budget, depth)


def _check_part(archive, info, family, content_type, budget, depth) -> None:
    name = info.filename
    lower = name.lower()
    segments = lower.split("/")
    basename = segments[-1]
    extension = basename.rpartition(".")[2] if "." in basename else ""
    if basename in _MACRO_PART_NAMES or "macrosheets" in segments:
        raise _office_macros()
    if "activex" in segments:
        raise _office_active()
    folders = segments[:-1]
    if family == "odf" and (
        "scripts" in folders or ("basic" in folders and basename not in _ODF_LIBRARIES)
    ):
        raise _office_macros()  # also in an embedded object's folder
    if extension in _MARKUP_EXTENSIONS:
        raise _office_markup()
    if extension in _PROGRAM_EXTENSIONS:
        raise _program()
    if extension in _MACRO_EXTENSIONS:
        raise _office_macros()
    is_svg = extension == "svg" or "svg" in content_type.lower()
    is_xml = extension in _XML_EXTENSIONS or (content_type.lower().endswith("xml") and not is_svg)
    is_rels = extension == "rels"
    word_part = family == "ooxml" and segments[0] == "word" and extension == "xml"
    sheet_part = (
        family == "ooxml"
        and segments[0] == "xl"
        and extension == "xml"
        and (segments[1:2] == ["worksheets"] or basename == "workbook.xml")
    )
    odf_xml = family == "odf" and extension == "xml"

    if is_rels:
        _check_relationships(_read_whole(archive, info, budget))
        return

    first = True
    package: list[bytes] | None = None
    markup = _MarkupScan() if not (is_xml or is_svg) else None
    declarations = _Windows(64) if (is_xml or is_svg) else None
    formulas = _Windows(70000) if sheet_part else None
    svg = _Windows(_MARKUP_OVERLAP) if is_svg else None
    fields_seen = False
    instr = _Windows(8) if word_part else None
    odf_parser = _xml_parser(start=_odf_start) if odf_xml else None
    embedded_size = 0
    for chunk in _stream(archive, info, budget):
        if first:
            first = False
            head = bytes(chunk[:8])
            if head.startswith(_OLE_MAGIC):
                raise _office_active()
            if head.startswith(_EXECUTABLE_MAGIC[:4]):
                raise _program()
            if head.startswith(_ZIP_MAGIC):
                package, markup = [], None
        if package is not None:
            embedded_size += len(chunk)
            if embedded_size > max_upload_bytes():
                raise _office_unusual()
            package.append(bytes(chunk))
            continue
        if markup is not None:
            markup.feed(chunk)
            if markup.found:
                raise _office_markup()
        if declarations is not None:
            window = declarations.next(chunk).lower()
            if any(needle in window for needle in _XML_DECLARATIONS):
                raise _office_unusual()
        if svg is not None:
            window = svg.next(chunk).lower()
            if any(needle in window for needle in _SVG_SCRIPT) or _SVG_HANDLER.search(window):
                raise _office_markup()
        if formulas is not None:
            for match in _FORMULA.finditer(formulas.next(chunk)):
                _check_formula(match.group(1))
        if instr is not None and not fields_seen:
            # Field instructions are in w:instrText or w:instr (names cannot be escaped).
            fields_seen = b"instr" in instr.next(chunk)
        if odf_parser is not None:
            try:
                odf_parser.Parse(bytes(chunk), False)
            except expat.ExpatError as exc:
                raise _office_damaged() from exc
    if odf_parser is not None:
        try:
            odf_parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise _office_damaged() from exc
    if word_part and fields_seen:
        # Read a second time, with the fields in mind; counted already.
        fields = _WordFields()
        again = _stream(archive, info, _Budget(packed=budget.packed))
        _parse_xml(again, start=fields.start, end=fields.end, text=fields.text)
        fields.close()
    if package is not None:
        if depth + 1 > MAX_NESTING:
            raise _office_unusual()
        _check_package(b"".join(package), None, budget, depth + 1)


# --- the older binary office formats (compound files) ----------------------------------------

_ENDOFCHAIN = 0xFFFFFFFE
_FREESECT = 0xFFFFFFFF
_MAXREGSECT = 0xFFFFFFFA


class _CompoundError(Exception):
    pass


@dataclass
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    start: int
    size: int


class _Compound:
    """Just enough of the compound file format ([MS-CFB]) to list entries and read streams."""

    def __init__(self, data: bytes):
        if len(data) < 512 or not data.startswith(_OLE_MAGIC):
            raise _CompoundError("header")
        self.data = data
        major, byte_order, sector_shift, mini_shift = struct.unpack_from("<HHHH", data, 0x1A)
        if byte_order != 0xFFFE or (major, sector_shift) not in ((3, 9), (4, 12)):
            raise _CompoundError("version")
        if mini_shift != 6:
            raise _CompoundError("mini sector size")
        self.major = major
        self.sector_size = 1 << sector_shift
        self.sectors = (len(data) - self.sector_size + self.sector_size - 1) // self.sector_size
        (fat_count, first_directory, _signature, self.cutoff, first_minifat, _minifat_count,
         first_difat, _difat_count) = struct.unpack_from("<8I", data, 0x2C)  # fmt: skip
        difat = list(struct.unpack_from("<109I", data, 0x4C))
        per_sector = self.sector_size // 4
        sector, hops = first_difat, 0
        while sector not in (_ENDOFCHAIN, _FREESECT):
            hops += 1
            if hops > self.sectors:
                raise _CompoundError("difat loop")
            values = struct.unpack(f"<{per_sector}I", self._sector(sector))
            difat.extend(values[:-1])
            sector = values[-1]
        fat_sectors = [s for s in difat if s <= _MAXREGSECT][:fat_count]
        self.fat: list[int] = []
        for sector in fat_sectors:
            self.fat.extend(struct.unpack(f"<{per_sector}I", self._sector(sector)))
        directory = self._chain_bytes(first_directory)
        self.entries: list[_Entry] = []
        for offset in range(0, len(directory) - 127, 128):
            raw = directory[offset : offset + 128]
            kind = raw[66]
            if kind not in (1, 2, 5):
                continue
            length = min(struct.unpack_from("<H", raw, 64)[0], 64)
            name = raw[: max(0, length - 2)].decode("utf-16-le", "replace")
            start, size = struct.unpack_from("<IQ", raw, 116)
            if major == 3:
                size &= 0xFFFFFFFF
            self.entries.append(_Entry(name, kind, start, size))
        roots = [entry for entry in self.entries if entry.kind == 5]
        if not roots:
            raise _CompoundError("no root")
        self.mini_stream = self._chain_bytes(roots[0].start)[: roots[0].size]
        minifat = self._chain_bytes(first_minifat) if first_minifat <= _MAXREGSECT else b""
        self.minifat = list(
            struct.unpack(f"<{len(minifat) // 4}I", minifat[: len(minifat) // 4 * 4])
        )

    def _sector(self, number: int) -> bytes:
        offset = (number + 1) * self.sector_size
        if number > _MAXREGSECT or offset >= len(self.data):
            raise _CompoundError("sector outside the file")
        return self.data[offset : offset + self.sector_size].ljust(self.sector_size, b"\x00")

    def _chain(self, start: int, table: list[int], limit: int) -> list[int]:
        chain = []
        sector = start
        while sector != _ENDOFCHAIN:
            if sector >= len(table) or len(chain) > limit:
                raise _CompoundError("broken chain")
            chain.append(sector)
            sector = table[sector]
        return chain

    def _chain_bytes(self, start: int) -> bytes:
        if start == _ENDOFCHAIN:
            return b""
        return b"".join(self._sector(s) for s in self._chain(start, self.fat, self.sectors))

    def names(self) -> set[str]:
        return {entry.name.lower() for entry in self.entries if entry.kind in (1, 2)}

    def read(self, name: str) -> bytes | None:
        for entry in self.entries:
            if entry.kind == 2 and entry.name.lower() == name:
                break
        else:
            return None
        if entry.size < self.cutoff:
            chain = self._chain(entry.start, self.minifat, len(self.mini_stream) // 64 + 1)
            data = b"".join(self.mini_stream[s * 64 : s * 64 + 64] for s in chain)
        else:
            data = self._chain_bytes(entry.start)
        if len(data) < entry.size:
            raise _CompoundError("short stream")
        return data[: entry.size]


_OLE_MACRO_NAMES = frozenset({"macros", "_vba_project_cur", "_vba_project", "vba"})
_OLE_ENCRYPTION_NAMES = frozenset({"encryptedpackage", "encryptioninfo", "encryptedsummary"})
_OLE_MAIN_STREAMS = {
    "doc": ("worddocument",),
    "xls": ("workbook", "book"),
    "ppt": ("powerpoint document",),
}
_DOC_FIELD = re.compile(
    rb"\x13[\x00-\x20]*(?:ddeauto|dde|includetext|includepicture|include|import|link)[\x00-\x20\"]"
)
_DOC_FIELD_UTF16 = re.compile(
    b"\\x13\\x00(?:[\\x00-\\x20]\\x00)*(?:"
    + b"|".join(
        re.escape(word.encode("utf-16-le"))
        for word in ("ddeauto", "dde", "includetext", "includepicture", "include", "import", "link")
    )
    + b')[\\x00-\\x20"]\\x00'
)


def _check_compound(content: bytes, extension: str) -> None:
    try:
        compound = _Compound(content)
        names = compound.names()
        if names & _OLE_ENCRYPTION_NAMES:
            raise _office_encrypted()
        if ALLOWED[extension][1] != "ole":
            raise _mismatch(extension)
        if names & _OLE_MACRO_NAMES:
            raise _office_macros()
        if (
            "objectpool" in names
            or any(name.startswith("\x01ole10native") for name in names)
            or any(re.fullmatch(r"mbd[0-9a-f]{8}", name) for name in names)
        ):
            raise _office_active()
        streams = [s for s in _OLE_MAIN_STREAMS[extension] if s in names]
        if not streams:
            raise _mismatch(extension)
        main = compound.read(streams[0]) or b""
        {"doc": _check_doc, "xls": _check_xls, "ppt": _check_ppt}[extension](main)
    except ValidationError:
        raise
    except (_CompoundError, struct.error, IndexError, ValueError) as exc:
        raise _office_damaged() from exc


def _check_doc(stream: bytes) -> None:
    (identifier,) = struct.unpack_from("<H", stream, 0)
    if identifier != 0xA5EC:
        raise _office_damaged()
    (flags,) = struct.unpack_from("<H", stream, 0x0A)
    if flags & 0x0100 or flags & 0x8000:  # fEncrypted, fObfuscated
        raise _office_encrypted()
    lower = stream.lower()
    if _DOC_FIELD.search(lower) or _DOC_FIELD_UTF16.search(lower):
        raise _office_dde()


def _check_xls(stream: bytes) -> None:
    position = 0
    while position + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, position)
        body = stream[position + 4 : position + 4 + length]
        if kind == 0x002F:  # FILEPASS
            raise _office_encrypted()
        if kind == 0x0085 and len(body) >= 6 and body[5] in (0x01, 0x06):
            raise _office_macros()  # BOUNDSHEET of an Excel 4 macro sheet or a VBA module
        if kind == 0x000A:  # EOF of the workbook globals: sheets and encryption are before it
            return
        position += 4 + length


def _check_ppt(stream: bytes) -> None:
    found: set[int] = set()
    position = 0
    while position + 8 <= len(stream):
        version_instance, kind, length = struct.unpack_from("<HHI", stream, position)
        found.add(kind)
        if version_instance & 0x000F == 0x000F:
            position += 8  # a container: its records follow
        else:
            position += 8 + length
    if 0x2F14 in found:  # CryptSession10Container
        raise _office_encrypted()
    if 0x03FF in found:  # VBAInfoContainer
        raise _office_macros()
    if found & {0x1011, 0x0FEE, 0x0FCC, 0x0FCE}:  # ExOleObjStg, ExControl, ExOleEmbed/Link
        raise _office_active()


# --- the whole check -------------------------------------------------------------------------


def _family(content: bytes) -> str | None:
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(_OLE_MAGIC):
        return "ole"
    if content.startswith(_ZIP_MAGIC):
        return "zip"
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
        raise _program()
    family = _family(content)
    if expected == "text":
        _check_text(content)
    elif family == "ole" and expected == "ooxml":
        _check_compound(content, extension)  # an encrypted OOXML file is a compound file
    elif family != expected and not (family == "zip" and expected in ("ooxml", "odf")):
        raise _mismatch(extension)
    if expected in ("pdf", "text", "png", "jpeg"):
        _scan_markup(content)
    if expected == "pdf":
        _check_pdf(content)
    elif expected in ("png", "jpeg"):
        _check_image(content, expected)
    elif expected in ("ooxml", "odf"):
        _check_package(content, extension)
    elif expected == "ole":
        _check_compound(content, extension)
    return CheckedUpload(
        name=name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
