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

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from samenwerking.uploads.archives import (  # noqa: F401 - the package's names
    _MACRO_EXTENSIONS,
    _MACRO_PART_NAMES,
    _MARKUP_EXTENSIONS,
    _OOXML_MAIN,
    _PROGRAM_EXTENSIONS,
    _SVG_HANDLER,
    _SVG_SCRIPT,
    _TYPE_ACTIVE,
    _TYPE_EXTERNAL,
    _TYPE_MACROS,
    _TYPE_MARKUP,
    _TYPE_PROGRAM,
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
    _scan_markup_or,
    _stream,
    _xml_parser,
)
from samenwerking.uploads.compound import (  # noqa: F401 - the package's names
    _DOC_FIELD,
    _DOC_FIELD_UTF16,
    _ENDOFCHAIN,
    _FREESECT,
    _MAXREGSECT,
    _OLE_ENCRYPTION_NAMES,
    _OLE_MACRO_NAMES,
    _OLE_MAIN_STREAMS,
    _check_compound,
    _check_doc,
    _check_ppt,
    _check_xls,
    _Compound,
    _CompoundError,
    _Entry,
)
from samenwerking.uploads.images import (  # noqa: F401 - the package's names
    _ADAM7,
    _PNG_CHANNELS,
    _check_image,
    _check_jpeg_structure,
    _check_png_pixels,
    _check_text,
    _png_chunks,
)
from samenwerking.uploads.limits import (  # noqa: F401 - the package's names
    _CHUNK,
    _EXECUTABLE_MAGIC,
    _OLE_MAGIC,
    _SAFE_SCHEMES,
    _ZIP_MAGIC,
    ALLOWED,
    MAX_ARCHIVE_ENTRIES,
    MAX_COMPRESSION_RATIO,
    MAX_IMAGE_PIXELS,
    MAX_NESTING,
    MAX_UNPACKED_BYTES,
    RATIO_FLOOR_BYTES,
    CheckedUpload,
    max_image_pixels,
    max_upload_bytes,
    safe_filename,
)
from samenwerking.uploads.markup import (  # noqa: F401 - the package's names
    _HANDLER,
    _MARKUP_OVERLAP,
    _NS_TAG,
    _TAG,
    _TAG_START,
    _TAG_UTF16BE,
    _TAG_UTF16LE,
    _URL_SCRIPT,
    _check_link,
    _chunks,
    _handler_in_tag,
    _has_markup,
    _MarkupScan,
    _scan_markup,
    _scheme,
    _Windows,
)
from samenwerking.uploads.parts import (  # noqa: F401 - the package's names
    _FORMULA,
    _ODF_ACTIVE_ELEMENTS,
    _ODF_DDE_ELEMENTS,
    _ODF_LIBRARIES,
    _ODF_LINK_ELEMENTS,
    _ODF_MACRO_ELEMENTS,
    _ODF_MACRO_SCHEMES,
    _check_archive,
    _check_formula,
    _check_package,
    _check_part,
    _odf_manifest,
    _odf_start,
    _package_family,
    _WordFields,
)
from samenwerking.uploads.pdf import (  # noqa: F401 - the package's names
    _PDF_DELIMITER,
    _PDF_ESCAPED,
    _PDF_HEX,
    _PDF_JS_ACTIONS,
    _PDF_MAX_OBJECTS,
    _PDF_MEDIA_ACTIONS,
    _PDF_MEDIA_SUBTYPES,
    _PDF_OUTSIDE_ACTIONS,
    _PDF_RAW,
    _PDF_RAW_NAMES,
    _check_pdf,
    _check_pdf_dictionary,
    _pdf_value,
    _scan_pdf_names,
    _walk_pdf,
)
from samenwerking.uploads.reasons import (  # noqa: F401 - the package's names
    _image_damaged,
    _image_too_large,
    _image_trailing,
    _markup,
    _mismatch,
    _office_active,
    _office_damaged,
    _office_dde,
    _office_encrypted,
    _office_external,
    _office_macros,
    _office_markup,
    _office_ratio,
    _office_too_big,
    _office_too_many,
    _office_unsafe_names,
    _office_unusual,
    _pdf_action,
    _pdf_auto_action,
    _pdf_embedded,
    _pdf_encrypted,
    _pdf_javascript,
    _pdf_media,
    _pdf_unreadable,
    _pdf_xfa,
    _program,
    _refuse,
    _unsafe_link,
)

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
