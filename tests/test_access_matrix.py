"""The access matrix: every persona x every URL x method -> the expected status.

The URL list comes from the resolver itself, so a new view that is not in MATRIX (or in the
admin rule below) fails ``test_every_url_is_in_the_matrix`` by itself. Each row also says which
HTTP methods the view accepts; ``test_a_view_refuses_the_methods_its_row_does_not_list`` sends
every other method, so a GET-only view that starts accepting POST fails by itself too.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import FULL_PERSONAS as PERSONAS
from conftest import FullRegion, build_full_region
from dossier.core.access import user_flags


@pytest.fixture(scope="module")
def _module_region(django_db_setup, django_db_blocker):
    """One region for the whole matrix, inside a transaction that is rolled back at the end.

    Each test runs in its own savepoint within it (pytest-django's ``db``), so what a test
    writes (a revoked grant, a new signal) is undone before the next one.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_full_region()
        transaction.set_rollback(True)


@pytest.fixture
def region(_module_region, db) -> FullRegion:
    return _module_region


LOGIN = "login"  # a redirect to the login page


# Personas whose grant on A is a read grant: they read what their side reads, and get 403 on
# every write of a section they can read.
READ_ONLY = ("pbd_begeleider_a", "clb_directeur")


def readers(ok: int) -> dict[str, object]:
    """Everyone with effective access to school A's dossier."""
    return {
        "directie_a": ok,
        "zorg_a": ok,
        "leerkracht_a": 404,
        "clb_medewerker_a": ok,
        "clb_medewerker_other": 404,
        "lsc_anker_a": ok,
        "pbd_begeleider_a": ok,
        "platform_admin": 404,
        "directie_b": 404,
        "zorgteam_manager_a": ok,
        "clb_directeur": ok,
        "lsc_coordinator_a": 404,
        "anonymous": LOGIN,
    }


def managers(ok: int) -> dict[str, object]:
    """Only the people who manage access on school A's dossier: its directie, and the zorgteam
    member to whom it delegated access management."""
    return dict.fromkeys(PERSONAS, 404) | {
        "directie_a": ok,
        "zorgteam_manager_a": ok,
        "anonymous": LOGIN,
    }


def everyone(status: int, anonymous: object = None) -> dict[str, object]:
    return dict.fromkeys(PERSONAS, status) | {"anonymous": anonymous or LOGIN}


def public(status: int) -> dict[str, object]:
    return dict.fromkeys(PERSONAS, status)


def logged_in_redirect(anonymous: int) -> dict[str, object]:
    """Pages for logged-out people (login, reset): logged-in people are sent on."""
    return dict.fromkeys(PERSONAS, 302) | {"anonymous": anonymous}


# Personas who have set up an authenticator app (partner staff, managers and platform
# administrators must).
WITH_MFA = {
    "platform_admin",
    "directie_a",
    "clb_medewerker_a",
    "clb_medewerker_other",
    "lsc_anker_a",
    "pbd_begeleider_a",
    "directie_b",
    "zorgteam_manager_a",
    "clb_directeur",
    "lsc_coordinator_a",
}


def by_mfa(with_mfa: object, without: object) -> dict[str, object]:
    """allauth's own MFA pages answer by whether the person has an authenticator."""
    return {name: (with_mfa if name in WITH_MFA else without) for name in PERSONAS} | {
        "anonymous": LOGIN
    }


# The HTTP methods a view accepts, as its decorator (or allauth's class) says. Our views are
# functions behind require_safe / require_POST / require_http_methods: a page answers HEAD as
# it answers GET (monitors and link checkers ask HEAD), and OPTIONS is refused; allauth's
# class-based views answer HEAD and OPTIONS as every Django View does.
GET = frozenset({"GET", "HEAD"})
POST = frozenset({"POST"})
GET_POST = GET | POST
ALLAUTH_PAGE = frozenset({"GET", "HEAD", "OPTIONS"})  # allauth's TemplateViews
ALLAUTH_ACTION = ALLAUTH_PAGE | POST  # allauth's Views with a get and a post
# allauth's FormViews: Django's ProcessFormView answers PUT as a POST
ALLAUTH_FORM = ALLAUTH_ACTION | {"PUT"}
# Every method test_a_view_refuses_the_methods_its_row_does_not_list sends.
SENT_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


@dataclass
class Case:
    expect: dict[str, dict[str, object]]
    # the methods the view accepts; every other one must answer 405
    methods: frozenset[str]
    kwargs: Callable[[FullRegion], dict] = field(default=lambda region: {})
    data: Callable[[FullRegion], dict] = field(default=lambda region: {})
    # who sends the refused methods, when the persona _authorised picks will not do
    method_persona: str | None = None
    # Why the refused methods cannot be seen from outside, for allauth pages that answer
    # before they look at the method (a redirect by the person's state, the closed signup):
    # ``methods`` is then what allauth's class declares, and the test checks only that every
    # method gets the same answer. Our own views check the method first and never set this.
    answers_before_method: str = ""


def dossier_a(region):
    return {"pk": region.dossier_a.pk}


def signal_readers(ok: object) -> dict[str, object]:
    """Signals: school, CLB and PBD read; the LSC does not (need-to-know)."""
    return readers(ok) | {"lsc_anker_a": 404}


def signal_writers(ok: object) -> dict[str, object]:
    """Signals: school and CLB write; the PBD and the CLB directeur read only (403); the LSC
    sees nothing (404)."""
    return signal_readers(ok) | dict.fromkeys(READ_ONLY, 403)


def pending_membership_kwargs(region):
    """A directie membership of school A that a platform administrator added: it waits."""
    from accounts.roles import Role
    from accounts.services import membership_create
    from accounts.tests.factories import LONG_AGO, UserFactory

    membership = membership_create(
        user=UserFactory(),
        organisation=region.school_a,
        role=Role.DIRECTIE,
        start_date=LONG_AGO,
        actor=region.platform_admin,
    )
    return {"pk": region.dossier_a.pk, "membership_pk": membership.pk}


def a_signal(region):
    """A signal in school A's dossier, logged by the CLB medewerker, with one advies."""
    from dossier.core.models import Thema
    from signalen.models import Bron
    from signalen.services import aanvulling_add, signaal_create

    signaal = signaal_create(
        dossier=region.dossier_a,
        author=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, region.dossier_a),
        title="Meer meldingen van pesten",
        text="Zes ouders meldden pesten sinds de herfstvakantie.",
        thema=Thema.objects.create(name="Pesten (matrix)"),
        bron=Bron.objects.create(name="Ouders (matrix)"),
    )
    aanvulling = aanvulling_add(
        signaal=signaal,
        author=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, signaal.dossier),
        kind="advies",
        text="Werk klasgericht.",
    )
    return signaal, aanvulling


def signal_kwargs(region):
    signaal, _aanvulling = a_signal(region)
    return {"pk": region.dossier_a.pk, "signaal_pk": signaal.pk}


def supplement_kwargs(region):
    signaal, aanvulling = a_signal(region)
    return {"pk": region.dossier_a.pk, "signaal_pk": signaal.pk, "aanvulling_pk": aanvulling.pk}


def note_readers(ok: object) -> dict[str, object]:
    """Consultation notes: only school and CLB; LSC and PBD get 404 even with a grant."""
    return readers(ok) | {"lsc_anker_a": 404, "pbd_begeleider_a": 404}


def note_writers(ok: object) -> dict[str, object]:
    """Only the CLB writes notes; the school reads them and adds remarks (403 on writing)."""
    return note_readers(403) | {"clb_medewerker_a": ok}


def note_kwargs(region):
    import datetime

    from consultatie.services import consultatie_create
    from dossier.core.models import Thema

    note = consultatie_create(
        dossier=region.dossier_a,
        author=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, region.dossier_a),
        themas=[Thema.objects.create(name="Welbevinden (matrix)")],
        date=datetime.date(2026, 10, 1),
        asked_by="leerkracht",
        subject_kind="klas",
        label="5A",
        question="Hoe gaan we om met de onrust in de klas?",
        advice="Werk met vaste rituelen.",
    )
    return {"pk": region.dossier_a.pk, "note_pk": note.pk}


def contributors(ok: object) -> dict[str, object]:
    """Sections everyone reads but only contributors write: the read grants get 403."""
    return readers(ok) | dict.fromkeys(READ_ONLY, 403)


