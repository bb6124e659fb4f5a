"""Samenwerkingsafspraken: drafting, approval per side, versions, status, reminders, overview.

School A works with CLB A, PBD A (read-only grant) and LSC A. An agreement binds the school
and one to three current partners; only those partners see it, and each approves it for its
own side.
"""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import partnership_end
from accounts.tests.factories import OrganisationFactory
from dossier.afspraken.models import AfspraakPartij, Samenwerkingsafspraak
from dossier.afspraken.selectors import afspraken_due
from dossier.afspraken.services import (
    afspraak_approve,
    afspraak_change,
    afspraak_create,
    afspraak_set_status,
    afspraken_remind,
)
from dossier.core.access import user_flags
from dossier.core.models import AuditEvent
from dossier.core.selectors import partner_organisations
from dossier.meldingen.models import Notification

pytestmark = pytest.mark.django_db

Status = Samenwerkingsafspraak.Status
TODAY = datetime.date(2026, 11, 22)


def school_and_clb(region) -> dict:
    return {
        "school": (region.school_a, "De zorgcoördinator verzamelt de vragen per klas."),
        "clb": (region.clb_a, "Het CLB-anker komt elke tweede dinsdag."),
    }


def draft(region, *, user=None, parties=None, evaluation_date=None, **kwargs):
    return afspraak_create(
        dossier=region.dossier_a,
        user=user or region.directie_a,
        access=user_flags(user or region.directie_a, region.dossier_a),
        title=kwargs.pop("title", "Consultatiemomenten"),
        topic=kwargs.pop("topic", Samenwerkingsafspraak.Topic.CONSULTATIE),
        evaluation_date=evaluation_date or datetime.date(2027, 6, 1),
        summary=kwargs.pop("summary", "Elke tweede dinsdag een consultatiemoment op school."),
        parties=parties if parties is not None else school_and_clb(region),
    )


def approved(region, **kwargs):
    afspraak = draft(region, **kwargs)
    afspraak_approve(
        afspraak=afspraak,
        user=region.directie_a,
        access=user_flags(region.directie_a, afspraak.dossier),
    )
    afspraak_approve(
        afspraak=afspraak,
        user=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, afspraak.dossier),
    )
    afspraak.refresh_from_db()
    assert afspraak.status == Status.APPROVED
    return afspraak


def detail_url(afspraak) -> str:
    return reverse(
        "afspraken:afspraak_detail", kwargs={"pk": afspraak.dossier_id, "afspraak_pk": afspraak.pk}
    )


def action_url(afspraak, name) -> str:
    return reverse(
        f"afspraken:afspraak_{name}", kwargs={"pk": afspraak.dossier_id, "afspraak_pk": afspraak.pk}
    )


def parties_of(version) -> dict[str, AfspraakPartij]:
    return {partij.kind: partij for partij in version.partijen.all()}


# --- drafting --------------------------------------------------------------------------------


def test_the_directie_drafts_an_agreement_binding_school_and_clb(region):
    afspraak = draft(region)

    assert afspraak.status == Status.DRAFT
    assert (afspraak.for_clb, afspraak.for_pbd, afspraak.for_lsc) == (True, False, False)
    afspraak.refresh_from_db()
    assert (afspraak.for_clb, afspraak.for_pbd, afspraak.for_lsc) == (True, False, False)
    assert afspraak.audience_sides == {"school", "clb"}
    assert afspraak.created_by == region.directie_a
    assert afspraak.reminded_at is None
    version = afspraak.versies.get()
    assert version.number == 1
    assert version.created_by == region.directie_a
    parties = parties_of(version)
    assert set(parties) == {"school", "clb"}
    assert parties["school"].organisation == region.school_a
    assert parties["clb"].organisation == region.clb_a
    assert parties["clb"].responsibilities == "Het CLB-anker komt elke tweede dinsdag."
    assert all(p.approved_by is None and p.approved_at is None for p in parties.values())


def test_the_clb_may_draft_an_agreement_that_binds_it(region):
    afspraak = draft(region, user=region.clb_medewerker_a)
    assert afspraak.created_by == region.clb_medewerker_a


