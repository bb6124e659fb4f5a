"""PDF: parsed with pypdf, every object looked at."""

from __future__ import annotations

import io
import re
import warnings

from django.core.exceptions import ValidationError

from samenwerking.uploads.markup import _check_link, _chunks, _Windows
from samenwerking.uploads.reasons import (
    _pdf_action,
    _pdf_auto_action,
    _pdf_embedded,
    _pdf_encrypted,
    _pdf_javascript,
    _pdf_media,
    _pdf_unreadable,
    _pdf_xfa,
)

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
