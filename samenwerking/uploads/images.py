"""PNG and JPEG, decoded within a pixel limit, and plain text."""

from __future__ import annotations

import io
import struct
import warnings
import zlib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from samenwerking.uploads.limits import _CHUNK, max_image_pixels
from samenwerking.uploads.reasons import (
    _image_damaged,
    _image_too_large,
    _image_trailing,
    _refuse,
)

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
        try:
            width, height = _check_jpeg_structure(content)
        except struct.error as exc:  # a segment that runs past the end
            raise _image_damaged(label) from exc
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