def school_and_clb_item(ok: object, *, write: bool = False) -> dict[str, object]:
    """An item whose audience is the school and the CLB (the default): LSC and PBD get 404.

    On a write, the section check comes first: the PBD (read grant, outside the audience) gets
    403 there, as does the CLB directeur (in the audience, read grant).
    """
    return readers(ok) | {
        "lsc_anker_a": 404,
        "pbd_begeleider_a": 403 if write else 404,
        "clb_directeur": 403 if write else ok,
    }


def school_writes(ok: object) -> dict[str, object]:
    """The structural meeting: everyone with access reads it, only the school records it."""
    return readers(403) | {"directie_a": ok, "zorg_a": ok, "zorgteam_manager_a": ok}


def document_kwargs(region, *, deleted=False):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dossier.documenten.services import document_delete, document_upload

    document = document_upload(
        dossier=region.dossier_a,
        user=region.zorg_a,
        access=user_flags(region.zorg_a, region.dossier_a),
        uploaded=SimpleUploadedFile("afspraken.txt", b"Samenwerkingsafspraken 2026", "text/plain"),
        title="Samenwerkingsafspraken",
        kind="samenwerkingsafspraken",
        school_year="2026-2027",
    )
    if deleted:
        document_delete(
            document=document,
            user=region.zorg_a,
            access=user_flags(region.zorg_a, document.dossier),
        )
    return {"pk": region.dossier_a.pk, "document_pk": document.pk}


def download_kwargs(region):
    from dossier.documenten.models import DocumentVersie

    kwargs = document_kwargs(region)
    version = DocumentVersie.objects.get(document_id=kwargs["document_pk"])
    return kwargs | {"version_pk": version.pk}


def afspraak_kwargs(region):
    import datetime

    from dossier.afspraken.services import afspraak_create

    afspraak = afspraak_create(
        dossier=region.dossier_a,
        user=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        title="Consultatiemomenten",
        topic="consultatie",
        evaluation_date=datetime.date(2027, 6, 1),
        summary="Elke dinsdag een consultatiemoment.",
        parties={
            "school": (region.school_a, "De zorgcoördinator verzamelt de vragen."),
            "clb": (region.clb_a, "Het CLB-anker komt op dinsdag."),
        },
    )
    return {"pk": region.dossier_a.pk, "afspraak_pk": afspraak.pk}


def approved_afspraak_kwargs(region):
    """The agreement of afspraak_kwargs (school A and CLB A), approved by both."""
    from dossier.afspraken.models import Samenwerkingsafspraak
    from dossier.afspraken.services import afspraak_approve

    kwargs = afspraak_kwargs(region)
    afspraak = Samenwerkingsafspraak.objects.get(pk=kwargs["afspraak_pk"])
    for user in (region.directie_a, region.clb_medewerker_a):
        afspraak_approve(afspraak=afspraak, user=user, access=user_flags(user, region.dossier_a))
    return kwargs


# --- leersteun: the samenwerkingsgesprek --------------------------------------------------------


def leersteun_readers(ok: object) -> dict[str, object]:
    """Samenwerkingsgesprek: school and LSC read and write, the CLB reads, the PBD gets 404."""
    return readers(ok) | {"pbd_begeleider_a": 404}


def leersteun_writers(ok: object) -> dict[str, object]:
    """School and LSC write; the CLB (medewerker and directeur) reads only: 403."""
    return leersteun_readers(ok) | {"clb_medewerker_a": 403, "clb_directeur": 403}


def a_gesprek(region, *, with_last_year=False):
    """This year's conversation of LSC A with school A, on a small own template of LSC A:
    a school question, a confidential one and an LSC question (and last year's conversation
    with one agreement, when asked)."""
    from leersteun.services.gesprek import afspraak_add, gesprek_start, previous_school_year
    from leersteun.tests.factories import (
        OnderdeelFactory,
        SjabloonFactory,
        SjabloonVersieFactory,
        VraagFactory,
    )

    versie = SjabloonVersieFactory(sjabloon=SjabloonFactory(lsc=region.lsc_a), published=True)
    part = OnderdeelFactory(versie=versie, title="Praktisch")
    school = VraagFactory(onderdeel=part, text="Schooluren")
    confidential = VraagFactory(onderdeel=part, text="Wificode", confidential=True)
    VraagFactory(onderdeel=part, text="Ondersteuners", filled_by="lsc")
    access = user_flags(region.lsc_anker_a, region.dossier_a)
    previous = afspraak = None
    if with_last_year:
        previous = gesprek_start(
            dossier=region.dossier_a,
            user=region.lsc_anker_a,
            access=access,
            school_year=previous_school_year(_this_school_year()),
        )
        afspraak = afspraak_add(
            gesprek=previous,
            user=region.lsc_anker_a,
            access=access,
            what="Overleg per trimester",
            partner="both",
        )
    gesprek = gesprek_start(dossier=region.dossier_a, user=region.lsc_anker_a, access=access)
    return gesprek, part, school, confidential, afspraak


def _this_school_year():
    from django.utils import timezone

    from samenwerking.schoolyear import school_year_of

    return school_year_of(timezone.localdate())


def gesprek_kwargs(region):
    gesprek, *_rest = a_gesprek(region)
    return {"pk": region.dossier_a.pk, "gesprek_pk": gesprek.pk}


def gesprek_part_kwargs(region):
    gesprek, part, *_rest = a_gesprek(region)
    return {"pk": region.dossier_a.pk, "gesprek_pk": gesprek.pk, "onderdeel_pk": part.pk}


def gesprek_school_question_kwargs(region):
    gesprek, _part, school, *_rest = a_gesprek(region)
    return {"pk": region.dossier_a.pk, "gesprek_pk": gesprek.pk, "vraag_pk": school.pk}


def gesprek_confidential_kwargs(region):
    gesprek, _part, _school, confidential, _afspraak = a_gesprek(region)
    return {"pk": region.dossier_a.pk, "gesprek_pk": gesprek.pk, "vraag_pk": confidential.pk}


def gesprek_last_year_afspraak_kwargs(region):
    gesprek, *_rest, afspraak = a_gesprek(region, with_last_year=True)
    return {"pk": region.dossier_a.pk, "gesprek_pk": gesprek.pk, "afspraak_pk": afspraak.pk}


def gesprek_afspraak_kwargs(region):
    from leersteun.services.gesprek import afspraak_add

    gesprek, *_rest = a_gesprek(region)
    afspraak = afspraak_add(
        gesprek=gesprek,
        user=region.lsc_anker_a,
        access=user_flags(region.lsc_anker_a, region.dossier_a),
        what="Teamvorming UDL",
        partner="lsc",
    )
    return {"pk": region.dossier_a.pk, "gesprek_pk": gesprek.pk, "afspraak_pk": afspraak.pk}


def overleg_kwargs(region):
    import datetime

    from dossier.overleg.services import overleg_save

    overleg = overleg_save(
        dossier=region.dossier_a,
        user=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        date=datetime.date(2026, 10, 1),
        agenda="Cijfers van het CLB",
        minutes_keeper="school",
    )
    return {"pk": region.dossier_a.pk, "overleg_pk": overleg.pk}


def a_report(region, status="done"):
    from django.core.files.base import ContentFile

    from dossier.rapporten.models import Report

    report = Report.objects.create(
        dossier=region.dossier_a,
        kind="signalenoverzicht",
        school_year="2025-2026",
        requested_by=region.directie_a,
        status=status,
    )
    if status == "done":
        report.file.save("matrix.pdf", ContentFile(b"%PDF-1.4 matrix"), save=True)
    return {"pk": region.dossier_a.pk, "reference": report.reference}


def an_organisation_report(region, status="done"):
    """CLB A's doorlichting across its schools, asked for by its directeur."""
    from django.core.files.base import ContentFile

    from dossier.rapporten.models import Report

    report = Report.objects.create(
        organisation=region.clb_a,
        kind="doorlichting_clb",
        school_year="2025-2026",
        requested_by=region.clb_directeur,
        status=status,
    )
    if status == "done":
        report.file.save("matrix.pdf", ContentFile(b"%PDF-1.4 matrix"), save=True)
    return {"organisation_id": region.clb_a.pk, "reference": report.reference}


# --- leersteun: the LSC's conversation template ------------------------------------------------


def template_readers(ok: object) -> dict[str, object]:
    """LSC A's template: every staff member of LSC A reads it; nobody else (404)."""
    return dict.fromkeys(PERSONAS, 404) | {
        "lsc_anker_a": ok,
        "lsc_coordinator_a": ok,
        "anonymous": LOGIN,
    }