def test_an_agreement_can_bind_all_four_partners(region):
    parties = school_and_clb(region) | {
        "pbd": (region.pbd_a, "De PBD begeleidt de professionalisering."),
        "lsc": (region.lsc_a, "Het LSC bundelt de leersteunvragen."),
    }
    afspraak = draft(region, parties=parties)

    assert (afspraak.for_clb, afspraak.for_pbd, afspraak.for_lsc) == (True, True, True)
    assert afspraak.versies.get().partijen.count() == 4


def test_partner_organisations_are_the_school_and_its_current_partners(region):
    organisations = partner_organisations(region.dossier_a)

    assert organisations == {
        "school": [region.school_a],
        "clb": [region.clb_a],
        "pbd": [region.pbd_a],
        "lsc": [region.lsc_a],
    }


def test_binding_an_organisation_that_is_not_a_current_partner_is_refused(region):
    parties = school_and_clb(region) | {"clb": (region.clb_other, "Komt langs.")}

    with pytest.raises(ValidationError) as refused:
        draft(region, parties=parties)

    assert refused.value.messages == [
        _("%(org)s is not a current partner of this school.") % {"org": region.clb_other}
    ]
    assert not Samenwerkingsafspraak.objects.exists()


def test_binding_an_ended_partner_is_refused(region):
    partnership = region.lsc_a.served_partnerships.get(school=region.school_a)
    partnership_end(partnership=partnership, end_date=timezone.localdate() - datetime.timedelta(1))
    parties = school_and_clb(region) | {"lsc": (region.lsc_a, "Bundelt de vragen.")}

    with pytest.raises(ValidationError):
        draft(region, parties=parties)
    assert not Samenwerkingsafspraak.objects.exists()


@pytest.mark.parametrize(
    "wrong",
    [
        # a current partner, under another kind
        lambda region: {"clb": (region.pbd_a, "Komt langs.")},
        # another school as "the school"
        lambda region: {"school": (region.school_b, "Doet mee.")},
        # a kind that does not exist
        lambda region: {"ouders": (region.clb_a, "Doen mee.")},
        # an LSC that serves other schools only
        lambda region: {"lsc": (OrganisationFactory(lsc=True), "Doet mee.")},
    ],
    ids=["wrong kind", "other school", "unknown kind", "lsc of other schools"],
)
def test_binding_an_organisation_in_the_wrong_place_is_refused(region, wrong):
    with pytest.raises(ValidationError):
        draft(region, parties=school_and_clb(region) | wrong(region))
    assert not Samenwerkingsafspraak.objects.exists()


@pytest.mark.parametrize(
    "parties",
    [
        lambda region: {"school": (region.school_a, "Alles.")},
        lambda region: {"clb": (region.clb_a, "Alles.")},
        lambda region: {"clb": (region.clb_a, "Dit."), "lsc": (region.lsc_a, "Dat.")},
        lambda region: {},
    ],
    ids=["school only", "clb only", "partners without the school", "nobody"],
)
def test_an_agreement_binds_the_school_and_at_least_one_partner(region, parties):
    with pytest.raises(ValidationError) as refused:
        draft(region, parties=parties(region))

    assert refused.value.messages == [_("An agreement binds the school and at least one partner.")]
    assert not Samenwerkingsafspraak.objects.exists()


def test_each_bound_partner_says_what_it_does(region):
    parties = school_and_clb(region) | {"clb": (region.clb_a, "   ")}

    with pytest.raises(ValidationError) as refused:
        draft(region, parties=parties)

    assert refused.value.messages == [
        _("Say what %(org)s does under this agreement.") % {"org": region.clb_a.name}
    ]


@pytest.mark.parametrize("persona", ["lsc_anker_a", "pbd_begeleider_a", "clb_medewerker_other"])
def test_only_a_bound_side_with_contribute_may_draft(region, persona):
    with pytest.raises(PermissionDenied):
        draft(region, user=region.persona(persona))
    assert not Samenwerkingsafspraak.objects.exists()


