"""Who sees what: the one access module.

Every rule of who may read or write what in a dossier lives here; views, templates and services
ask it and never restate a rule. The rules (docs/ARCHITECTURE.md, "Who sees what"):

* Effective access to a dossier is a grant (a django-guardian object permission on the dossier)
  AND an active membership of the person's organisation AND, for partner staff, an active
  partnership between that organisation and the school. The school's directie needs no grant:
  it reads everything of its own school and manages access.
* Within a dossier, each section is open to some partner kinds only (``SECTION_RULES``).
* Documents and agreements each have their own audience; the partner who keeps a meeting's
  minutes changes that meeting's record; only the CLB writes consultation notes, the school
  remarks on them; a person approves an agreement for their own side. These per-item rules are
  methods of ``DossierAccess``, with ``audience_q`` as the SQL form where lists need it.
* A person who may not see something gets 404; one who may see it but not change it gets 403.
* Platform administrators and superusers have no special rights here.

A view computes the acting person's access once (``require_section``) and hands the
``DossierAccess`` to selectors, services (keyword ``access``, re-checked there) and templates.
``user_flags`` computes someone else's.

The modules: ``rules`` (the table), ``dossier_access`` (the Python form of every rule) and
``queries`` (the SQL form, and the look-ups). The SQL and Python forms are written from the same
flags; the tests hold them equal.
"""

from dossier.core.access.dossier_access import (
    NO_ACCESS,
    Authored,
    DossierAccess,
    HasAudience,
    Meeting,
    Party,
)
from dossier.core.access.queries import (
    annotate_dossiers,
    audience_q,
    dossier_with_access,
    dossiers_for_user,
    manages_access_somewhere,
    people_with_access,
    require_section,
    section_q,
    user_flags,
)
from dossier.core.access.readable import access_changed, readable_dossier_ids
from dossier.core.access.rules import (
    ALL_SIDES,
    CLB,
    LSC,
    NOTE_WRITERS,
    PBD,
    PER_ITEM_SECTIONS,
    PERM_CONTRIBUTE,
    PERM_MANAGE,
    PERM_VIEW,
    SCHOOL,
    SECTION_RULES,
    SIDE_ORDER,
    Section,
    SectionRule,
)
from dossier.core.access.standing import dossier_roster

__all__ = [
    "manages_access_somewhere",
    "ALL_SIDES",
    "CLB",
    "LSC",
    "NOTE_WRITERS",
    "NO_ACCESS",
    "PBD",
    "PERM_CONTRIBUTE",
    "PERM_MANAGE",
    "PERM_VIEW",
    "PER_ITEM_SECTIONS",
    "SCHOOL",
    "SECTION_RULES",
    "SIDE_ORDER",
    "Authored",
    "DossierAccess",
    "HasAudience",
    "Meeting",
    "Party",
    "Section",
    "SectionRule",
    "annotate_dossiers",
    "audience_q",
    "dossier_with_access",
    "dossiers_for_user",
    "dossier_roster",
    "access_changed",
    "readable_dossier_ids",
    "people_with_access",
    "require_section",
    "section_q",
    "user_flags",
]