def template_writers(ok: object) -> dict[str, object]:
    """Only LSC A's coördinator adapts it; its other staff get 403."""
    return template_readers(403) | {"lsc_coordinator_a": ok}


def template_draft_kwargs(region, *, part=False, question=False):
    """A draft of LSC A's template, copied from the starter (with a part or a question)."""
    from leersteun.services.sjablonen import sjabloon_draft_start

    draft, _created = sjabloon_draft_start(lsc=region.lsc_a, user=region.lsc_coordinator_a)
    kwargs = {"lsc_pk": region.lsc_a.pk, "versie_pk": draft.pk}
    onderdeel = draft.onderdelen.order_by("position").first()
    if part:
        kwargs["onderdeel_pk"] = onderdeel.pk
    if question:
        kwargs["vraag_pk"] = onderdeel.vragen.order_by("position").first().pk
    return kwargs


def template_lsc_kwargs(region, *, with_draft=False):
    if with_draft:
        template_draft_kwargs(region)
    return {"lsc_pk": region.lsc_a.pk}


# --- leersteun: leersteunvragen (helpers: vragen) -----------------------------------------------


def vraag_kwargs(region):
    """A leersteunvraag of school A to LSC A, just registered by its zorgcoördinator."""
    from leersteun.services.vragen import vraag_register

    vraag = vraag_register(
        dossier=region.dossier_a,
        user=region.zorg_a,
        access=user_flags(region.zorg_a, region.dossier_a),
        level="leerkracht",
        owner="leerkracht",
        label="L3-klasmanagement",
        leervraag="Hoe houden we de rust in een drukke klas?",
        domains=["coaching"],
    )
    return {"pk": region.dossier_a.pk, "vraag_pk": vraag.pk}


def vraag_lsc_only(ok: object) -> dict[str, object]:
    """Screening and decisions: the LSC; the school writes but is refused (403), the CLB 403."""
    return leersteun_writers(ok) | dict.fromkeys(
        ("directie_a", "zorg_a", "zorgteam_manager_a"), 403
    )


# --- leersteun: filters, clusters, the LSC's question list (helpers: clusters) -----------------


def lsc_staff(ok: object) -> dict[str, object]:
    """LSC A's clusters and question list: its staff; everyone else 404, platform
    administrators included."""
    return everyone(404) | {"lsc_anker_a": ok, "lsc_coordinator_a": ok}


def filter_kwargs(region):
    """A filter of a draft of LSC A's template (copied from the starter's)."""
    kwargs = template_draft_kwargs(region)
    from leersteun.models import Filter

    kwargs["filter_pk"] = Filter.objects.filter(versie_id=kwargs["versie_pk"]).first().pk
    return kwargs


def cluster_kwargs(region, *, vraag=False):
    """A cluster of LSC A (and, when asked, a question of school A, not in it)."""
    from leersteun.models import Cluster

    cluster = Cluster.objects.create(
        lsc=region.lsc_a, title="Leesclub", approach="schoolteam", created_by=region.lsc_anker_a
    )
    kwargs = {"lsc_pk": region.lsc_a.pk, "cluster_pk": cluster.pk}
    if vraag:
        kwargs["vraag_pk"] = vraag_kwargs(region)["vraag_pk"]
    return kwargs


# --- leersteun: the leersteunraad of LSC A (helpers: raad) --------------------------------------


def raad_readers(ok: object) -> dict[str, object]:
    """LSC A's council: its staff and the directie of its school A read; nobody else (404),
    platform administrators included."""
    return dict.fromkeys(PERSONAS, 404) | {
        "lsc_anker_a": ok,
        "lsc_coordinator_a": ok,
        "directie_a": ok,
        "anonymous": LOGIN,
    }


def raad_writers(ok: object) -> dict[str, object]:
    """Only LSC A's coördinator writes; the other readers get 403."""
    return raad_readers(403) | {"lsc_coordinator_a": ok}


def raad_designators(ok: object) -> dict[str, object]:
    """School A's seat: only school A's directie designates who sits there."""
    return raad_readers(403) | {"directie_a": ok}


def raad_kwargs(region, *, lid=False, vergadering=False, regel=False, school=False):
    from leersteun.services.raad import lid_add, regel_save, vergadering_save

    kwargs = {"lsc_pk": region.lsc_a.pk}
    coordinator = region.lsc_coordinator_a
    if lid:
        kwargs["lid_pk"] = lid_add(
            lsc=region.lsc_a, user=coordinator, kind="ouders", name="Ouderraad"
        ).pk
    if vergadering:
        kwargs["vergadering_pk"] = vergadering_save(
            lsc=region.lsc_a, user=coordinator, date=_today(), agenda="Uren"
        ).pk
    if regel:
        kwargs["regel_pk"] = regel_save(lsc=region.lsc_a, user=coordinator, title="R", text="T").pk
    if school:
        kwargs["school_pk"] = region.school_a.pk
    return kwargs


def _today():
    from django.utils import timezone

    return timezone.localdate()


def raad_document_kwargs(region):
    """A meeting of LSC A's council with one plain-text document."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from leersteun.models import RaadVergadering
    from leersteun.services.raad import raad_document_add

    kwargs = raad_kwargs(region, vergadering=True)
    document = raad_document_add(
        vergadering=RaadVergadering.objects.get(pk=kwargs["vergadering_pk"]),
        user=region.lsc_coordinator_a,
        title="Cijfers",
        uploaded=SimpleUploadedFile("cijfers.txt", b"Uren per school\n", "text/plain"),
    )
    return kwargs | {"document_pk": document.pk}


# --- the staff of an organisation, managed by it (dossier.medewerkers) ---------------------


def staff_managers(ok: object) -> dict[str, object]:
    """CLB A's staff pages: only its directeur manages its people; everyone else 404, CLB A's
    own medewerker and platform administrators included."""
    return everyone(404) | {"clb_directeur": ok}


def clb_a_staff(region):
    return {"org_pk": region.clb_a.pk}


def clb_a_invitation(region):
    """An open invitation of CLB A, made by its directeur."""
    from accounts.roles import Role
    from dossier.core.access.organisations import people_manager
    from dossier.medewerkers.services import invitation_create

    invitation = invitation_create(
        manager=people_manager(region.clb_directeur, region.clb_a.pk),
        organisation=region.clb_a,
        email="uitgenodigd@clbleie.be",
        first_name="Uma",
        last_name="Uitgenodigd",
        role=Role.CLB_MEDEWERKER,
        start_date=_today(),
        actor=region.clb_directeur,
    )
    return {"org_pk": region.clb_a.pk, "invitation_pk": invitation.pk}


def clb_a_membership(region):
    """The membership of CLB A's medewerker: its directeur changes and ends it."""
    from accounts.models import Membership

    membership = Membership.objects.get(user=region.clb_medewerker_a, organisation=region.clb_a)
    return {"org_pk": region.clb_a.pk, "membership_pk": membership.pk}


def invitation_link(region):
    """The link of an open invitation of CLB A for an address without an account."""
    import datetime

    from django.utils import timezone

    from accounts.roles import Role
    from dossier.medewerkers.models import Invitation
    from dossier.medewerkers.services import token_hash

    token = "matrix-uitnodiging-" + "x" * 24
    Invitation.objects.create(
        organisation=region.clb_a,
        email="nieuw@clbleie.be",
        first_name="Nora",
        last_name="Nieuwe",
        role=Role.CLB_MEDEWERKER,
        start_date=_today(),
        token_hash=token_hash(token),
        expires_at=timezone.now() + datetime.timedelta(days=1),
        created_by=region.clb_directeur,
    )
    return {"token": token}