def test_drafting_through_the_form(client, region):
    client.force_login(region.directie_a)
    url = reverse("afspraken:afspraak_create", kwargs={"pk": region.dossier_a.pk})
    data = {
        "title": "Knipperlichten melden",
        "topic": "knipperlicht",
        "summary": "De school meldt knipperlichten binnen de week.",
        "evaluation_date": "2027-06-01",
        "school_does": "De zorgcoördinator meldt.",
        "clb_binds": "on",
        "clb_org": region.clb_a.pk,
        "clb_does": "Het CLB belt binnen twee dagen terug.",
        "lsc_org": region.lsc_a.pk,
    }

    assert client.get(url).status_code == 200
    nobody = client.post(url, data | {"clb_binds": ""})
    assert nobody.status_code == 400
    assert nobody.context["form"].non_field_errors() == [
        _("An agreement binds the school and at least one partner.")
    ]
    response = client.post(url, data)

    afspraak = Samenwerkingsafspraak.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(afspraak)
    assert afspraak.evaluation_date == datetime.date(2027, 6, 1)
    assert afspraak.audience_sides == {"school", "clb"}


# --- approval --------------------------------------------------------------------------------


def test_each_bound_partner_approves_for_its_own_side(region):
    afspraak = draft(region)
    version = afspraak.versies.get()

    approved_school = afspraak_approve(
        afspraak=afspraak,
        user=region.directie_a,
        access=user_flags(region.directie_a, afspraak.dossier),
    )

    assert [p.kind for p in approved_school] == ["school"]
    parties = parties_of(version)
    assert parties["school"].approved_by == region.directie_a
    assert parties["school"].approved_at is not None
    assert parties["clb"].approved_by is None and parties["clb"].approved_at is None
    afspraak.refresh_from_db()
    assert afspraak.status == Status.DRAFT
    events = AuditEvent.objects.filter(action="agreement_approved")
    assert [(e.actor, e.section) for e in events] == [(region.directie_a, "afspraken")]
    assert events.get().detail == f"Consultatiemomenten v1 – {region.school_a.name}"

    before = timezone.now()
    approved_clb = afspraak_approve(
        afspraak=afspraak,
        user=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, afspraak.dossier),
    )

    assert [p.kind for p in approved_clb] == ["clb"]
    parties = parties_of(version)
    assert parties["clb"].approved_by == region.clb_medewerker_a
    assert parties["clb"].approved_at >= before
    afspraak.refresh_from_db()
    assert afspraak.status == Status.APPROVED
    events = AuditEvent.objects.filter(action="agreement_approved").order_by("pk")
    assert [(e.actor, e.detail) for e in events] == [
        (region.directie_a, f"Consultatiemomenten v1 – {region.school_a.name}"),
        (region.clb_medewerker_a, f"Consultatiemomenten v1 – {region.clb_a.name}"),
    ]
    assert all(e.dossier == region.dossier_a for e in events)


def test_the_status_is_approved_only_when_all_have_approved(region):
    parties = school_and_clb(region) | {"lsc": (region.lsc_a, "Bundelt de vragen.")}
    afspraak = draft(region, parties=parties)

    for user in (region.directie_a, region.lsc_anker_a):
        afspraak_approve(afspraak=afspraak, user=user, access=user_flags(user, afspraak.dossier))
        afspraak.refresh_from_db()
        assert afspraak.status == Status.DRAFT
    afspraak_approve(
        afspraak=afspraak,
        user=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, afspraak.dossier),
    )
    afspraak.refresh_from_db()
    assert afspraak.status == Status.APPROVED
    assert AuditEvent.objects.filter(action="agreement_approved").count() == 3


