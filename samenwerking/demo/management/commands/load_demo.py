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

DEMO_PASSWORD = "demo-samenwerking"  # noqa: S105 - a public demo password, printed on purpose

PARTNERS = [
    # (key, kind, name, instellingsnummer, city)
    ("clb", Kind.CLB, "CLB Leiestreek", "129801", "Kortrijk"),
    ("clb_other", Kind.CLB, "CLB Scheldeland", "129802", "Oudenaarde"),
    ("pbd", Kind.PBD, "Pedagogische begeleiding Regio Leie", "", "Kortrijk"),
    ("lsc", Kind.LSC, "Leersteuncentrum Leie en Schelde", "", "Waregem"),
]

SCHOOLS = [
    # (key, name, instellingsnummer, street, postcode, city)
    ("regenboog", "Basisschool De Regenboog", "112233", "Lindenlaan 4", "8500", "Kortrijk"),
    ("sintjozef", "Vrije Basisschool Sint-Jozef", "112244", "Kerkstraat 12", "8530", "Harelbeke"),
    ("klavertje", "Gemeentelijke Basisschool Het Klavertje", "112255", "Dorp 2", "8520", "Kuurne"),
    ("amands", "Sint-Amandscollege", "112266", "Groeningestraat 21", "8500", "Kortrijk"),
    ("tileie", "Technisch Instituut Leie", "112277", "Vaartstraat 90", "8560", "Wevelgem"),
    ("zuidkant", "Atheneum Zuidkant", "112288", "Stationsplein 7", "8930", "Menen"),
]

PEOPLE = [
    # (email, first, last, organisation key, role, what the person can try)
    (
        "directie@regenboog.demo",
        "An",
        "Peeters",
        "regenboog",
        Role.DIRECTIE,
        "directie: reads everything of De Regenboog, manages access",
    ),
    (
        "zorg@regenboog.demo",
        "Bram",
        "Claes",
        "regenboog",
        Role.ZORGCOORDINATOR,
        "zorgcoördinator with contribute access",
    ),
    (
        "lbg@regenboog.demo",
        "Chloé",
        "Maes",
        "regenboog",
        Role.LEERLINGENBEGELEIDER,
        "leerlingenbegeleider without access yet: grant it",
    ),
    (
        "zorgleerkracht@regenboog.demo",
        "Dries",
        "Wouters",
        "regenboog",
        Role.ZORGLEERKRACHT,
        "zorgleerkracht with read access",
    ),
    (
        "leerkracht@regenboog.demo",
        "Eva",
        "Janssens",
        "regenboog",
        Role.LEERKRACHT,
        "leerkracht: can never be given access",
    ),
    (
        "secretariaat@regenboog.demo",
        "Fien",
        "Goossens",
        "regenboog",
        Role.ADMINISTRATIEF,
        "administratief medewerker: can never be given access",
    ),
    (
        "directie@sintjozef.demo",
        "Geert",
        "Mertens",
        "sintjozef",
        Role.DIRECTIE,
        "directie of Sint-Jozef",
    ),
    (
        "directie@klavertje.demo",
        "Hanne",
        "Willems",
        "klavertje",
        Role.DIRECTIE,
        "directie of Het Klavertje",
    ),
    (
        "directie@amands.demo",
        "Ilse",
        "Dubois",
        "amands",
        Role.DIRECTIE,
        "directie of Sint-Amandscollege",
    ),
    (
        "zorg@amands.demo",
        "Jonas",
        "Lambert",
        "amands",
        Role.ZORGCOORDINATOR,
        "zorgcoördinator of Sint-Amandscollege, manages access by delegation",
    ),
    ("directie@tileie.demo", "Katrien", "Dumont", "tileie", Role.DIRECTIE, "directie of TI Leie"),
    (
        "directie@zuidkant.demo",
        "Lotte",
        "Hermans",
        "zuidkant",
        Role.DIRECTIE,
        "directie of Atheneum Zuidkant (switched CLB this school year)",
    ),
    (
        "clb@leiestreek.demo",
        "Mohamed",
        "El Amrani",
        "clb",
        Role.CLB_MEDEWERKER,
        "CLB-medewerker serving all six schools",
    ),
    (
        "directeur@leiestreek.demo",
        "Nele",
        "Vermeulen",
        "clb",
        Role.CLB_DIRECTEUR,
        "CLB-directeur with read access to two schools",
    ),
    (
        "pbd@leie.demo",
        "Olivier",
        "De Smet",
        "pbd",
        Role.PBD_BEGELEIDER,
        "pedagogisch begeleider of two schools",
    ),
    (
        "anker@lsc.demo",
        "Pieter",
        "Van Damme",
        "lsc",
        Role.LSC_ANKERPERSOON,
        "LSC-ankerpersoon of De Regenboog and Sint-Jozef",
    ),
    (
        "ondersteuner@lsc.demo",
        "Quinten",
        "Desmet",
        "lsc",
        Role.LSC_ONDERSTEUNER,
        "ondersteuner without access",
    ),
    (
        "coordinator@lsc.demo",
        "Roos",
        "Verhoeven",
        "lsc",
        Role.LSC_COORDINATOR,
        "LSC-coördinator without access",
    ),
    (
        "clb@scheldeland.demo",
        "Sara",
        "Lemmens",
        "clb_other",
        Role.CLB_MEDEWERKER,
        "of another CLB: her old access to Atheneum Zuidkant ended with the partnership",
    ),
]

