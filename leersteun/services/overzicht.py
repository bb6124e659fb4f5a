"""Starting the school year's conversations of many partner schools at once."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from dossier.core.access import Section, user_flags
from dossier.core.models import Dossier
from leersteun.models import Gesprek
from leersteun.services.gesprek import gesprek_start, lsc_of


@dataclass
class StartResult:
    started: list[Gesprek] = field(default_factory=list)
    # (school name, why its conversation was not started)
    refused: list[tuple[str, str]] = field(default_factory=list)
    # ids of dossiers the person does not read the conversations of (never named)
    ignored: int = 0


def gesprekken_start(
    *, lsc_id: int, dossier_ids: list[int], user, school_year: str | None = None
) -> StartResult:
    """Start this school year's conversation of the LSC in each dossier, one at a time.

    Each start is its own transaction (``gesprek_start``), so a school that cannot start
    (already started, no template) does not undo the others. A dossier the person does not
    read as staff of this LSC is skipped and only counted.
    """
    result = StartResult()
    dossiers = {
        dossier.pk: dossier
        for dossier in Dossier.objects.filter(pk__in=dossier_ids).select_related("school")
    }
    result.ignored = len(set(dossier_ids) - set(dossiers))
    for dossier in sorted(dossiers.values(), key=lambda d: (d.school.name, d.pk)):
        access = user_flags(user, dossier)
        if not access.can_read(Section.LEERSTEUN):
            result.ignored += 1
            continue
        if lsc_of(access) != lsc_id:
            result.refused.append(
                (
                    dossier.school.name,
                    _("You may not start this school's conversation for this LSC."),
                )
            )
            continue
        try:
            gesprek = gesprek_start(
                dossier=dossier, user=user, access=access, school_year=school_year
            )
        except ValidationError as exc:
            result.refused.append((dossier.school.name, " ".join(exc.messages)))
        except PermissionDenied as exc:
            result.refused.append(
                (dossier.school.name, str(exc) or _("You may not start this conversation."))
            )
        else:
            result.started.append(gesprek)
    return result
