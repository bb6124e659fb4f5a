"""Why a file is refused: one function per reason, each a ValidationError in Dutch."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

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