# (school key, person email, level, may manage access)
GRANTS = [
    *[
        (school, "clb@leiestreek.demo", AccessLevel.CONTRIBUTE, False)
        for school in ("regenboog", "sintjozef", "klavertje", "amands", "tileie", "zuidkant")
    ],
    ("regenboog", "zorg@regenboog.demo", AccessLevel.CONTRIBUTE, False),
    ("regenboog", "zorgleerkracht@regenboog.demo", AccessLevel.VIEW, False),
    ("amands", "zorg@amands.demo", AccessLevel.CONTRIBUTE, True),
    ("regenboog", "directeur@leiestreek.demo", AccessLevel.VIEW, False),
    ("amands", "directeur@leiestreek.demo", AccessLevel.VIEW, False),
    ("regenboog", "pbd@leie.demo", AccessLevel.VIEW, False),
    ("amands", "pbd@leie.demo", AccessLevel.VIEW, False),
    ("regenboog", "anker@lsc.demo", AccessLevel.CONTRIBUTE, False),
    ("sintjozef", "anker@lsc.demo", AccessLevel.CONTRIBUTE, False),
]

PLATFORM_ADMIN = ("beheer@platform.demo", "Tom", "Beheerder")

# (school, days ago, label, about, who asked, themes, question, advice)
DEMO_NOTES = [
    (
        "regenboog",
        400,
        "5A",
        "klas",
        "leerkracht",
        ["Pesten", "Welbevinden"],
        "De sfeer in 5A is grimmig; twee kinderen worden telkens buitengesloten bij groepswerk.",
        "Maak samen met de klas afspraken over samenwerken en wissel de groepen bewust af.",
    ),
    (
        "regenboog",
        200,
        "L.V. 3B",
        "leerling",
        "zorgcoordinator",
        ["Leren en studeren"],
        "Een leerling leest veel trager dan de klasgenoten; de ouders maken zich zorgen.",
        "Bied voorleessoftware aan bij toetsen en volg de leesvorderingen zes weken op.",
    ),
    (
        "regenboog",
        30,
        "5B",
        "klas",
        "leerkracht",
        ["Pesten"],
        "Ook in 5B komen er klachten over uitsluiting in de chatgroep van de klas.",
        "Bespreek de chatgroep met de ouders op het oudercontact en werk rond online omgangsvormen.",
    ),
    (
        "amands",
        90,
        "2de graad",
        "groep",
        "directie",
        ["Tucht en leerlingen die buiten gezet worden"],
        "Leerkrachten van de tweede graad zetten steeds vaker leerlingen uit de les.",
        "Spreek een vaste opvang af met een herstelgesprek in plaats van enkel buiten zetten.",
    ),
]