def test_a_person_approving_twice_is_refused(region):
    afspraak = draft(region)
    afspraak_approve(
        afspraak=afspraak,
        user=region.directie_a,
        access=user_flags(region.directie_a, afspraak.dossier),
    )

    with pytest.raises(ValidationError) as refused:
        afspraak_approve(
            afspraak=afspraak,
            user=region.directie_a,
            access=user_flags(region.directie_a, afspraak.dossier),
        )
    assert refused.value.messages == [
        _("There is nothing left for you to approve in this version.")
    ]
    # A colleague on the same side: the school has already approved.
    with pytest.raises(ValidationError):
        afspraak_approve(
            afspraak=afspraak,
            user=region.zorg_a,
            access=user_flags(region.zorg_a, afspraak.dossier),
        )
    school = parties_of(afspraak.versies.get())["school"]
    assert school.approved_by == region.directie_a
    assert AuditEvent.objects.filter(action="agreement_approved").count() == 1


@pytest.mark.parametrize("persona", ["lsc_anker_a", "pbd_begeleider_a", "clb_medewerker_other"])
def test_someone_not_bound_cannot_approve(region, persona):
    afspraak = draft(region)
    user = region.persona(persona)

    with pytest.raises(ValidationError):
        afspraak_approve(afspraak=afspraak, user=user, access=user_flags(user, region.dossier_a))
    assert not AfspraakPartij.objects.filter(approved_at__isnull=False).exists()


def test_approving_through_the_pages(client, region):
    afspraak = draft(region)

    client.force_login(region.directie_a)
    page = client.get(detail_url(afspraak))
    assert page.context["can_approve"] is True
    assert action_url(afspraak, "approve") in page.content.decode()
    assert client.post(action_url(afspraak, "approve")).status_code == 302
    page = client.get(detail_url(afspraak))
    assert page.context["can_approve"] is False
    assert action_url(afspraak, "approve") not in page.content.decode()
    # A second click is refused with a message, not an error page.
    response = client.post(action_url(afspraak, "approve"), follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        _("There is nothing left for you to approve in this version.")
    ]

    client.force_login(region.clb_medewerker_a)
    assert client.post(action_url(afspraak, "approve")).status_code == 302
    page = client.get(detail_url(afspraak))
    assert 'class="status-pill status-pill--agreement-approved"' in page.content.decode()
    afspraak.refresh_from_db()
    assert afspraak.status == Status.APPROVED


@pytest.mark.parametrize("persona", ["lsc_anker_a", "pbd_begeleider_a"])
def test_a_partner_the_agreement_does_not_bind_gets_404(client, region, persona):
    afspraak = draft(region)
    client.force_login(region.persona(persona))

    list_page = client.get(reverse("afspraken:afspraken", kwargs={"pk": region.dossier_a.pk}))
    assert list_page.status_code == 200
    assert list_page.context["afspraken"] == []
    assert client.get(detail_url(afspraak)).status_code == 404
    expected_write = 404 if persona == "lsc_anker_a" else 403
    assert client.post(action_url(afspraak, "approve")).status_code == expected_write
    assert client.get(action_url(afspraak, "change")).status_code == expected_write
    assert (
        client.post(action_url(afspraak, "status"), {"status": "expired"}).status_code
        == expected_write
    )
    assert not AfspraakPartij.objects.filter(approved_at__isnull=False).exists()


def test_the_read_only_pbd_reads_an_agreement_that_binds_it_but_cannot_approve(client, region):
    parties = school_and_clb(region) | {"pbd": (region.pbd_a, "Begeleidt.")}
    afspraak = draft(region, parties=parties)
    client.force_login(region.pbd_begeleider_a)

    page = client.get(detail_url(afspraak))
    assert page.status_code == 200
    assert page.context["can_approve"] is False
    assert client.post(action_url(afspraak, "approve")).status_code == 403


def test_another_schools_agreement_gives_404(client, region):
    afspraak = draft(region)
    client.force_login(region.directie_b)

    assert client.get(detail_url(afspraak)).status_code == 404
    wrong_dossier = reverse(
        "afspraken:afspraak_detail", kwargs={"pk": region.dossier_b.pk, "afspraak_pk": afspraak.pk}
    )
    assert client.get(wrong_dossier).status_code == 404


