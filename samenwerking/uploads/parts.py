"""The parts of an office package: fields, formulas, OpenDocument macros, and the walk over every part."""

from __future__ import annotations

import html
import io
import re
import struct
import zipfile
import zlib
from xml.parsers import expat

from django.core.exceptions import ValidationError

from samenwerking.uploads.archives import (
    _MACRO_EXTENSIONS,
    _MACRO_PART_NAMES,
    _MARKUP_EXTENSIONS,
    _OOXML_MAIN,
    _PROGRAM_EXTENSIONS,
    _SVG_HANDLER,
    _SVG_SCRIPT,
    _WORD_FIELDS,
    _XML_DECLARATIONS,
    _XML_EXTENSIONS,
    _attribute,
    _Budget,
    _check_content_type,
    _check_layout,
    _check_relationships,
    _content_types,
    _local,
    _parse_xml,
    _read_whole,
    _safe_part_name,
    _stream,
    _xml_parser,
)
from samenwerking.uploads.limits import (
    _EXECUTABLE_MAGIC,
    _OLE_MAGIC,
    _ZIP_MAGIC,
    ALLOWED,
    MAX_ARCHIVE_ENTRIES,
    MAX_NESTING,
    MAX_UNPACKED_BYTES,
    max_upload_bytes,
)
from samenwerking.uploads.markup import (
    _MARKUP_OVERLAP,
    _check_link,
    _MarkupScan,
    _scheme,
    _Windows,
)
from samenwerking.uploads.reasons import (
    _mismatch,
    _office_active,
    _office_damaged,
    _office_dde,
    _office_encrypted,
    _office_external,
    _office_macros,
    _office_markup,
    _office_too_big,
    _office_too_many,
    _office_unsafe_names,
    _office_unusual,
    _program,
)


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
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        ValueError,
        EOFError,
        OSError,
        struct.error,
    ) as exc:
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
