"""Searching a whole file, in overlapping chunks, for markup a browser could run, and checking links."""

from __future__ import annotations

import re
from collections.abc import Iterator

from samenwerking.uploads.limits import _CHUNK, _SAFE_SCHEMES
from samenwerking.uploads.reasons import _markup, _unsafe_link

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