def test_an_approval_does_not_reveal_the_agreement_to_partners_it_does_not_bind(client, region):
    """Need-to-know: the LSC is not bound, so it may not learn the agreement's title.

    The approval's audit event carries the title and the bound organisation and belongs to
    the agreements section, which every side reads; the overview's recent activity filters
    by section only, so the LSC's front page lists it.
    """
    approved(region, title="Afspraken rond het OV4-verslag van 5B")

    client.force_login(region.lsc_anker_a)
    response = client.get(reverse("dossier:overview", kwargs={"pk": region.dossier_a.pk}))

    assert response.status_code == 200
    assert "OV4-verslag van 5B" not in response.content.decode()


# --- change: a new version -------------------------------------------------------------------


def test_changing_an_approved_agreement_makes_version_2_to_approve_again(client, region):
    afspraak = approved(region)
    v1 = afspraak.versies.get()
    v1_approvals = {p.kind: (p.approved_by, p.approved_at) for p in v1.partijen.all()}

    changed = afspraak_change(
        afspraak=afspraak,
        user=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, afspraak.dossier),
        title="Consultatiemomenten (bijgesteld)",
        topic=Samenwerkingsafspraak.Topic.CONSULTATIE,
        evaluation_date=datetime.date(2027, 9, 1),
        summary="Elke week een consultatiemoment.",
        parties=school_and_clb(region),
    )

    assert changed.status == Status.DRAFT
    afspraak.refresh_from_db()
    assert afspraak.status == Status.DRAFT
    assert afspraak.title == "Consultatiemomenten (bijgesteld)"
    assert afspraak.evaluation_date == datetime.date(2027, 9, 1)
    assert list(afspraak.versies.values_list("number", flat=True)) == [2, 1]
    v2 = afspraak.versies.get(number=2)
    assert v2.created_by == region.clb_medewerker_a
    assert v2.summary == "Elke week een consultatiemoment."
    assert all(p.approved_at is None and p.approved_by is None for p in v2.partijen.all())
    # Version 1 keeps its text and its approvals.
    v1.refresh_from_db()
    assert v1.summary == "Elke tweede dinsdag een consultatiemoment op school."
    assert {p.kind: (p.approved_by, p.approved_at) for p in v1.partijen.all()} == v1_approvals
    assert all(approval[0] is not None for approval in v1_approvals.values())

    client.force_login(region.directie_a)
    page = client.get(detail_url(afspraak))
    assert page.context["current"].number == 2
    assert [v.number for v in page.context["earlier"]] == [1]
    assert page.context["can_approve"] is True
    content = page.content.decode()
    assert "Elke tweede dinsdag een consultatiemoment op school." in content
    assert escape(str(region.clb_medewerker_a)) in content  # names like D'Hondt are escaped

    # Approving again, for version 2.
    afspraak_approve(
        afspraak=afspraak,
        user=region.directie_a,
        access=user_flags(region.directie_a, afspraak.dossier),
    )
    afspraak_approve(
        afspraak=afspraak,
        user=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, afspraak.dossier),
    )
    afspraak.refresh_from_db()
    assert afspraak.status == Status.APPROVED
    assert AuditEvent.objects.filter(detail__contains=" v2 – ").count() == 2


def test_a_change_can_bind_another_partner_who_then_sees_it(client, region):
    afspraak = draft(region)
    parties = school_and_clb(region) | {"lsc": (region.lsc_a, "Bundelt de vragen.")}
    afspraak_change(
        afspraak=afspraak,
        user=region.directie_a,
        access=user_flags(region.directie_a, afspraak.dossier),
        title=afspraak.title,
        topic=afspraak.topic,
        evaluation_date=afspraak.evaluation_date,
        summary="Met het LSC erbij.",
        parties=parties,
    )
    afspraak.refresh_from_db()

    assert afspraak.for_lsc is True
    client.force_login(region.lsc_anker_a)
    assert client.get(detail_url(afspraak)).status_code == 200


def test_only_a_bound_partner_may_change_it(region):
    afspraak = draft(region)

    with pytest.raises(PermissionDenied):
        afspraak_change(
            afspraak=afspraak,
            user=region.lsc_anker_a,
            access=user_flags(region.lsc_anker_a, afspraak.dossier),
            title="Overgenomen",
            topic=afspraak.topic,
            evaluation_date=afspraak.evaluation_date,
            summary="Nu met het LSC.",
            parties=school_and_clb(region) | {"lsc": (region.lsc_a, "Alles.")},
        )
    assert afspraak.versies.count() == 1