MATRIX: dict[str, Case] = {
    # --- the dossier ---------------------------------------------------------------------------
    "dossier:mijn_dossiers": Case({"GET": everyone(200), "POST": everyone(405)}, GET),
    "dossier:overview": Case({"GET": readers(200), "POST": everyone(405)}, GET, kwargs=dossier_a),
    # --- access management and audit log -------------------------------------------------------
    "dossier:toegangsbeheer": Case(
        # an empty POST is a form error (400) for the managers, a 404 for everyone else
        {"GET": managers(200), "POST": managers(400)},
        GET_POST,
        kwargs=dossier_a,
    ),
    "dossier:access_revoke": Case(
        {"POST": managers(302), "GET": everyone(405)},
        POST,
        kwargs=lambda region: {"pk": region.dossier_a.pk, "user_pk": region.pbd_begeleider_a.pk},
    ),
    "dossier:memberships_pending": Case({"GET": managers(200)}, GET, kwargs=dossier_a),
    # a POST without a decision is refused with a message and sent back to the list
    "dossier:membership_decide": Case(
        {"POST": managers(302), "GET": everyone(405)}, POST, kwargs=pending_membership_kwargs
    ),
    "dossier:auditlog": Case({"GET": managers(200)}, GET, kwargs=dossier_a),
    "dossier:auditlog_export": Case({"GET": managers(200)}, GET, kwargs=dossier_a),
    # --- signals -------------------------------------------------------------------------------
    "signalen:my_schools": Case({"GET": everyone(200), "POST": everyone(405)}, GET),
    "signalen:list": Case({"GET": signal_readers(200)}, GET, kwargs=dossier_a),
    "signalen:create": Case(
        {"GET": signal_writers(200), "POST": signal_writers(400)}, GET_POST, kwargs=dossier_a
    ),
    "signalen:detail": Case({"GET": signal_readers(200)}, GET, kwargs=signal_kwargs),
    "signalen:edit": Case(
        {"GET": signal_writers(200), "POST": signal_writers(400)}, GET_POST, kwargs=signal_kwargs
    ),
    "signalen:aanvulling_add": Case(
        {"POST": signal_writers(400), "GET": everyone(405)}, POST, kwargs=signal_kwargs
    ),
    # only the author of a supplement corrects it; other writers get 403
    "signalen:aanvulling_correct": Case(
        {"GET": signal_writers(403) | {"clb_medewerker_a": 200}},
        GET_POST,
        kwargs=supplement_kwargs,
    ),
    "signalen:status": Case(
        {"POST": signal_writers(400), "GET": everyone(405)}, POST, kwargs=signal_kwargs
    ),
    # --- consultations -------------------------------------------------------------------------
    "consultatie:list": Case({"GET": note_readers(200)}, GET, kwargs=dossier_a),
    "consultatie:create": Case(
        {"GET": note_writers(200), "POST": note_writers(400)}, GET_POST, kwargs=dossier_a
    ),
    "consultatie:detail": Case({"GET": note_readers(200)}, GET, kwargs=note_kwargs),
    "consultatie:edit": Case(
        {"GET": note_writers(200), "POST": note_writers(400)}, GET_POST, kwargs=note_kwargs
    ),
    # school and CLB add remarks (an empty one is refused with a message); a read grant may not
    "consultatie:opmerking_add": Case(
        {"POST": note_readers(302) | {"clb_directeur": 403}, "GET": everyone(405)},
        POST,
        kwargs=note_kwargs,
    ),
    "consultatie:client_relationship": Case(
        {"POST": note_writers(302), "GET": everyone(405)}, POST, kwargs=note_kwargs
    ),
    "consultatie:earlier": Case({"GET": note_readers(200)}, GET, kwargs=dossier_a),
    "consultatie:themes": Case({"GET": note_readers(200)}, GET, kwargs=dossier_a),
    "consultatie:my_themes": Case({"GET": everyone(200)}, GET),
    # only a CLB directeur words the CLB's conversation guide; an empty POST is a form error
    "consultatie:guide": Case(
        {
            "GET": everyone(404) | {"clb_directeur": 200},
            "POST": everyone(404) | {"clb_directeur": 400},
        },
        GET_POST,
    ),
    # --- shared documents ------------------------------------------------------------------------
    "documenten:documents": Case({"GET": readers(200)}, GET, kwargs=dossier_a),
    "documenten:document_upload": Case(
        {"GET": contributors(200), "POST": contributors(400)}, GET_POST, kwargs=dossier_a
    ),
    "documenten:document_bin": Case({"GET": contributors(200)}, GET, kwargs=dossier_a),
    # the document's audience is school + CLB: LSC and PBD never see it
    "documenten:document_detail": Case(
        {"GET": school_and_clb_item(200), "POST": school_and_clb_item(400, write=True)},
        GET_POST,
        kwargs=document_kwargs,
    ),
    "documenten:document_download": Case(
        {"GET": school_and_clb_item(200)}, GET, kwargs=download_kwargs
    ),
    "documenten:document_delete": Case(
        # GET asks to confirm (nothing is deleted), with the same access as the POST
        {"POST": school_and_clb_item(302, write=True), "GET": school_and_clb_item(200, write=True)},
        GET_POST,
        kwargs=document_kwargs,
    ),
    "documenten:document_restore": Case(
        {"POST": school_and_clb_item(302, write=True)},
        POST,
        kwargs=lambda region: document_kwargs(region, deleted=True),
    ),
    # --- samenwerkingsafspraken ------------------------------------------------------------------
    "afspraken:afspraken": Case({"GET": readers(200)}, GET, kwargs=dossier_a),
    "afspraken:afspraak_create": Case(
        {"GET": contributors(200), "POST": contributors(400)}, GET_POST, kwargs=dossier_a
    ),
    # the agreement binds the school and the CLB: LSC and PBD never see it
    "afspraken:afspraak_detail": Case(
        {"GET": school_and_clb_item(200)}, GET, kwargs=afspraak_kwargs
    ),
    "afspraken:afspraak_change": Case(
        {
            "GET": school_and_clb_item(200, write=True),
            "POST": school_and_clb_item(400, write=True),
        },
        GET_POST,
        kwargs=afspraak_kwargs,
    ),
    "afspraken:afspraak_approve": Case(
        {"POST": school_and_clb_item(302, write=True), "GET": everyone(405)},
        POST,
        kwargs=afspraak_kwargs,
    ),
    "afspraken:afspraak_status": Case(
        {"POST": school_and_clb_item(302, write=True)}, POST, kwargs=afspraak_kwargs
    ),
    # the approved version's PDF: every reader it binds asks for it (read
    # grants too); then on to the reports page. LSC and PBD, whom it does not bind: 404
    "afspraken:afspraak_report": Case(
        {"POST": school_and_clb_item(302), "GET": everyone(405)},
        POST,
        kwargs=approved_afspraak_kwargs,
    ),
    # --- leersteun: the samenwerkingsgesprek in a dossier --------------------------------------
    # (rows: conversation)
    "leersteun:gesprekken": Case({"GET": leersteun_readers(200)}, GET, kwargs=dossier_a),
    # only the LSC starts one (the school's side writes, but is refused by the service: 403)
    "leersteun:gesprek_start": Case(
        {"POST": leersteun_writers(403) | {"lsc_anker_a": 302}}, POST, kwargs=dossier_a
    ),
    "leersteun:gesprek": Case({"GET": leersteun_readers(200)}, GET, kwargs=gesprek_kwargs),
    "leersteun:gesprek_part": Case(
        {"GET": leersteun_writers(200), "POST": leersteun_writers(302)},
        GET_POST,
        kwargs=gesprek_part_kwargs,
    ),
    # a school question: the LSC may not confirm it (403)
    "leersteun:answer_confirm": Case(
        {"POST": leersteun_writers(302) | {"lsc_anker_a": 403}},
        POST,
        kwargs=gesprek_school_question_kwargs,
    ),
    # confidential answers: school and LSC; the CLB never (404)
    "leersteun:answer_reveal": Case(
        {"POST": leersteun_readers(200) | {"clb_medewerker_a": 404, "clb_directeur": 404}},
        POST,
        kwargs=gesprek_confidential_kwargs,
    ),
    # open conversation: to the part's form (302); not the LSC's question to correct (404)
    "leersteun:answer_correct": Case(
        {
            "GET": leersteun_writers(302) | {"lsc_anker_a": 404},
            "POST": leersteun_writers(302) | {"lsc_anker_a": 404},
        },
        GET_POST,
        kwargs=gesprek_school_question_kwargs,
    ),
    "leersteun:gesprek_plan": Case(
        {"GET": leersteun_writers(200), "POST": leersteun_writers(400)},
        GET_POST,
        kwargs=gesprek_kwargs,
    ),
    "leersteun:gesprek_status": Case({"POST": leersteun_writers(302)}, POST, kwargs=gesprek_kwargs),
    "leersteun:afspraak_add": Case(
        {"GET": leersteun_writers(200), "POST": leersteun_writers(400)},
        GET_POST,
        kwargs=gesprek_kwargs,
    ),
    "leersteun:afspraak_evaluate": Case(
        {"POST": leersteun_writers(302)}, POST, kwargs=gesprek_last_year_afspraak_kwargs
    ),
    "leersteun:afspraak_promote": Case(
        {"POST": leersteun_writers(302)}, POST, kwargs=gesprek_afspraak_kwargs
    ),
    # --- leersteun: the conversation's PDF -------------------------------------------------------
    # (rows: report)
    # every reader of the conversation asks for its PDF (the CLB's never holds the
    # confidential answers); then on to the reports page
    "leersteun:gesprek_report": Case(
        {"POST": leersteun_readers(302), "GET": everyone(405)}, POST, kwargs=gesprek_kwargs
    ),
    # --- leersteun: the ankerpersoon's overview ----------------------------------------------------
    # (rows: overview)
    # the staff of LSC A open it (the coördinator lists no school: no grant); everyone else,
    # platform administrators included, gets 404
    "leersteun:overzicht": Case(
        {"GET": everyone(404) | {"lsc_anker_a": 200, "lsc_coordinator_a": 200}},
        GET,
        kwargs=lambda region: {"lsc_pk": region.lsc_a.pk},
    ),
    # an empty choice is a message and a redirect back to the overview
    "leersteun:overzicht_start": Case(
        {
            "POST": everyone(404) | {"lsc_anker_a": 302, "lsc_coordinator_a": 302},
            "GET": everyone(405),
        },
        POST,
        kwargs=lambda region: {"lsc_pk": region.lsc_a.pk},
    ),
    # --- leersteun: the LSC's conversation template ------------------------------------------------
    # (rows: templates)
    "leersteun:sjabloon": Case({"GET": template_readers(200)}, GET, kwargs=template_lsc_kwargs),
    "leersteun:draft_start": Case(
        {"POST": template_writers(302)}, POST, kwargs=template_lsc_kwargs
    ),
    "leersteun:versie_diff": Case(
        {"GET": template_readers(200)},
        GET,
        kwargs=lambda region: template_lsc_kwargs(region, with_draft=True),
    ),
    "leersteun:versie": Case({"GET": template_readers(200)}, GET, kwargs=template_draft_kwargs),
    "leersteun:versie_publish": Case(
        {"POST": template_writers(302)}, POST, kwargs=template_draft_kwargs
    ),
    "leersteun:onderdeel_add": Case(
        {"GET": template_writers(200), "POST": template_writers(400)},
        GET_POST,
        kwargs=template_draft_kwargs,
    ),
    "leersteun:onderdeel_edit": Case(
        {"GET": template_writers(200), "POST": template_writers(400)},
        GET_POST,
        kwargs=lambda region: template_draft_kwargs(region, part=True),
    ),
    "leersteun:onderdeel_delete": Case(
        {"POST": template_writers(302)},
        POST,
        kwargs=lambda region: template_draft_kwargs(region, part=True),
    ),
    "leersteun:onderdeel_move": Case(
        {"POST": template_writers(302)},
        POST,
        kwargs=lambda region: template_draft_kwargs(region, part=True),
        data=lambda region: {"direction": "down"},
    ),
    "leersteun:vraag_add": Case(
        {"GET": template_writers(200), "POST": template_writers(400)},
        GET_POST,
        kwargs=lambda region: template_draft_kwargs(region, part=True),
    ),
    "leersteun:vraag_edit": Case(
        {"GET": template_writers(200), "POST": template_writers(400)},
        GET_POST,
        kwargs=lambda region: template_draft_kwargs(region, question=True),
    ),
    "leersteun:vraag_delete": Case(
        {"POST": template_writers(302)},
        POST,
        kwargs=lambda region: template_draft_kwargs(region, question=True),
    ),
    "leersteun:vraag_move": Case(
        {"POST": template_writers(302)},
        POST,
        kwargs=lambda region: template_draft_kwargs(region, question=True),
        data=lambda region: {"direction": "down"},
    ),
    # (rows: vragen)
    "leersteun:vragen": Case({"GET": leersteun_readers(200)}, GET, kwargs=dossier_a),
    # an empty form is a 400 for the school and the LSC
    "leersteun:vraag_create": Case(
        {"GET": leersteun_writers(200), "POST": leersteun_writers(400)},
        GET_POST,
        kwargs=dossier_a,
    ),
    "leersteun:vraag": Case({"GET": leersteun_readers(200)}, GET, kwargs=vraag_kwargs),
    "leersteun:vraag_change": Case(
        {"GET": leersteun_writers(200), "POST": leersteun_writers(400)},
        GET_POST,
        kwargs=vraag_kwargs,
    ),
    "leersteun:vraag_screen": Case(
        {"GET": vraag_lsc_only(200), "POST": vraag_lsc_only(400)},
        GET_POST,
        kwargs=vraag_kwargs,
    ),
    # an empty move is a message and a redirect back to the question
    "leersteun:vraag_status": Case({"POST": vraag_lsc_only(302)}, POST, kwargs=vraag_kwargs),
    # (rows: raad)
    "leersteun:raad": Case({"GET": raad_readers(200)}, GET, kwargs=raad_kwargs),
    "leersteun:raad_cijfers": Case({"GET": raad_readers(200)}, GET, kwargs=raad_kwargs),
    # an empty form is a 400 for the coördinator
    "leersteun:raad_lid_add": Case(
        {"GET": raad_writers(200), "POST": raad_writers(400)}, GET_POST, kwargs=raad_kwargs
    ),
    "leersteun:raad_lid_end": Case(
        {"POST": raad_writers(302)}, POST, kwargs=lambda region: raad_kwargs(region, lid=True)
    ),
    # an empty choice gives the seat back to the directie: a redirect
    "leersteun:raad_afgevaardigde": Case(
        {"GET": raad_designators(200), "POST": raad_designators(302)},
        GET_POST,
        kwargs=lambda region: raad_kwargs(region, school=True),
    ),
    "leersteun:raad_vergadering_add": Case(
        {"GET": raad_writers(200), "POST": raad_writers(400)}, GET_POST, kwargs=raad_kwargs
    ),
    "leersteun:raad_vergadering": Case(
        {"GET": raad_readers(200)},
        GET,
        kwargs=lambda region: raad_kwargs(region, vergadering=True),
    ),
    # an empty POST: the form's errors (400); a reader's POST 403
    "leersteun:raad_document_add": Case(
        {"POST": raad_writers(400)},
        POST,
        kwargs=lambda region: raad_kwargs(region, vergadering=True),
    ),
    "leersteun:raad_document": Case({"GET": raad_readers(200)}, GET, kwargs=raad_document_kwargs),
    "leersteun:raad_document_delete": Case(
        {"POST": raad_writers(302)}, POST, kwargs=raad_document_kwargs
    ),
    "leersteun:raad_vergadering_edit": Case(
        {"GET": raad_writers(200), "POST": raad_writers(400)},
        GET_POST,
        kwargs=lambda region: raad_kwargs(region, vergadering=True),
    ),
    "leersteun:raad_regel_add": Case(
        {"GET": raad_writers(200), "POST": raad_writers(400)}, GET_POST, kwargs=raad_kwargs
    ),
    "leersteun:raad_regel_edit": Case(
        {"GET": raad_writers(200), "POST": raad_writers(400)},
        GET_POST,
        kwargs=lambda region: raad_kwargs(region, regel=True),
    ),
    # (rows: capacity)
    # priority, ondersteuner and hours of a question: its LSC only; the school reads (403)
    "leersteun:vraag_assign": Case(
        {"POST": vraag_lsc_only(302), "GET": everyone(405)},
        POST,
        kwargs=vraag_kwargs,
        data=lambda region: {"priority": "hoog"},
    ),
    # the coördinator (every school) and the ankerpersonen (their schools); only the
    # coördinator sets the hours (an empty form: nothing changes, a redirect); the rest 404,
    # platform administrators included
    "leersteun:capaciteit": Case(
        {
            "GET": everyone(404) | {"lsc_anker_a": 200, "lsc_coordinator_a": 200},
            "POST": everyone(404) | {"lsc_anker_a": 403, "lsc_coordinator_a": 302},
        },
        GET_POST,
        kwargs=lambda region: {"lsc_pk": region.lsc_a.pk},
    ),
    # what is assigned to the person: every staff member of the LSC opens it
    "leersteun:mijn_vragen": Case(
        {"GET": everyone(404) | {"lsc_anker_a": 200, "lsc_coordinator_a": 200}},
        GET,
        kwargs=lambda region: {"lsc_pk": region.lsc_a.pk},
    ),
    # (rows: clusters)
    # the filters of a draft: like its parts, only the coördinator (an empty form: 400)
    "leersteun:filter_add": Case(
        {"GET": template_writers(200), "POST": template_writers(400)},
        GET_POST,
        kwargs=template_draft_kwargs,
    ),
    "leersteun:filter_edit": Case(
        {"GET": template_writers(200), "POST": template_writers(400)},
        GET_POST,
        kwargs=filter_kwargs,
    ),
    "leersteun:filter_delete": Case({"POST": template_writers(302)}, POST, kwargs=filter_kwargs),
    "leersteun:filter_move": Case(
        {"POST": template_writers(302)},
        POST,
        kwargs=filter_kwargs,
        data=lambda region: {"direction": "down"},
    ),
    # clusters: LSC A's staff read; its ankerpersonen and coördinator write (an empty form:
    # 400; an empty or refused choice of question: a message and a redirect)
    "leersteun:clusters": Case(
        {"GET": lsc_staff(200)}, GET, kwargs=lambda region: {"lsc_pk": region.lsc_a.pk}
    ),
    "leersteun:cluster_create": Case(
        {"GET": lsc_staff(200), "POST": lsc_staff(400)},
        GET_POST,
        kwargs=lambda region: {"lsc_pk": region.lsc_a.pk},
    ),
    "leersteun:cluster": Case({"GET": lsc_staff(200)}, GET, kwargs=cluster_kwargs),
    "leersteun:cluster_edit": Case(
        {"GET": lsc_staff(200), "POST": lsc_staff(400)}, GET_POST, kwargs=cluster_kwargs
    ),
    "leersteun:cluster_vraag_add": Case({"POST": lsc_staff(302)}, POST, kwargs=cluster_kwargs),
    "leersteun:cluster_vraag_remove": Case(
        {"POST": lsc_staff(302)}, POST, kwargs=lambda region: cluster_kwargs(region, vraag=True)
    ),
    "leersteun:vraag_cluster": Case(
        {"POST": lsc_staff(302)},
        POST,
        kwargs=lambda region: {
            "lsc_pk": region.lsc_a.pk,
            "vraag_pk": vraag_kwargs(region)["vraag_pk"],
        },
    ),
    # the LSC's questions across its schools (only the readable ones) and their CSV
    "leersteun:vragen_lsc": Case(
        {"GET": lsc_staff(200)}, GET, kwargs=lambda region: {"lsc_pk": region.lsc_a.pk}
    ),
    "leersteun:vragen_lsc_export": Case(
        {"GET": lsc_staff(200)}, GET, kwargs=lambda region: {"lsc_pk": region.lsc_a.pk}
    ),
    # --- structureel overleg ---------------------------------------------------------------------
    "overleg:overleggen": Case({"GET": readers(200)}, GET, kwargs=dossier_a),
    "overleg:overleg_create": Case(
        {"GET": school_writes(200), "POST": school_writes(400)}, GET_POST, kwargs=dossier_a
    ),
    "overleg:overleg_detail": Case({"GET": readers(200)}, GET, kwargs=overleg_kwargs),
    "overleg:overleg_edit": Case(
        {"GET": school_writes(200), "POST": school_writes(400)}, GET_POST, kwargs=overleg_kwargs
    ),
    # the minutes as a PDF: for every reader of the meeting (read grants too)
    "overleg:overleg_report": Case(
        {"POST": readers(302), "GET": everyone(405)}, POST, kwargs=overleg_kwargs
    ),
    # --- search ----------------------------------------------------------------------------------
    "zoeken:zoeken": Case({"GET": everyone(200)}, GET),
    # --- reports -------------------------------------------------------------------------------
    # the reports page lists the kinds a person may read: the signal overview, and the
    # samenwerkingsgesprek for the LSC (asked for from the conversation)
    "rapporten:reports": Case(
        {"GET": readers(200), "POST": readers(302)}, GET_POST, kwargs=dossier_a
    ),
    # a report (the directie's) is addressed by its random reference: any reader of its
    # section who has the reference may follow and download it
    "rapporten:report_status": Case({"GET": signal_readers(200)}, GET, kwargs=a_report),
    "rapporten:report_download": Case({"GET": signal_readers(200)}, GET, kwargs=a_report),
    # the retry is for the requester and whoever writes the section; read-only partners: 403
    "rapporten:report_retry": Case(
        {"POST": signal_writers(302), "GET": everyone(405)},
        POST,
        kwargs=lambda region: a_report(region, status="failed"),
    ),
    # a school's doorlichting: for the school and its CLB (who read the consultations); the
    # PDF is asked for on the page (a POST without a school year only goes back to it) and a
    # CSV without a school year goes back to the page too
    "rapporten:doorlichting": Case(
        {"GET": note_readers(200), "POST": note_readers(302)}, GET_POST, kwargs=dossier_a
    ),
    "rapporten:doorlichting_csv": Case(
        {"GET": note_readers(302)},
        GET,
        kwargs=lambda region: {"pk": region.dossier_a.pk, "part": "signalen"},
    ),
    # the CLB's doorlichting across its schools: for its directeur only (figures, no grant)
    "rapporten:clb_doorlichting": Case(
        {"GET": staff_managers(200), "POST": staff_managers(302)},
        GET_POST,
        kwargs=lambda region: {"organisation_id": region.clb_a.pk},
    ),
    "rapporten:clb_doorlichting_csv": Case(
        {"GET": staff_managers(302)},
        GET,
        kwargs=lambda region: {"organisation_id": region.clb_a.pk, "part": "signalen"},
    ),
    # an organisation's report is its requester's alone (the CLB directeur's)
    "rapporten:organisation_report_status": Case(
        {"GET": staff_managers(200)}, GET, kwargs=an_organisation_report
    ),
    "rapporten:organisation_report_download": Case(
        {"GET": staff_managers(200)}, GET, kwargs=an_organisation_report
    ),
    "rapporten:organisation_report_retry": Case(
        {"POST": staff_managers(302), "GET": everyone(405)},
        POST,
        kwargs=lambda region: an_organisation_report(region, status="failed"),
    ),
    # the dossier export is the school's directie's alone: everyone else gets 404, also the
    # zorgteam member to whom access management was delegated
    "rapporten:export_request": Case(
        {
            "POST": dict.fromkeys(PERSONAS, 404) | {"directie_a": 302, "anonymous": LOGIN},
            "GET": everyone(405),
        },
        POST,
        # an action, not a page of the dossier: the school-B walk (GET) leaves it out;
        # dossier/rapporten/tests/test_export_pages.py posts to B's dossier
        kwargs=lambda region: {"pk": region.dossier_a.pk},
    ),
    # --- the person's own settings -------------------------------------------------------------
    "accounts:notifications": Case({"GET": everyone(200), "POST": everyone(400)}, GET_POST),
    # the e-mailed link to set up MFA again: open to whoever holds a valid one (the person
    # cannot log in without it; accounts/tests/test_mfa_reset.py); any other link is 404
    "accounts:mfa_reset": Case(
        {"GET": public(404) | {"anonymous": 404}, "POST": public(404) | {"anonymous": 404}},
        GET_POST,
        kwargs=lambda region: {"token": "not-a-signed-link"},
        method_persona="anonymous",
    ),
    # --- platform ------------------------------------------------------------------------------
    # the staff pages of CLB A: its directeur only (an empty form is a 400)
    "medewerkers:people": Case({"GET": staff_managers(200)}, GET, kwargs=clb_a_staff),
    "medewerkers:invitations": Case({"GET": staff_managers(200)}, GET, kwargs=clb_a_staff),
    "medewerkers:history": Case({"GET": staff_managers(200)}, GET, kwargs=clb_a_staff),
    "medewerkers:invite": Case(
        {"GET": staff_managers(200), "POST": staff_managers(400)}, GET_POST, kwargs=clb_a_staff
    ),
    "medewerkers:import": Case(
        {"GET": staff_managers(200), "POST": staff_managers(400)}, GET_POST, kwargs=clb_a_staff
    ),
    "medewerkers:invitation_revoke": Case(
        {"POST": staff_managers(302)}, POST, kwargs=clb_a_invitation
    ),
    "medewerkers:invitation_resend": Case(
        {"POST": staff_managers(302)}, POST, kwargs=clb_a_invitation
    ),
    "medewerkers:membership_change": Case(
        {"GET": staff_managers(200), "POST": staff_managers(400)},
        GET_POST,
        kwargs=clb_a_membership,
    ),
    "medewerkers:membership_end": Case(
        {"GET": staff_managers(200), "POST": staff_managers(400)},
        GET_POST,
        kwargs=clb_a_membership,
    ),
    # the invitation link: whoever holds a valid one, logged out (a new account's form; an empty
    # one is a 400); someone logged in with another address is told to log out first (403)
    "medewerkers:accept": Case(
        {"GET": public(403) | {"anonymous": 200}, "POST": public(403) | {"anonymous": 400}},
        GET_POST,
        kwargs=invitation_link,
        method_persona="anonymous",
    ),
    "health": Case({"GET": public(200) | {"anonymous": 200}}, GET),
    # the browser's request for the icon, for everyone: sent to the static file
    "favicon": Case({"GET": public(302) | {"anonymous": 302}}, GET),
    # --- login and account (allauth) ------------------------------------------------------------
    "account_login": Case({"GET": logged_in_redirect(200)}, ALLAUTH_FORM),
    "account_logout": Case(
        {"GET": everyone(200, anonymous=302), "POST": everyone(302, 302)}, ALLAUTH_ACTION
    ),
    "account_inactive": Case({"GET": public(200) | {"anonymous": 200}}, ALLAUTH_PAGE),
    # signing up is closed: accounts are made by platform administrators
    "account_signup": Case(
        {"GET": logged_in_redirect(200)},
        ALLAUTH_FORM,
        answers_before_method="the signup-closed page, for any method",
    ),
    "account_reauthenticate": Case({"GET": everyone(200)}, ALLAUTH_FORM),
    "account_email": Case({"GET": everyone(200)}, ALLAUTH_FORM),
    "account_email_verification_sent": Case(
        {"GET": public(200) | {"anonymous": 200}}, ALLAUTH_PAGE
    ),
    "account_change_password": Case({"GET": everyone(200)}, ALLAUTH_FORM),
    "account_set_password": Case(
        {"GET": everyone(302)},
        ALLAUTH_FORM,
        answers_before_method="whoever has a password is sent to change it",
    ),
    "account_reset_password": Case({"GET": public(200) | {"anonymous": 200}}, ALLAUTH_FORM),
    "account_confirm_login_code": Case(
        {"GET": logged_in_redirect(302)},
        ALLAUTH_FORM,
        answers_before_method="without a login in progress, back to the login page",
    ),
    "account_confirm_email": Case(
        {"GET": public(200) | {"anonymous": 200}},
        ALLAUTH_ACTION,
        kwargs=lambda region: {"key": "onbekend"},
    ),
    "account_reset_password_from_key_done": Case(
        {"GET": public(200) | {"anonymous": 200}}, ALLAUTH_PAGE
    ),
    "account_reset_password_from_key": Case(
        {"GET": public(200) | {"anonymous": 200}},
        ALLAUTH_FORM,
        kwargs=lambda region: {"uidb36": "zz", "key": "ongeldig"},
        answers_before_method="the bad-key page, for any method",
    ),
    "account_reset_password_done": Case({"GET": public(200) | {"anonymous": 200}}, ALLAUTH_PAGE),
    "mfa_index": Case({"GET": everyone(200)}, ALLAUTH_PAGE),
    "mfa_authenticate": Case(
        {"GET": logged_in_redirect(302)},
        ALLAUTH_ACTION,
        answers_before_method="without a login in progress, back to the login page",
    ),
    # reauthentication by code only for those with an authenticator; others by password
    "mfa_reauthenticate": Case({"GET": by_mfa(200, 302)}, ALLAUTH_FORM),
    # a fresh login is needed before activating (the test client's login is not fresh)
    "mfa_activate_totp": Case(
        {"GET": everyone(302)}, ALLAUTH_FORM, answers_before_method="reauthenticate first"
    ),
    "mfa_deactivate_totp": Case(
        {"GET": by_mfa(302, 404)}, ALLAUTH_FORM, answers_before_method="reauthenticate first"
    ),
    # nobody has recovery codes yet
    "mfa_view_recovery_codes": Case(
        {"GET": everyone(404)}, ALLAUTH_PAGE, method_persona="clb_medewerker_a"
    ),
    "mfa_generate_recovery_codes": Case(
        {"GET": everyone(302)}, ALLAUTH_FORM, answers_before_method="reauthenticate first"
    ),
    "mfa_download_recovery_codes": Case(
        {"GET": everyone(404)},
        ALLAUTH_PAGE,
        method_persona="clb_medewerker_a",
        answers_before_method="no codes: 404 for any method",
    ),
    # --- the login with the government's identity provider (allauth's socialaccount) ------------
    # Off here, as without OIDC_ISSUER_URL: no app, so its login and callback are 404 for anyone
    # (accounts/tests/test_oidc_login.py runs them switched on, against a real provider).
    "openid_connect_login": Case(
        {"GET": public(404) | {"anonymous": 404}},
        ALLAUTH_ACTION,
        kwargs=lambda region: {"provider_id": "vlaanderen"},
        method_persona="anonymous",
        answers_before_method="no app for the provider: 404 for any method",
    ),
    "openid_connect_callback": Case(
        {"GET": public(404) | {"anonymous": 404}},
        ALLAUTH_ACTION,
        kwargs=lambda region: {"provider_id": "vlaanderen"},
        method_persona="anonymous",
        answers_before_method="no app for the provider: 404 for any method",
    ),
    "socialaccount_login_cancelled": Case({"GET": public(200) | {"anonymous": 200}}, ALLAUTH_PAGE),
    # allauth's page for a login at the IdP that failed (a wrong issuer, an expired ID token)
    "socialaccount_login_error": Case(
        {"GET": public(401) | {"anonymous": 401}}, ALLAUTH_PAGE, method_persona="anonymous"
    ),
    # without a login at the IdP in progress, back to the login page; signing up stays closed
    "socialaccount_signup": Case(
        {"GET": logged_in_redirect(302)},
        ALLAUTH_FORM,
        answers_before_method="without a login in progress, back to the login page",
    ),
    # the person's own links to the IdP
    "socialaccount_connections": Case({"GET": everyone(200)}, ALLAUTH_FORM),
}


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            if ns:
                ns = f"{namespace}:{ns}" if namespace else ns
            else:
                ns = namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = pattern.name
            if name and namespace:
                name = f"{namespace}:{name}"
            yield name, prefix + str(pattern.pattern)


