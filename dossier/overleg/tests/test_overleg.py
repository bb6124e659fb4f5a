"""The structural meeting: the school records it, every partner reads it, the minutes keeper
edits it, and linked items stay within each reader's need-to-know.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from dossier.afspraken.services import afspraak_create
from dossier.core.access import user_flags
from dossier.documenten.services import document_upload
from dossier.documenten.tests.test_uploads import pdf_bytes, upload
from dossier.overleg.models import StructureelOverleg
from dossier.overleg.selectors import overleg_get
from dossier.overleg.services import overleg_save

pytestmark = pytest.mark.django_db

DATE = datetime.date(2026, 10, 1)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def a_document(region, *, dossier=None, user=None, title="Datawijzer 2025-2026", **audience):
    return document_upload(
        dossier=dossier or region.dossier_a,
        user=user or region.zorg_a,
        access=user_flags(user or region.zorg_a, dossier or region.dossier_a),
        uploaded=upload("datawijzer.pdf", pdf_bytes(title)),
        title=title,
        kind="verslag",
        school_year="2026-2027",
        **audience,
    )


def an_afspraak(region, *, dossier=None, user=None, parties=None, title="Consultatiemomenten"):
    return afspraak_create(
        dossier=dossier or region.dossier_a,
        user=user or region.directie_a,
        access=user_flags(user or region.directie_a, dossier or region.dossier_a),
        title=title,
        topic="overleg",
        evaluation_date=datetime.date(2027, 6, 1),
        summary="Elke tweede dinsdag.",
        parties=parties
        or {
            "school": (region.school_a, "Verzamelt de vragen."),
            "clb": (region.clb_a, "Komt langs."),
        },
    )


def record(region, *, user=None, documents=(), afspraken=(), **fields):
    values = {
        "date": DATE,
        "school_participants": "Directeur, zorgcoördinator",
        "clb_participants": "CLB-anker",
        "pbd_participants": "Pedagogisch begeleider",
        "lsc_participants": "",
        "data_reflected_on": "Datawijzer, leersteunwijzer en de cijfers van het CLB.",
        "agenda": "1. Cijfers\n2. Professionalisering",
        "decisions": "Een studiedag over differentiatie.",
        "next_meeting_date": datetime.date(2027, 2, 1),
        "minutes_keeper": "school",
    } | fields
    return overleg_save(
        dossier=region.dossier_a,
        user=user or region.directie_a,
        access=user_flags(user or region.directie_a, region.dossier_a),
        documents=documents,
        afspraken=afspraken,
        **values,
    )


def url(name, overleg=None, dossier=None) -> str:
    if overleg is None:
        return reverse(f"overleg:{name}", kwargs={"pk": dossier.pk})
    return reverse(f"overleg:{name}", kwargs={"pk": overleg.dossier_id, "overleg_pk": overleg.pk})


def form_data(**overrides) -> dict:
    return {
        "date": "01/10/2026",
        "minutes_keeper": "school",
        "school_participants": "Directeur, zorgcoördinator",
        "clb_participants": "CLB-anker",
        "pbd_participants": "Pedagogisch begeleider",
        "lsc_participants": "Ankerpersoon",
        "data_reflected_on": "Datawijzer https://example.org/datawijzer",
        "agenda": "1. Cijfers",
        "decisions": "Studiedag",
        "next_meeting_date": "01/02/2027",
    } | overrides


# --- recording -------------------------------------------------------------------------------


def test_the_school_records_a_meeting_with_everything(region):
    document = a_document(region)
    afspraak = an_afspraak(region)

    overleg = record(region, documents=[document], afspraken=[afspraak], agenda="  Cijfers  ")

    overleg.refresh_from_db()
    assert overleg.dossier == region.dossier_a
    assert overleg.created_by == region.directie_a
    assert overleg.date == DATE
    assert overleg.school_participants == "Directeur, zorgcoördinator"
    assert overleg.clb_participants == "CLB-anker"
    assert overleg.pbd_participants == "Pedagogisch begeleider"
    assert overleg.lsc_participants == ""
    assert overleg.data_reflected_on == "Datawijzer, leersteunwijzer en de cijfers van het CLB."
    assert overleg.agenda == "Cijfers"
    assert overleg.decisions == "Een studiedag over differentiatie."
    assert overleg.next_meeting_date == datetime.date(2027, 2, 1)
    assert overleg.minutes_keeper == "school"
    assert list(overleg.documents.all()) == [document]
    assert list(overleg.afspraken.all()) == [afspraak]
    assert list(afspraak.overleggen.all()) == [overleg]


def test_the_zorgcoordinator_records_a_meeting_through_the_form(client, region):
    document = a_document(region)
    afspraak = an_afspraak(region)
    client.force_login(region.zorg_a)
    create = url("overleg_create", dossier=region.dossier_a)

    page = client.get(create)
    assert page.status_code == 200
    assert list(page.context["form"].fields["documents"].queryset) == [document]
    response = client.post(create, form_data(documents=[document.pk], afspraken=[afspraak.pk]))

    overleg = StructureelOverleg.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("overleg_detail", overleg)
    assert overleg.created_by == region.zorg_a
    assert overleg.date == DATE
    assert overleg.next_meeting_date == datetime.date(2027, 2, 1)
    assert overleg.lsc_participants == "Ankerpersoon"
    assert list(overleg.documents.all()) == [document]
    assert list(overleg.afspraken.all()) == [afspraak]

    detail = client.get(url("overleg_detail", overleg)).content.decode()
    for text in ("Directeur, zorgcoördinator", "CLB-anker", "Ankerpersoon", "Studiedag"):
        assert text in detail
    assert '<a href="https://example.org/datawijzer"' in detail
    assert (
        reverse(
            "documenten:document_detail",
            kwargs={"pk": region.dossier_a.pk, "document_pk": document.pk},
        )
        in detail
    )


def test_markup_in_a_meeting_record_is_shown_as_text(client, region):
    overleg = record(region, agenda='<script>alert("x")</script>', data_reflected_on="")
    client.force_login(region.clb_medewerker_a)

    content = client.get(url("overleg_detail", overleg)).content.decode()

    assert '<script>alert("x")</script>' not in content
    assert "&lt;script&gt;" in content


@pytest.mark.parametrize("days", [-1, 0])
def test_a_next_meeting_before_or_on_the_date_is_refused(region, days):
    with pytest.raises(ValidationError) as refused:
        record(region, next_meeting_date=DATE + datetime.timedelta(days))

    assert refused.value.message_dict == {
        "next_meeting_date": [_("The next meeting comes after this one.")]
    }
    assert not StructureelOverleg.objects.exists()


def test_a_next_meeting_before_the_date_is_refused_on_the_form(client, region):
    client.force_login(region.directie_a)

    response = client.post(
        url("overleg_create", dossier=region.dossier_a), form_data(next_meeting_date="01/09/2026")
    )

    assert response.status_code == 400
    assert response.context["form"].errors["next_meeting_date"] == [
        _("The next meeting comes after this one.")
    ]
    assert not StructureelOverleg.objects.exists()


def test_the_agenda_is_required(client, region):
    client.force_login(region.directie_a)

    response = client.post(url("overleg_create", dossier=region.dossier_a), form_data(agenda=""))

    assert response.status_code == 400
    assert "agenda" in response.context["form"].errors
    with pytest.raises(ValidationError):
        record(region, agenda="   ")
    assert not StructureelOverleg.objects.exists()


def test_linking_a_document_or_agreement_of_another_dossier_is_refused(client, region):
    theirs = a_document(region, dossier=region.dossier_b, user=region.directie_b)
    their_afspraak = afspraak_create(
        dossier=region.dossier_b,
        user=region.directie_b,
        access=user_flags(region.directie_b, region.dossier_b),
        title="Hun afspraak",
        topic="overleg",
        evaluation_date=datetime.date(2027, 6, 1),
        summary="Niet van school A.",
        parties={
            "school": (region.school_b, "Zij."),
            "clb": (region.clb_other, "Hun CLB."),
        },
    )

    with pytest.raises(ValidationError) as refused:
        record(region, documents=[theirs])
    assert refused.value.messages == [_("Link only documents and agreements of this dossier.")]
    with pytest.raises(ValidationError):
        record(region, afspraken=[their_afspraak])
    assert not StructureelOverleg.objects.exists()

    client.force_login(region.directie_a)
    response = client.post(
        url("overleg_create", dossier=region.dossier_a), form_data(documents=[theirs.pk])
    )
    assert response.status_code == 400
    assert "documents" in response.context["form"].errors
    assert not StructureelOverleg.objects.exists()


def test_a_partner_cannot_link_a_document_it_cannot_see_through_the_form(client, region):
    school_only = a_document(region, title="Alleen school", for_clb=False)
    overleg = record(region, minutes_keeper="clb")
    client.force_login(region.clb_medewerker_a)

    response = client.post(url("overleg_edit", overleg), form_data(documents=[school_only.pk]))

    assert response.status_code == 400
    assert "documents" in response.context["form"].errors
    assert list(overleg.documents.all()) == []


# --- who reads, who writes -------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["clb_medewerker_a", "lsc_anker_a", "pbd_begeleider_a"])
def test_partners_read_the_meetings_but_cannot_record_one(client, region, persona):
    overleg = record(region)
    user = region.persona(persona)
    client.force_login(user)

    listing = client.get(url("overleggen", dossier=region.dossier_a))
    assert listing.status_code == 200
    assert list(listing.context["page"].object_list) == [overleg]
    assert listing.context["can_write"] is False
    assert url("overleg_create", dossier=region.dossier_a) not in listing.content.decode()
    detail = client.get(url("overleg_detail", overleg))
    assert detail.status_code == 200
    assert detail.context["can_write"] is False
    assert url("overleg_edit", overleg) not in detail.content.decode()

    create = url("overleg_create", dossier=region.dossier_a)
    assert client.get(create).status_code == 403
    assert client.post(create, form_data()).status_code == 403
    assert client.get(url("overleg_edit", overleg)).status_code == 403
    assert (
        client.post(url("overleg_edit", overleg), form_data(agenda="Gewijzigd")).status_code == 403
    )
    with pytest.raises(PermissionDenied):
        record(region, user=user)
    assert StructureelOverleg.objects.count() == 1
    overleg.refresh_from_db()
    assert overleg.agenda == "1. Cijfers\n2. Professionalisering"


@pytest.mark.parametrize("persona", ["leerkracht_a", "clb_medewerker_other", "platform_admin"])
def test_people_without_access_get_404(client, region, persona):
    overleg = record(region)
    client.force_login(region.persona(persona))

    for target in (
        url("overleggen", dossier=region.dossier_a),
        url("overleg_create", dossier=region.dossier_a),
        url("overleg_detail", overleg),
        url("overleg_edit", overleg),
    ):
        assert client.get(target).status_code == 404


def test_another_schools_meeting_gives_404(client, region):
    overleg = record(region)
    client.force_login(region.directie_b)

    assert client.get(url("overleg_detail", overleg)).status_code == 404
    crossed = reverse(
        "overleg:overleg_detail", kwargs={"pk": region.dossier_b.pk, "overleg_pk": overleg.pk}
    )
    assert client.get(crossed).status_code == 404


def test_the_clb_keeping_the_minutes_edits_that_meeting(client, region):
    kept_by_clb = record(region, minutes_keeper="clb")
    kept_by_school = record(region, date=datetime.date(2026, 9, 15), minutes_keeper="school")
    client.force_login(region.clb_medewerker_a)

    access = user_flags(region.clb_medewerker_a, region.dossier_a)
    assert access.may_edit_meeting(kept_by_clb)
    assert not access.may_edit_meeting(kept_by_school)
    assert not access.may_record_meeting()
    assert client.get(url("overleg_detail", kept_by_clb)).context["can_write"] is True
    assert client.get(url("overleg_edit", kept_by_clb)).status_code == 200
    response = client.post(
        url("overleg_edit", kept_by_clb),
        form_data(minutes_keeper="clb", decisions="Verslag door het CLB aangevuld."),
    )
    assert response.status_code == 302
    kept_by_clb.refresh_from_db()
    assert kept_by_clb.decisions == "Verslag door het CLB aangevuld."
    assert kept_by_clb.created_by == region.directie_a
    # Not the meeting the school keeps, and never a new one.
    assert client.get(url("overleg_edit", kept_by_school)).status_code == 403
    assert client.get(url("overleg_create", dossier=region.dossier_a)).status_code == 403
    # The LSC does not keep these minutes.
    client.force_login(region.lsc_anker_a)
    assert client.get(url("overleg_edit", kept_by_clb)).status_code == 403


def test_a_read_only_partner_keeping_the_minutes_still_cannot_edit(client, region):
    overleg = record(region, minutes_keeper="pbd")
    client.force_login(region.pbd_begeleider_a)

    assert client.get(url("overleg_edit", overleg)).status_code == 403
    with pytest.raises(PermissionDenied):
        record(region, user=region.pbd_begeleider_a)


# --- linked items and need-to-know -----------------------------------------------------------


def test_a_linked_document_outside_the_viewers_audience_is_not_shown(client, region):
    school_only = a_document(region, title="Alleen voor de school", for_clb=False)
    shared = a_document(region, title="Gedeeld met het CLB")
    afspraak = an_afspraak(region, title="Afspraak school en CLB")
    overleg = record(region, documents=[school_only, shared], afspraken=[afspraak])

    client.force_login(region.directie_a)
    school_view = client.get(url("overleg_detail", overleg))
    assert set(school_view.context["overleg"].documents.all()) == {school_only, shared}
    assert "Alleen voor de school" in school_view.content.decode()

    client.force_login(region.clb_medewerker_a)
    clb_view = client.get(url("overleg_detail", overleg))
    assert list(clb_view.context["overleg"].documents.all()) == [shared]
    content = clb_view.content.decode()
    assert "Alleen voor de school" not in content
    assert "Gedeeld met het CLB" in content
    assert "Afspraak school en CLB" in content

    client.force_login(region.lsc_anker_a)
    lsc_view = client.get(url("overleg_detail", overleg))
    assert list(lsc_view.context["overleg"].documents.all()) == []
    assert list(lsc_view.context["overleg"].afspraken.all()) == []
    content = lsc_view.content.decode()
    for title in ("Alleen voor de school", "Gedeeld met het CLB", "Afspraak school en CLB"):
        assert title not in content


def test_a_linked_document_in_the_bin_is_not_shown(client, region):
    from dossier.documenten.services import document_delete

    document = a_document(region, title="Weggegooid verslag")
    overleg = record(region, documents=[document])
    document_delete(
        document=document, user=region.zorg_a, access=user_flags(region.zorg_a, document.dossier)
    )
    client.force_login(region.clb_medewerker_a)

    content = client.get(url("overleg_detail", overleg)).content.decode()

    assert "Weggegooid verslag" not in content


def test_the_minutes_keeper_editing_keeps_links_it_cannot_see(client, region):
    """The CLB keeps the minutes and edits the record. Its form offers only the documents and
    agreements the CLB may see; saving must not unlink the ones it could not see (the
    school-only document, the school + LSC agreement). This holds because the meeting's links
    are prefetched through the viewer's audience, so ``set()`` only compares visible links.
    """
    school_only = a_document(region, title="Alleen voor de school", for_clb=False)
    shared = a_document(region, title="Gedeeld met het CLB")
    lsc_afspraak = an_afspraak(
        region,
        title="Afspraak school en LSC",
        parties={
            "school": (region.school_a, "Verzamelt."),
            "lsc": (region.lsc_a, "Bundelt."),
        },
    )
    overleg = record(
        region, minutes_keeper="clb", documents=[school_only, shared], afspraken=[lsc_afspraak]
    )
    client.force_login(region.clb_medewerker_a)

    form = client.get(url("overleg_edit", overleg)).context["form"]
    # What the CLB's form shows as checked: only what it may see.
    assert [d.pk for d in form.initial["documents"]] == [shared.pk]
    response = client.post(
        url("overleg_edit", overleg),
        form_data(minutes_keeper="clb", decisions="Aangevuld door het CLB.", documents=[shared.pk]),
    )

    assert response.status_code == 302
    overleg.refresh_from_db()
    assert overleg.decisions == "Aangevuld door het CLB."
    assert set(overleg.documents.all()) == {school_only, shared}
    assert list(overleg.afspraken.all()) == [lsc_afspraak]
    # Unchecking the one it sees unlinks that one only.
    response = client.post(url("overleg_edit", overleg), form_data(minutes_keeper="clb"))
    assert response.status_code == 302
    assert list(overleg.documents.all()) == [school_only]
    assert list(overleg.afspraken.all()) == [lsc_afspraak]


def test_the_form_offers_only_items_of_the_viewers_audience(client, region):
    a_document(region, title="Alleen voor de school", for_clb=False)
    shared = a_document(region, title="Gedeeld met het CLB")
    afspraak = an_afspraak(region)
    overleg = record(region, minutes_keeper="clb")
    client.force_login(region.clb_medewerker_a)

    form = client.get(url("overleg_edit", overleg)).context["form"]

    assert list(form.fields["documents"].queryset) == [shared]
    assert list(form.fields["afspraken"].queryset) == [afspraak]


def test_meetings_are_listed_newest_first(client, region):
    older = record(region, date=datetime.date(2026, 3, 1), next_meeting_date=None)
    newer = record(region)
    client.force_login(region.pbd_begeleider_a)

    listing = client.get(url("overleggen", dossier=region.dossier_a))

    assert list(listing.context["page"].object_list) == [newer, older]


@pytest.mark.parametrize(
    ("persona", "keeper", "expected"),
    [
        ("zorg_a", "school", None),  # the school edits every meeting
        ("clb_medewerker_a", "clb", None),  # the CLB keeps these minutes
        ("clb_medewerker_a", "school", PermissionDenied),  # reads it, may not change it
        ("pbd_begeleider_a", "pbd", PermissionDenied),  # keeps the minutes, but a read grant
        ("lsc_anker_a", "clb", PermissionDenied),
        ("clb_medewerker_other", "clb", Http404),  # no access to the dossier at all
        ("directie_b", "school", Http404),
    ],
)
def test_getting_a_meeting_to_write_enforces_who_may_change_it(region, persona, keeper, expected):
    overleg = record(region, minutes_keeper=keeper)
    user = region.persona(persona)

    # reading it is for everyone with access
    if expected is not Http404:
        assert overleg_get(user, pk=region.dossier_a.pk, overleg_pk=overleg.pk)[2] == overleg
    if expected is None:
        _dossier, access, found = overleg_get(
            user, pk=region.dossier_a.pk, overleg_pk=overleg.pk, write=True
        )
        assert found == overleg and access.may_edit_meeting(found)
    else:
        with pytest.raises(expected):
            overleg_get(user, pk=region.dossier_a.pk, overleg_pk=overleg.pk, write=True)