def test_changing_through_the_form_keeps_the_current_values(client, region):
    afspraak = approved(region)
    client.force_login(region.zorg_a)
    url = action_url(afspraak, "change")

    form = client.get(url).context["form"]
    assert form.initial["summary"] == "Elke tweede dinsdag een consultatiemoment op school."
    assert form.initial["clb_binds"] is True
    assert form.initial["clb_org"] == region.clb_a.pk
    response = client.post(
        url,
        {
            "title": afspraak.title,
            "topic": afspraak.topic,
            "summary": "Om de twee weken.",
            "evaluation_date": "2027-06-01",
            "school_does": "De zorgcoördinator.",
            "clb_binds": "on",
            "clb_org": region.clb_a.pk,
            "clb_does": "Het CLB-anker.",
        },
    )

    assert response.status_code == 302
    afspraak.refresh_from_db()
    assert afspraak.status == Status.DRAFT
    assert afspraak.versies.count() == 2


# --- status ----------------------------------------------------------------------------------


def test_set_status_is_refused_while_draft(region):
    afspraak = draft(region)

    with pytest.raises(ValidationError) as refused:
        afspraak_set_status(
            afspraak=afspraak,
            user=region.directie_a,
            access=user_flags(region.directie_a, afspraak.dossier),
            status=Status.EVALUATED,
        )

    assert refused.value.messages == [_("Every partner must approve the agreement first.")]
    afspraak.refresh_from_db()
    assert afspraak.status == Status.DRAFT


@pytest.mark.parametrize("status", [Status.EVALUATED, Status.EXPIRED, Status.TO_EVALUATE])
def test_set_status_after_approval(region, status):
    afspraak = approved(region)

    afspraak_set_status(
        afspraak=afspraak,
        user=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, afspraak.dossier),
        status=status,
    )

    afspraak.refresh_from_db()
    assert afspraak.status == status


@pytest.mark.parametrize("status", [Status.DRAFT, Status.APPROVED, "weg", ""])
def test_set_status_refuses_other_statuses(region, status):
    afspraak = approved(region)

    with pytest.raises(ValidationError):
        afspraak_set_status(
            afspraak=afspraak,
            user=region.directie_a,
            access=user_flags(region.directie_a, afspraak.dossier),
            status=status,
        )
    afspraak.refresh_from_db()
    assert afspraak.status == Status.APPROVED


def test_set_status_is_for_bound_partners_only(region):
    afspraak = approved(region)

    with pytest.raises(PermissionDenied):
        afspraak_set_status(
            afspraak=afspraak,
            user=region.lsc_anker_a,
            access=user_flags(region.lsc_anker_a, afspraak.dossier),
            status=Status.EXPIRED,
        )


def test_set_status_through_the_page(client, region):
    afspraak = approved(region)
    client.force_login(region.directie_a)

    bad = client.post(action_url(afspraak, "status"), {"status": "approved"}, follow=True)
    assert [str(m) for m in bad.context["messages"]] == [_("Choose a status.")]
    response = client.post(action_url(afspraak, "status"), {"status": "evaluated"})

    assert response.status_code == 302
    afspraak.refresh_from_db()
    assert afspraak.status == Status.EVALUATED


# --- reminders -------------------------------------------------------------------------------


