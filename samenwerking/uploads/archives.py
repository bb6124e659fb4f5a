"""OOXML and OpenDocument packages: read part by part, streaming, within a budget; their layout, content types and relationships."""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from xml.parsers import expat

from django.core.exceptions import ValidationError

from samenwerking.uploads.limits import (
    _CHUNK,
    _ZIP_MAGIC,
    MAX_COMPRESSION_RATIO,
    MAX_UNPACKED_BYTES,
    RATIO_FLOOR_BYTES,
)
from samenwerking.uploads.markup import _check_link, _chunks, _MarkupScan, _scheme
from samenwerking.uploads.reasons import (
    _office_active,
    _office_damaged,
    _office_external,
    _office_macros,
    _office_markup,
    _office_ratio,
    _office_too_big,
    _office_unusual,
    _program,
)

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