ALL_URLS = list(_walk(get_resolver().url_patterns))


def test_every_url_is_in_the_matrix():
    missing = []
    for name, route in ALL_URLS:
        if name is None:
            # unnamed patterns exist only inside the admin (its redirects and catch-all)
            # and allauth's permanent redirects from its old socialaccount addresses
            if route.startswith("account/social/"):
                continue
            assert route.startswith("beheer/"), f"unnamed URL outside the admin: {route}"
            continue
        if name.startswith("admin:"):
            continue  # covered by test_admin_matrix
        if name not in MATRIX:
            missing.append(f"{name} ({route})")
    assert not missing, "URLs without a row in the access matrix: " + ", ".join(missing)
    stale = set(MATRIX) - {name for name, _ in ALL_URLS}
    assert not stale, f"matrix rows for URLs that no longer exist: {stale}"


def _login(client, region, persona):
    user = region.persona(persona)
    if user is not None:
        client.force_login(user)


def _check(response, expected, persona, label):
    if expected == LOGIN:
        assert response.status_code == 302, f"{label} as {persona}: {response.status_code}"
        assert reverse("account_login") in response["Location"], f"{label} as {persona}"
    else:
        assert response.status_code == expected, (
            f"{label} as {persona}: expected {expected}, got {response.status_code}"
        )


