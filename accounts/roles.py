"""Organisation kinds and roles: the one place that says which role belongs where.

Nothing else in the code names a role as a string; it asks this module.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    SCHOOL = "school", _("School")
    CLB = "clb", _("CLB")
    PBD = "pbd", _("PBD")
    LSC = "lsc", _("LSC")


PARTNER_KINDS = (OrganisationKind.CLB, OrganisationKind.PBD, OrganisationKind.LSC)
# A school has at most one active partner of these kinds on any date; LSCs may be several.
SINGLE_PARTNER_KINDS = (OrganisationKind.CLB, OrganisationKind.PBD)


class Role(models.TextChoices):
    # school
    DIRECTIE = "directie", _("Directie")
    ZORGCOORDINATOR = "zorgcoordinator", _("Zorgcoördinator")
    LEERLINGENBEGELEIDER = "leerlingenbegeleider", _("Leerlingenbegeleider")
    ZORGLEERKRACHT = "zorgleerkracht", _("Zorgleerkracht")
    LEERKRACHT = "leerkracht", _("Leerkracht")
    ADMINISTRATIEF = "administratief", _("Administratief medewerker")
    # CLB
    CLB_MEDEWERKER = "clb_medewerker", _("CLB-medewerker")
    CLB_DIRECTEUR = "clb_directeur", _("CLB-directeur")
    # PBD
    PBD_BEGELEIDER = "pbd_begeleider", _("Pedagogisch begeleider")
    # the PBD's responsible for the region: manages the PBD's people in the app (issue 13); in a
    # dossier a PBD staff member like the begeleiders
    PBD_VERANTWOORDELIJKE = "pbd_verantwoordelijke", _("PBD-verantwoordelijke")
    # LSC
    LSC_ANKERPERSOON = "lsc_ankerpersoon", _("Ankerpersoon")
    LSC_ONDERSTEUNER = "lsc_ondersteuner", _("Ondersteuner")
    LSC_COORDINATOR = "lsc_coordinator", _("LSC-coördinator")


ROLES_BY_KIND: dict[str, tuple[Role, ...]] = {
    OrganisationKind.SCHOOL: (
        Role.DIRECTIE,
        Role.ZORGCOORDINATOR,
        Role.LEERLINGENBEGELEIDER,
        Role.ZORGLEERKRACHT,
        Role.LEERKRACHT,
        Role.ADMINISTRATIEF,
    ),
    OrganisationKind.CLB: (Role.CLB_MEDEWERKER, Role.CLB_DIRECTEUR),
    OrganisationKind.PBD: (Role.PBD_BEGELEIDER, Role.PBD_VERANTWOORDELIJKE),
    OrganisationKind.LSC: (
        Role.LSC_ANKERPERSOON,
        Role.LSC_ONDERSTEUNER,
        Role.LSC_COORDINATOR,
    ),
}

# School-side roles that may be given access to the school's dossier (only the directie and
# zorgteam only). A leerkracht or administratief medewerker never gets access.
ZORGTEAM_ROLES = (Role.ZORGCOORDINATOR, Role.LEERLINGENBEGELEIDER, Role.ZORGLEERKRACHT)
SCHOOL_GRANTABLE_ROLES = (Role.DIRECTIE, *ZORGTEAM_ROLES)
# The directie reads everything of its own school and manages access without a grant.
SCHOOL_MANAGER_ROLES = (Role.DIRECTIE,)
# Roles that read a dossier without a grant or manage who reads it. A new membership in one of
# these waits until a second person confirms it (accounts.services.membership_confirm): no single
# administrator can give anyone the power to read a school's dossier.
CONFIRMATION_ROLES = SCHOOL_MANAGER_ROLES


def kind_of_role(role: str) -> str:
    for kind, roles in ROLES_BY_KIND.items():
        if role in roles:
            return kind
    raise ValueError(f"Unknown role {role!r}")