# (school, title, text, theme, source, [(who, kind, text)])
DEMO_SIGNALS = [
    (
        "regenboog",
        "Opvallend veel meldingen van pesten in het vijfde leerjaar",
        "Sinds de herfstvakantie meldden zes ouders bij ons dat hun kind gepest wordt, vooral "
        "op de speelplaats en in de chatgroep van de klas.",
        "Pesten",
        "Meldingen van ouders",
        [
            (
                "school",
                "duiding",
                "De klas is dit jaar samengevoegd uit twee kleinere groepen; "
                "de leerkrachten zien vooral uitsluiting tijdens de middagpauze.",
            ),
            (
                "clb",
                "advies",
                "Werk klasgericht met een no-blame-aanpak en spreek "
                "speelplaatsafspraken af met de kinderen zelf.",
            ),
        ],
    ),
    (
        "regenboog",
        "Meer leerlingen krijgen een aangepaste leerlijn in het zesde leerjaar",
        "Dit jaar krijgen opvallend veel leerlingen in het zesde een aangepaste leerlijn met "
        "het oog op 1B, terwijl daar in het vijfde geen signalen over waren.",
        "Aangepaste leerlijnen en verslagen",
        "Eigen data van het CLB",
        [],
    ),
    (
        "amands",
        "Stijging van het aantal leerlingen dat buiten gezet wordt",
        "In de LARS-registratie zien we een duidelijke stijging van het aantal leerlingen dat "
        "uit de les gezet wordt, vooral in de tweede graad.",
        "Tucht en leerlingen die buiten gezet worden",
        "LARS-registratie",
        [
            (
                "clb",
                "advies",
                "Bekijk samen met het zorgteam wat er voorafgaat aan het buiten "
                "zetten, en spreek een vast opvangmoment af.",
            )
        ],
    ),
]


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
                defaults={"start_date": long_ago},
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

        self._signals(orgs, users)
        self._consultations(orgs, users)
        self._sharing(orgs, users)

    def _sharing(self, orgs, users):
        """A shared document, an agreement halfway through its approvals, and a meeting."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        from dossier.afspraken.models import Samenwerkingsafspraak
        from dossier.afspraken.services import afspraak_approve, afspraak_create
        from dossier.documenten.models import Document
        from dossier.documenten.services import document_upload
        from dossier.overleg.models import StructureelOverleg
        from dossier.overleg.services import overleg_save
        from samenwerking.schoolyear import school_year_of

        dossier = Dossier.objects.get(school=orgs["regenboog"])
        directie = users["directie@regenboog.demo"]
        today = timezone.localdate()
        year = school_year_of(today)
        if not Document.objects.filter(dossier=dossier).exists():
            text = (
                b"Samenwerkingsafspraken Basisschool De Regenboog en CLB Leiestreek\n\n"
                b"1. Het CLB-anker is elke dinsdagvoormiddag op school.\n"
                b"2. Consultaties worden binnen twee weken ingepland.\n"
            )
            document_upload(
                dossier=dossier,
                user=directie,
                access=user_flags(directie, dossier),
                uploaded=SimpleUploadedFile("samenwerkingsafspraken.txt", text, "text/plain"),
                title="Samenwerkingsafspraken school en CLB",
                kind="samenwerkingsafspraken",
                school_year=year,
                for_clb=True,
            )
        if not Samenwerkingsafspraak.objects.filter(dossier=dossier).exists():
            afspraak = afspraak_create(
                dossier=dossier,
                user=directie,
                access=user_flags(directie, dossier),
                title="Consultatiemomenten met het CLB",
                topic="consultatie",
                evaluation_date=today + datetime.timedelta(days=20),
                summary="Het CLB houdt elke dinsdag een consultatiemoment op school.",
                parties={
                    "school": (orgs["regenboog"], "De zorgcoördinator verzamelt de vragen."),
                    "clb": (orgs["clb"], "Het CLB-anker is op dinsdag op school."),
                },
            )
            afspraak_approve(
                afspraak=afspraak, user=directie, access=user_flags(directie, afspraak.dossier)
            )
        if not StructureelOverleg.objects.filter(dossier=dossier).exists():
            overleg_save(
                dossier=dossier,
                user=directie,
                access=user_flags(directie, dossier),
                date=today - datetime.timedelta(days=14),
                school_participants="directie, zorgcoördinator",
                clb_participants="CLB-anker",
                pbd_participants="pedagogisch begeleider",
                lsc_participants="",
                data_reflected_on="Leersteunwijzer en de CLB-cijfers over pesten.",
                agenda="1. Cijfers van het CLB\n2. Professionaliseringsnoden",
                decisions="Een studiedag rond klasmanagement in het voorjaar.",
                next_meeting_date=today + datetime.timedelta(days=90),
                minutes_keeper="school",
            )

    def _consultations(self, orgs, users):
        """Consultation notes over two school years, so red threads and earlier advice show."""
        from consultatie.models import Consultatie
        from consultatie.services import consultatie_create
        from dossier.core.models import Thema

        clb = users["clb@leiestreek.demo"]
        thema = {t.name: t for t in Thema.objects.all()}
        today = timezone.localdate()
        for school_key, days_ago, label, kind, asked, themes, question, advice in DEMO_NOTES:
            dossier = Dossier.objects.get(school=orgs[school_key])
            if Consultatie.objects.filter(dossier=dossier, label=label, question=question).exists():
                continue
            consultatie_create(
                dossier=dossier,
                author=clb,
                access=user_flags(clb, dossier),
                themas=[thema[name] for name in themes],
                date=today - datetime.timedelta(days=days_ago),
                asked_by=asked,
                subject_kind=kind,
                label=label,
                question=question,
                analysis="",
                advice=advice,
                next_steps="",
                follow_up_date=None,
                other_participants="",
                status="open",
            )

    def _signals(self, orgs, users):
        """A few signals with their story, so the signal pages have something to show."""
        from dossier.core.models import Thema
        from signalen.models import Bron, Signaal
        from signalen.services import aanvulling_add, signaal_create
        from signalen.workflow import Kind

        clb = users["clb@leiestreek.demo"]
        zorg = users["zorg@regenboog.demo"]
        thema = {t.name: t for t in Thema.objects.all()}
        bron = {b.name: b for b in Bron.objects.all()}
        for school_key, title, text, theme, source, story in DEMO_SIGNALS:
            dossier = Dossier.objects.get(school=orgs[school_key])
            if Signaal.objects.filter(dossier=dossier, title=title).exists():
                continue
            author = clb if school_key != "amands" else users["clb@leiestreek.demo"]
            signaal = signaal_create(
                dossier=dossier,
                author=author,
                access=user_flags(author, dossier),
                title=title,
                text=text,
                thema=thema[theme],
                bron=bron[source],
            )
            for who, kind, body in story:
                aanvulling_add(
                    signaal=signaal,
                    author=clb if who == "clb" else zorg,
                    access=user_flags(clb if who == "clb" else zorg, signaal.dossier),
                    kind=Kind(kind),
                    text=body,
                )

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