MATRIX_ROWS = [
    (name, method, persona)
    for name, case in MATRIX.items()
    for method, expectations in case.expect.items()
    for persona in PERSONAS
]


@pytest.mark.parametrize(("name", "method", "persona"), MATRIX_ROWS)
def test_access_matrix(client, region, name, method, persona):
    case = MATRIX[name]
    expected = case.expect[method][persona]
    _login(client, region, persona)
    url = reverse(name, kwargs=case.kwargs(region))
    response = client.generic(method, url, data="" if method == "GET" else case.data(region))
    if method == "POST" and case.data(region):
        response = client.post(url, case.data(region))
    _check(response, expected, persona, f"{method} {url}")


# --- the methods each view accepts ----------------------------------------------------------


def _is_allauth(name: str) -> bool:
    return name.startswith(("account_", "mfa_", "socialaccount_", "openid_connect_"))


def test_the_rows_agree_with_the_methods_they_list():
    """A method a row tests but does not list answers 405 to everyone logged in; a listed one
    does not answer 405 to everyone (the table cannot contradict itself)."""
    wrong = []
    for name, case in MATRIX.items():
        assert case.methods <= set(SENT_METHODS), f"{name}: unknown method"
        for method, expectations in case.expect.items():
            logged_in = {s for p, s in expectations.items() if p != "anonymous"}
            if method not in case.methods and logged_in != {405}:
                wrong.append(f"{name} {method}: not in {sorted(case.methods)} but not all 405")
            if method in case.methods and logged_in == {405}:
                wrong.append(f"{name} {method}: in {sorted(case.methods)} but all 405")
        if case.answers_before_method and not _is_allauth(name):
            wrong.append(f"{name}: only allauth's pages may answer before the method check")
    assert not wrong, "\n".join(wrong)


