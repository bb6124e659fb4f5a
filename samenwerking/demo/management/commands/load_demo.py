"""Load the demo region: one CLB, one PBD, one LSC, six schools and people in every role.

Idempotent: running it again changes nothing that is already there.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone, translation

from accounts.models import Membership, Organisation, Partnership, User
from accounts.roles import OrganisationKind as Kind
from accounts.roles import Role
from accounts.services import organisation_create, partnership_create
from dossier.core.access import user_flags
from dossier.core.models import Dossier
from dossier.core.services import AccessLevel, access_grant
from samenwerking.demo.content import (
    load_consultations,
    load_leersteun,
    load_leersteunvragen,
    load_sharing,
    load_signals,
)
from samenwerking.demo.history import load_history
from samenwerking.demo.people import (
    DEMO_PASSWORD,
    GRANTS,
    PARTNERS,
    PEOPLE,
    PLATFORM_ADMIN,
    SCHOOLS,
)
from samenwerking.demo.staff import load_staff


def school_year_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year if day.month >= 9 else day.year - 1, 9, 1)


class Command(BaseCommand):
    help = "Load the demo region (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the logins.")

    def handle(self, *args, quiet=False, **options):
        # Demo data is written in the platform's language, and its notifications stay quiet.
        with (
            translation.override(settings.LANGUAGE_CODE),
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        ):
            self._load()
        if not quiet:
            self._print_logins()

    @transaction.atomic
    def _load(self):
        today = timezone.localdate()
        this_year = school_year_start(today)
        long_ago = this_year.replace(year=this_year.year - 3)
        orgs: dict[str, Organisation] = {}
        for key, kind, name, number, city in PARTNERS:
            orgs[key] = self._organisation(kind=kind, name=name, number=number, city=city)
        for key, name, number, street, postcode, city in SCHOOLS:
            orgs[key] = self._organisation(
                kind=Kind.SCHOOL,
                name=name,
                number=number,
                city=city,
                street=street,
                postcode=postcode,
            )

        for key, *_rest in SCHOOLS:
            school = orgs[key]
            if key == "zuidkant":
                # Atheneum Zuidkant changed CLB at the start of this school year.
                self._partnership(
                    school, orgs["clb_other"], long_ago, this_year - datetime.timedelta(days=1)
                )
                self._partnership(school, orgs["clb"], this_year, None)
            else:
                self._partnership(school, orgs["clb"], long_ago, None)
            self._partnership(school, orgs["pbd"], long_ago, None)
            if key in ("regenboog", "sintjozef", "amands"):
                self._partnership(
                    school, orgs["lsc"], this_year.replace(year=this_year.year - 1), None
                )

        users = {}
        for email, first, last, org_key, role, _note in PEOPLE:
            user = self._user(email, first, last)
            users[email] = user
            Membership.objects.get_or_create(
                user=user,
                organisation=orgs[org_key],
                role=role,
                defaults={"start_date": long_ago, "status": Membership.Status.CONFIRMED},
            )
        admin = self._user(*PLATFORM_ADMIN)
        if not admin.is_staff:
            admin.is_staff = True
            admin.save(update_fields=["is_staff"])

        # Sara of CLB Scheldeland was given access while her CLB still served Atheneum Zuidkant.
        zuidkant = Dossier.objects.get(school=orgs["zuidkant"])
        if not self._has_grant(zuidkant, users["clb@scheldeland.demo"]):
            access_grant(
                dossier=zuidkant,
                granted_by=users["directie@zuidkant.demo"],
                access=user_flags(users["directie@zuidkant.demo"], zuidkant),
                user=users["clb@scheldeland.demo"],
                level=AccessLevel.VIEW,
                day=this_year - datetime.timedelta(days=30),
            )

        for school_key, email, level, can_manage in GRANTS:
            dossier = Dossier.objects.get(school=orgs[school_key])
            directie = (
                Membership.objects.filter(organisation=orgs[school_key], role=Role.DIRECTIE)
                .first()
                .user
            )
            if not self._has_grant(dossier, users[email]):
                access_grant(
                    dossier=dossier,
                    granted_by=directie,
                    access=user_flags(directie, dossier),
                    user=users[email],
                    level=level,
                    can_manage=can_manage,
                )

        load_signals(orgs, users)
        load_consultations(orgs, users)
        load_sharing(orgs, users)
        load_leersteun(orgs, users)
        load_leersteunvragen(orgs, users)
        # what the managers find under "Medewerkers"
        load_staff(orgs, users, password=DEMO_PASSWORD, long_ago=long_ago, this_year=this_year)
        load_history(orgs, users)  # last: it moves what the steps above wrote into the past

    @staticmethod
    def _has_grant(dossier, user) -> bool:
        return dossier.dossieruserobjectpermission_set.filter(user=user).exists()

    def _organisation(self, *, kind, name, number, city, street="", postcode=""):
        existing = Organisation.objects.filter(kind=kind, name=name).first()
        if existing:
            return existing
        return organisation_create(
            kind=kind,
            name=name,
            instellingsnummer=number,
            city=city,
            street=street,
            postcode=postcode,
        )

    def _partnership(self, school, partner, start, end):
        if Partnership.objects.filter(school=school, partner=partner, start_date=start).exists():
            return
        partnership_create(school=school, partner=partner, start_date=start, end_date=end)

    def _user(self, email, first, last):
        user = User.objects.filter(email=email).first()
        if user:
            return user
        return User.objects.create_user(
            email=email, password=DEMO_PASSWORD, first_name=first, last_name=last
        )

    def _print_logins(self):
        out = self.stdout
        out.write("")
        out.write(
            self.style.SUCCESS("Demo region loaded. Open http://127.0.0.1:8000 and log in with:")
        )
        out.write(f"  password for every demo account: {DEMO_PASSWORD}")
        width = max(len(p[0]) for p in PEOPLE) + 2
        for email, _first, _last, _org, _role, note in PEOPLE:
            out.write(f"  {email.ljust(width)}{note}")
        out.write(
            f"  {PLATFORM_ADMIN[0].ljust(width)}platform administrator (/beheer/), no dossier access"
        )
        out.write("")