def test_remind_turns_due_agreements_to_evaluate_and_tells_the_bound_sides(
    region, django_capture_on_commit_callbacks
):
    due = approved(region, title="Binnenkort", evaluation_date=TODAY + datetime.timedelta(30))
    overdue = approved(region, title="Te laat", evaluation_date=TODAY - datetime.timedelta(3))
    later = approved(region, title="Later", evaluation_date=TODAY + datetime.timedelta(31))
    still_draft = draft(region, title="Nog niet goedgekeurd", evaluation_date=TODAY)
    Notification.objects.all().delete()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        count = afspraken_remind(today=TODAY)
        # Nothing is mailed before the reminders are committed.
        assert mail.outbox == []

    assert count == 2
    assert len(callbacks) == 2
    statuses = dict(Samenwerkingsafspraak.objects.values_list("pk", "status"))
    assert statuses == {
        due.pk: Status.TO_EVALUATE,
        overdue.pk: Status.TO_EVALUATE,
        later.pk: Status.APPROVED,
        still_draft.pk: Status.DRAFT,
    }
    for afspraak in (due, overdue):
        afspraak.refresh_from_db()
        assert afspraak.reminded_at is not None
        notified = Notification.objects.filter(url=detail_url(afspraak))
        # The people with access on the bound sides: the school and the CLB; not the LSC,
        # not the PBD, not the other CLB's medewerker with a stale grant.
        assert {n.user for n in notified} == {
            region.directie_a,
            region.zorg_a,
            region.clb_medewerker_a,
        }
        assert all(n.dossier == region.dossier_a and n.sent_at for n in notified)
        assert afspraak.title in notified[0].subject
    assert len(mail.outbox) == 6
    assert {tuple(message.to) for message in mail.outbox} == {
        ("directie@linde.be",),
        ("zorg@linde.be",),
        ("medewerker@clbleie.be",),
    }
    subjects = {message.subject for message in mail.outbox}
    assert any("Binnenkort" in subject for subject in subjects)
    assert any((TODAY + datetime.timedelta(30)).strftime("%d/%m/%Y") in s for s in subjects)
    assert all(not {"anker@lsc.be", "begeleider@pbd.be"} & set(m.to) for m in mail.outbox)

    # The same day's second run reminds nobody again.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert afspraken_remind(today=TODAY) == 0
    assert mail.outbox == []
    assert Notification.objects.count() == 6
    # The next day only "Later" comes within 30 days; the others are not reminded twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert afspraken_remind(today=TODAY + datetime.timedelta(1)) == 1
    assert len(mail.outbox) == 3
    assert all("Later" in message.subject for message in mail.outbox)
    assert Notification.objects.count() == 9


def test_remind_tells_every_side_an_agreement_binds(region, django_capture_on_commit_callbacks):
    parties = school_and_clb(region) | {
        "lsc": (region.lsc_a, "Bundelt de vragen."),
        "pbd": (region.pbd_a, "Begeleidt."),
    }
    afspraak = draft(region, parties=parties, evaluation_date=TODAY + datetime.timedelta(5))
    for user in (region.directie_a, region.clb_medewerker_a, region.lsc_anker_a):
        afspraak_approve(afspraak=afspraak, user=user, access=user_flags(user, afspraak.dossier))
    # The PBD has a read grant only: it cannot approve, so the agreement stays a draft.
    afspraak.refresh_from_db()
    assert afspraak.status == Status.DRAFT
    Samenwerkingsafspraak.objects.filter(pk=afspraak.pk).update(status=Status.APPROVED)

    with django_capture_on_commit_callbacks(execute=True):
        assert afspraken_remind(today=TODAY) == 1

    assert set(Notification.objects.values_list("user__email", flat=True)) == {
        "directie@linde.be",
        "zorg@linde.be",
        "medewerker@clbleie.be",
        "anker@lsc.be",
        "begeleider@pbd.be",
    }


def test_remind_respects_each_persons_email_choice(region, django_capture_on_commit_callbacks):
    User.objects.filter(pk=region.zorg_a.pk).update(
        notification_frequency=User.NotificationFrequency.DAILY
    )
    User.objects.filter(pk=region.clb_medewerker_a.pk).update(
        notification_frequency=User.NotificationFrequency.NONE
    )
    approved(region, evaluation_date=TODAY + datetime.timedelta(10))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert afspraken_remind(today=TODAY) == 1

    # The daily one waits for the digest; "no emails" gets no notification at all.
    notifications = {n.user_id: n for n in Notification.objects.all()}
    assert set(notifications) == {region.directie_a.pk, region.zorg_a.pk}
    assert notifications[region.zorg_a.pk].sent_at is None
    assert [message.to for message in mail.outbox] == [["directie@linde.be"]]