def _authorised(case: Case) -> str:
    """A persona who may use the page, to send it the methods its row does not list.

    Someone who gets 404 or 403 might be turned away before the method check and so hide a
    method the view accepts. Preferred: a 2xx on a listed method, then a form error (400), then
    a redirect other than to the login page.
    """
    if case.method_persona:
        return case.method_persona
    for acceptable in (range(200, 300), (400,), range(300, 400)):
        for method in sorted(case.methods & set(case.expect)):
            for persona in PERSONAS:
                if case.expect[method][persona] in acceptable:
                    return persona
    raise AssertionError("no persona may use this page: give the row a method_persona")


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_a_view_refuses_the_methods_its_row_does_not_list(client, region, rate_limits_reset, name):
    """Every method the row does not list answers 405, with an Allow header that names exactly
    the methods the row lists: a view that starts accepting POST (or stops) fails here.

    allauth counts every method but GET against its rate limits (5 password changes a minute),
    so the counters are forgotten before each request to one of its pages.
    """
    case = MATRIX[name]
    forget = rate_limits_reset if _is_allauth(name) else lambda: None
    persona = _authorised(case)
    _login(client, region, persona)
    url = reverse(name, kwargs=case.kwargs(region))
    wrong = []
    if case.answers_before_method:
        # the claim itself: every method gets the same answer, whatever the row lists
        statuses = {}
        for method in SENT_METHODS:
            forget()
            statuses[method] = client.generic(method, url).status_code
        if len(set(statuses.values())) != 1 or 405 in statuses.values():
            wrong.append(f"does not answer before the method check: {statuses}")
    else:
        for method in SENT_METHODS:
            if method in case.methods:
                continue
            forget()
            response = client.generic(method, url)
            allowed = {m.strip() for m in response.get("Allow", "").split(",") if m.strip()}
            if response.status_code != 405:
                wrong.append(f"{method}: {response.status_code}, not 405")
            elif allowed != case.methods:
                wrong.append(
                    f"{method}: 405 allowing {sorted(allowed)}, not {sorted(case.methods)}"
                )
        if "HEAD" in case.methods and "GET" in case.expect and not _is_allauth(name):
            # HEAD is GET without the body: the same access check, the same answer
            forget()
            head = client.head(url)
            body = b"".join(head.streaming_content) if head.streaming else head.content
            if head.status_code != case.expect["GET"][persona] or body:
                wrong.append(f"HEAD: {head.status_code} with {len(body)} bytes")
    assert not wrong, f"{url} as {persona}: " + "; ".join(wrong)


