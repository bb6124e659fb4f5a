"""The demo region's staff management (issue 13): what the CLB's directeur and De Regenboog's
directie find under "Medewerkers".

CLB Leiestreek has a colleague who left at the end of last school year, two open invitations
(one whose link expired) and people who have not logged in for months; De Regenboog has an
invitation for a new zorgleerkracht. Written through the services, so that the history and the
dossiers' audit logs show them as they would be shown in real use. Idempotent.
"""

import datetime

from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.services import membership_create, membership_end
from dossier.core.access.organisations import people_manager
from dossier.medewerkers.models import Invitation
from dossier.medewerkers.services import invitation_create

FORMER = ("wim.vanacker@leiestreek.demo", "Wim", "Van Acker")

# (organisation key, inviter, email, first, last, role, days from today, expired)
INVITATIONS = [
    (
        "clb",
        "directeur@leiestreek.demo",
        "yasmine.bouzid@leiestreek.demo",
        "Yasmine",
        "Bouzid",
        Role.CLB_MEDEWERKER,
        7,
        False,
    ),
    (
        "clb",
        "directeur@leiestreek.demo",
        "kobe.martens@leiestreek.demo",
        "Kobe",
        "Martens",
        Role.CLB_MEDEWERKER,
        0,
        True,
    ),
    (
        "regenboog",
        "directie@regenboog.demo",
        "lien.verstraete@regenboog.demo",
        "Lien",
        "Verstraete",
        Role.ZORGLEERKRACHT,
        14,
        False,
    ),
]

# (email, days since the last login): who the lists mark as not seen for months
LAST_LOGINS = [
    ("clb@leiestreek.demo", 2),
    ("directeur@leiestreek.demo", 1),
    ("zorg@regenboog.demo", 1),
    ("leerkracht@regenboog.demo", 250),
    ("secretariaat@regenboog.demo", 420),
]


def load_staff(orgs, users, *, password: str, long_ago: datetime.date, this_year: datetime.date):
    today = timezone.localdate()
    clb = orgs["clb"]
    former = User.objects.filter(email=FORMER[0]).first()
    if former is None:
        former = User.objects.create_user(
            email=FORMER[0], password=password, first_name=FORMER[1], last_name=FORMER[2]
        )
        membership = membership_create(
            user=former, organisation=clb, role=Role.CLB_MEDEWERKER, start_date=long_ago
        )
        membership_end(membership=membership, end_date=this_year - datetime.timedelta(days=1))
    for key, inviter_email, email, first, last, role, days, expired in INVITATIONS:
        organisation = orgs[key]
        if Invitation.objects.filter(organisation=organisation, email=email).exists():
            continue
        inviter = users[inviter_email]
        invitation = invitation_create(
            manager=people_manager(inviter, organisation.pk),
            organisation=organisation,
            email=email,
            first_name=first,
            last_name=last,
            role=role,
            start_date=today + datetime.timedelta(days=days),
            actor=inviter,
        )
        if expired:
            Invitation.objects.filter(pk=invitation.pk).update(
                expires_at=timezone.now() - datetime.timedelta(days=2)
            )
    now = timezone.now()
    for email, days in LAST_LOGINS:
        User.objects.filter(email=email, last_login__isnull=True).update(
            last_login=now - datetime.timedelta(days=days)
        )