def test_a_changed_agreement_can_be_reminded_again_after_approval(
    region, django_capture_on_commit_callbacks
):
    afspraak = approved(region, evaluation_date=TODAY + datetime.timedelta(10))
    with django_capture_on_commit_callbacks(execute=True):
        assert afspraken_remind(today=TODAY) == 1
    afspraak_change(
        afspraak=afspraak,
        user=region.directie_a,
        access=user_flags(region.directie_a, afspraak.dossier),
        title=afspraak.title,
        topic=afspraak.topic,
        evaluation_date=TODAY + datetime.timedelta(20),
        summary="Bijgesteld na de evaluatie.",
        parties=school_and_clb(region),
    )
    afspraak.refresh_from_db()
    assert afspraak.reminded_at is None
    with django_capture_on_commit_callbacks(execute=True):
        assert afspraken_remind(today=TODAY) == 0  # a draft is not reminded
    afspraak_approve(
        afspraak=afspraak,
        user=region.directie_a,
        access=user_flags(region.directie_a, afspraak.dossier),
    )
    afspraak_approve(
        afspraak=afspraak,
        user=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, afspraak.dossier),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert afspraken_remind(today=TODAY) == 1


def test_the_reminder_task_uses_the_service(region, django_capture_on_commit_callbacks):
    from dossier.afspraken.tasks import remind_agreement_evaluations

    approved(region, evaluation_date=timezone.localdate() + datetime.timedelta(3))

    with django_capture_on_commit_callbacks(execute=True):
        assert remind_agreement_evaluations.delay().get() == 1
    assert Samenwerkingsafspraak.objects.get().status == Status.TO_EVALUATE


# --- the overview ----------------------------------------------------------------------------


def test_afspraken_due_lists_agreements_to_evaluate_for_the_bound_sides(region):
    today = timezone.localdate()
    soon = approved(region, title="Binnenkort", evaluation_date=today + datetime.timedelta(20))
    marked = approved(region, title="Gemarkeerd", evaluation_date=today + datetime.timedelta(200))
    afspraak_set_status(
        afspraak=marked,
        user=region.directie_a,
        access=user_flags(region.directie_a, marked.dossier),
        status=Status.TO_EVALUATE,
    )
    approved(region, title="Veel later", evaluation_date=today + datetime.timedelta(200))
    draft(region, title="Ontwerp", evaluation_date=today)

    def due_for(user):
        return [a.pk for a in afspraken_due(region.dossier_a, user_flags(user, region.dossier_a))]

    assert due_for(region.directie_a) == [soon.pk, marked.pk]
    assert due_for(region.clb_medewerker_a) == [soon.pk, marked.pk]
    assert due_for(region.lsc_anker_a) == []


def test_the_overview_shows_agreements_to_evaluate(client, region):
    """afspraken_due feeds the overview's "Agreements to evaluate" section (overview.html reads
    ``agreements_due``), but the dossier_overview view never puts it in the context.
    """
    soon = approved(
        region,
        title="Consultatie evalueren",
        evaluation_date=timezone.localdate() + datetime.timedelta(7),
    )
    client.force_login(region.directie_a)

    response = client.get(reverse("dossier:overview", kwargs={"pk": region.dossier_a.pk}))

    assert response.status_code == 200
    assert [a.pk for a in response.context.get("agreements_due") or []] == [soon.pk]
    content = response.content.decode()
    assert _("Agreements to evaluate") in content
    assert detail_url(soon) in content


def test_the_overview_does_not_show_agreements_to_evaluate_to_the_unbound_lsc(client, region):
    approved(region, title="Consultatie evalueren", evaluation_date=timezone.localdate())
    client.force_login(region.lsc_anker_a)

    response = client.get(reverse("dossier:overview", kwargs={"pk": region.dossier_a.pk}))

    assert response.status_code == 200
    assert _("Agreements to evaluate") not in response.content.decode()
