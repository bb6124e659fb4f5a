"""The older binary office formats (.doc, .xls, .ppt), read as compound files."""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from samenwerking.uploads.limits import _OLE_MAGIC, ALLOWED
from samenwerking.uploads.reasons import (
    _mismatch,
    _office_active,
    _office_damaged,
    _office_dde,
    _office_encrypted,
    _office_macros,
)

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