# --- school B: the same dossier pages, on B's dossier -----------------------------------------

# The pages of a dossier as a whole (their row takes only school A's dossier).
B_PAGES = sorted(
    name for name, case in MATRIX.items() if case.kwargs is dossier_a and "GET" in case.expect
)
# directie_b is to B what directie_a is to A. The others hold a grant on A (or, for the CLB
# medewerker of CLB Schelde, work for B's own CLB) and none on B.
B_PERSONAS = (
    "directie_b",
    "directie_a",
    "zorgteam_manager_a",
    "clb_directeur",
    "clb_medewerker_other",
)


@pytest.mark.parametrize(("name", "persona"), [(n, p) for n in B_PAGES for p in B_PERSONAS])
def test_school_b_dossier(client, region, name, persona):
    """directie_b gets on B's dossier what directie_a gets on A's; a grant on A opens nothing
    of B (404)."""
    expected = MATRIX[name].expect["GET"]["directie_a"] if persona == "directie_b" else 404
    _login(client, region, persona)
    url = reverse(name, kwargs={"pk": region.dossier_b.pk})
    _check(client.get(url), expected, persona, f"GET {url}")


# --- the admin: every admin URL, for a platform administrator, a dossier user and nobody -------


def _admin_kwargs(name, region):
    """Arguments for an admin URL: an existing object of the model, or the app label."""
    if name == "admin:auth_user_password_change":  # Django names it so for any user model
        return {"id": region.zorg_a.pk}
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            if name.endswith(("_change", "_delete", "_history")):
                obj = model.objects.order_by("pk").first()
                if obj is None:
                    obj = _admin_object(model, region)
                return {"object_id": obj.pk}
            return {}
    if name == "admin:app_list":
        return {"app_label": "accounts"}
    if name == "admin:view_on_site":
        return {"content_type_id": 1, "object_id": 1}
    return {}


def _admin_object(model, region):
    """An object for admin pages of a model that the region does not fill."""
    from consultatie.models import Gespreksleidraad
    from dossier.bewaring.models import DeletionLog, RetentionPolicy

    if model is Gespreksleidraad:
        return Gespreksleidraad.objects.create(organisation=region.clb_a, advice="Wat raad je aan?")
    if model is DeletionLog:
        return DeletionLog.objects.create(
            record_type="signaal",
            record_id=1,
            dossier_id=region.dossier_a.pk,
            closed_at="2020-01-01T00:00:00Z",
        )
    if model is RetentionPolicy:
        return RetentionPolicy.objects.create(record_type="signaal", school_years=5)
    from allauth.socialaccount.models import SocialAccount

    if model is SocialAccount:
        return SocialAccount.objects.create(user=region.zorg_a, provider="vlaanderen", uid="matrix")
    # reference data (themes, sources) that a flushing test may have removed
    return model.objects.create(name=f"{model.__name__} (matrix)")


ADMIN_NAMES = sorted(name for name, _ in ALL_URLS if name and name.startswith("admin:"))
# The admin pages a platform administrator gets, when they differ from 200.
ADMIN_SPECIAL = {
    "admin:login": 302,  # already logged in: sent to the admin index
    "admin:logout": 405,  # logging out is a POST
    "admin:autocomplete": 403,  # needs its query parameters
    "admin:view_on_site": 404,  # no model here has a public page
    "admin:mfa_authenticator_add": 403,  # authenticators are set up by their owner only
    "admin:mfa_authenticator_delete": 403,  # and only their owner removes one
    # a person is switched off, never deleted: their memberships and audit trail stay
    "admin:accounts_user_delete": 403,
    # an organisation with memberships or partnerships is not removed past the services
    "admin:accounts_organisation_delete": 403,
    # themes and sources are switched off, never deleted: old signals refer to them
    "admin:dossier_thema_delete": 403,
    "admin:signalen_bron_delete": 403,
    # retention periods are changed, never added or removed; the deletion log is read only
    "admin:bewaring_retentionpolicy_add": 403,
    "admin:bewaring_retentionpolicy_delete": 403,
    "admin:bewaring_deletionlog_add": 403,
    "admin:bewaring_deletionlog_delete": 403,
    # a link to the IdP is made by the person's own login there, never in the admin
    "admin:socialaccount_socialaccount_add": 403,
}


@pytest.mark.parametrize("name", ADMIN_NAMES)
def test_admin_matrix(client, region, name):
    url = reverse(name, kwargs=_admin_kwargs(name, region))
    # nobody logged in: to the login page (allauth's, through secure_admin_login or the admin's)
    response = client.get(url)
    if name not in ("admin:jsi18n",):
        assert response.status_code in (302, 405), f"{url} anonymous: {response.status_code}"
    # a dossier user who is not a platform administrator gets nothing of the admin
    client.force_login(region.directie_a)
    response = client.get(url)
    assert response.status_code in (302, 403, 405) or name == "admin:jsi18n", (
        f"{url} as directie: {response.status_code}"
    )
    if response.status_code == 302:
        assert "/beheer/" in response["Location"] or "/account/" in response["Location"]
    # the platform administrator manages the platform
    client.force_login(region.platform_admin)
    response = client.get(url)
    assert response.status_code == ADMIN_SPECIAL.get(name, 200), f"{url}: {response.status_code}"


def test_admin_shows_no_dossier_content():
    from dossier.core.models import AuditEvent, Dossier, DossierUserObjectPermission

    for model in (Dossier, AuditEvent, DossierUserObjectPermission):
        assert model not in admin.site._registry
