"""Query budgets for shared documents, agreements and meetings: the same count at any size.

Each page is requested as a non-superuser (the CLB medewerker, with a contribute grant) at a
small and a large size; the count is asserted exactly with each query named, so an N+1 shows
up as a failure. REQUEST_OVERHEAD (session, user, MFA status, session save) comes from the
foundation's budget tests.
"""

from __future__ import annotations

import datetime
import itertools
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)
from conftest import log_in
from dossier.afspraken.models import Samenwerkingsafspraak
from dossier.afspraken.services import afspraak_approve, afspraak_change, afspraak_create
from dossier.core.access import user_flags
from dossier.core.services import AccessLevel, access_grant
from dossier.documenten.models import Document, DocumentVersie
from dossier.documenten.services import document_upload
from dossier.documenten.tests.test_uploads import pdf_bytes, upload
from dossier.overleg.services import overleg_save
from tests.test_query_budgets import REQUEST_OVERHEAD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


class School:
    """A school with a CLB, its directie, two zorgteam members and two CLB medewerkers."""

    def __init__(self):
        self.school = OrganisationFactory()
        self.clb = OrganisationFactory(clb=True)
        self.lsc = OrganisationFactory(lsc=True)
        for partner in (self.clb, self.lsc):
            PartnershipFactory(school=self.school, partner=partner)
        self.dossier = self.school.dossier
        self.directie = UserFactory(with_mfa=True)
        MembershipFactory(user=self.directie, organisation=self.school, role=Role.DIRECTIE)
        self.zorg = [self._member(self.school, Role.ZORGCOORDINATOR) for _ in range(2)]
        self.clb_staff = [self._member(self.clb, Role.CLB_MEDEWERKER) for _ in range(2)]
        self.medewerker = self.clb_staff[0]
        # Authors take turns, so that a per-row lookup of a person would show.
        self.authors = itertools.cycle([*self.zorg, *self.clb_staff, self.directie])

    def next_author(self, *, exclude=()) -> dict:
        """The next author in turn and their access, as a service's keyword arguments."""
        user = next(author for author in self.authors if author not in exclude)
        return {"user": user, "access": user_flags(user, self.dossier)}

    def _member(self, org, role):
        user = UserFactory(with_mfa=True)
        MembershipFactory(user=user, organisation=org, role=role)
        access_grant(
            dossier=self.dossier,
            granted_by=self.directie,
            access=user_flags(self.directie, self.dossier),
            user=user,
            level=AccessLevel.CONTRIBUTE,
        )
        return user


def with_documents(count: int) -> School:
    """``count`` documents for school + CLB, each with two versions by different people."""
    school = School()
    documents = Document.objects.bulk_create(
        Document(
            dossier=school.dossier,
            title=f"Verslag {index:03d}",
            kind=Document.Kind.VERSLAG,
            school_year="2026-2027",
            created_by=next(school.authors),
        )
        for index in range(count)
    )
    DocumentVersie.objects.bulk_create(
        DocumentVersie(
            document=document,
            number=number,
            file=f"documents/2026/11/bestand-{document.pk}-{number}",
            original_name=f"verslag-{number}.pdf",
            content_type="application/pdf",
            size=1000 * number,
            sha256="0" * 64,
            uploaded_by=next(school.authors),
        )
        for document in documents
        for number in (1, 2)
    )
    return school


def with_agreements(count: int) -> School:
    """``count`` agreements binding school + CLB, each with an approved v1 and a draft v2."""
    school = School()
    for index in range(count):
        parties = {
            "school": (school.school, "De zorgcoördinator."),
            "clb": (school.clb, "Het CLB-anker."),
        }
        afspraak = afspraak_create(
            dossier=school.dossier,
            **school.next_author(),
            title=f"Afspraak {index:03d}",
            topic=Samenwerkingsafspraak.Topic.CONSULTATIE,
            evaluation_date=datetime.date(2027, 6, 1) + datetime.timedelta(index),
            summary="Eerste versie.",
            parties=parties,
        )
        afspraak_approve(
            afspraak=afspraak,
            user=school.zorg[index % 2],
            access=user_flags(school.zorg[index % 2], afspraak.dossier),
        )
        afspraak_approve(
            afspraak=afspraak,
            user=school.clb_staff[index % 2],
            access=user_flags(school.clb_staff[index % 2], afspraak.dossier),
        )
        afspraak_change(
            afspraak=afspraak,
            **school.next_author(),
            title=afspraak.title,
            topic=afspraak.topic,
            evaluation_date=afspraak.evaluation_date,
            summary="Tweede versie.",
            parties=parties,
        )
        afspraak_approve(
            afspraak=afspraak,
            user=school.directie,
            access=user_flags(school.directie, afspraak.dossier),
        )
    return school


def with_meetings(count: int) -> School:
    """``count`` meetings, each linking a document and an agreement."""
    school = School()
    document = document_upload(
        dossier=school.dossier,
        user=school.zorg[0],
        access=user_flags(school.zorg[0], school.dossier),
        uploaded=upload("datawijzer.pdf", pdf_bytes()),
        title="Datawijzer",
        kind=Document.Kind.VERSLAG,
        school_year="2026-2027",
    )
    afspraak = afspraak_create(
        dossier=school.dossier,
        user=school.directie,
        access=user_flags(school.directie, school.dossier),
        title="Overleg",
        topic=Samenwerkingsafspraak.Topic.OVERLEG,
        evaluation_date=datetime.date(2027, 6, 1),
        summary="Drie keer per jaar.",
        parties={"school": (school.school, "Nodigt uit."), "clb": (school.clb, "Komt.")},
    )
    start = timezone.localdate() - datetime.timedelta(days=count * 30)
    for index in range(count):
        overleg_save(
            dossier=school.dossier,
            **school.next_author(exclude=school.clb_staff),
            documents=[document],
            afspraken=[afspraak],
            date=start + datetime.timedelta(days=index * 30),
            agenda=f"Agenda {index}: cijfers en professionalisering",
            minutes_keeper="clb" if index % 2 else "school",
            next_meeting_date=start + datetime.timedelta(days=index * 30 + 30),
        )
    return school


@pytest.mark.parametrize("count", [5, 60])
def test_documents_list_costs_the_same_at_5_and_60_documents(
    client, django_assert_num_queries, count
):
    school = with_documents(count)
    log_in(client, school.medewerker)
    url = reverse("documenten:documents", kwargs={"pk": school.dossier.pk})
    # 1. the dossier with the access flags, 2. the count for the paginator,
    # 3. the page of documents with their authors, 4. their versions with their uploaders
    with django_assert_num_queries(REQUEST_OVERHEAD + 4):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 25)
    # The same with a filter.
    with django_assert_num_queries(REQUEST_OVERHEAD + 4):
        response = client.get(url, {"kind": "verslag", "q": "verslag", "school_year": "2026-2027"})
    assert response.context["page"].paginator.count == count


@pytest.mark.parametrize("count", [5, 60])
def test_document_bin_costs_the_same_at_5_and_60_documents(
    client, django_assert_num_queries, count
):
    school = with_documents(count)
    Document.objects.filter(dossier=school.dossier).update(
        deleted_at=timezone.now(), deleted_by=school.zorg[1]
    )
    log_in(client, school.medewerker)
    # 1. the dossier with the access flags, 2. the count, 3. the page of documents with who
    # made and who deleted them, 4. their versions with their uploaders
    with django_assert_num_queries(REQUEST_OVERHEAD + 4):
        response = client.get(reverse("documenten:document_bin", kwargs={"pk": school.dossier.pk}))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 25)


@pytest.mark.parametrize("count", [2, 30])
def test_document_detail_costs_the_same_at_2_and_30_versions(
    client, django_assert_num_queries, count
):
    school = with_documents(1)
    document = Document.objects.get(dossier=school.dossier)
    DocumentVersie.objects.bulk_create(
        DocumentVersie(
            document=document,
            number=number,
            file=f"documents/2026/11/extra-{number}",
            original_name=f"verslag-{number}.pdf",
            content_type="application/pdf",
            size=100,
            sha256="0" * 64,
            uploaded_by=next(school.authors),
        )
        for number in range(3, count + 1)
    )
    log_in(client, school.medewerker)
    url = reverse(
        "documenten:document_detail", kwargs={"pk": school.dossier.pk, "document_pk": document.pk}
    )
    # 1. the dossier with the access flags, 2. the document with its author,
    # 3. its versions with their uploaders; whether this person may change it is asked of the
    # access computed in 1.
    with django_assert_num_queries(REQUEST_OVERHEAD + 3):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["document"].versies.all()) == count


@pytest.mark.parametrize("count", [5, 40])
def test_agreements_list_costs_the_same_at_5_and_40_agreements(
    client, django_assert_num_queries, count
):
    school = with_agreements(count)
    log_in(client, school.medewerker)
    # 1. the dossier with the access flags, 2. the agreements with their authors,
    # 3. their versions, 4. the parties of those versions with organisation and approver
    with django_assert_num_queries(REQUEST_OVERHEAD + 4):
        response = client.get(reverse("afspraken:afspraken", kwargs={"pk": school.dossier.pk}))
    assert response.status_code == 200
    assert len(response.context["afspraken"]) == count
    assert all(afspraak.current.number == 2 for afspraak in response.context["afspraken"])


@pytest.mark.parametrize("count", [2, 20])
def test_agreement_detail_costs_the_same_at_2_and_20_versions(
    client, django_assert_num_queries, count
):
    school = with_agreements(1)
    afspraak = Samenwerkingsafspraak.objects.get(dossier=school.dossier)
    parties = {"school": (school.school, "Dit."), "clb": (school.clb, "Dat.")}
    for number in range(3, count + 1):
        afspraak_change(
            afspraak=afspraak,
            **school.next_author(),
            title=afspraak.title,
            topic=afspraak.topic,
            evaluation_date=afspraak.evaluation_date,
            summary=f"Versie {number}.",
            parties=parties,
        )
        afspraak_approve(
            afspraak=afspraak,
            user=school.zorg[number % 2],
            access=user_flags(school.zorg[number % 2], afspraak.dossier),
        )
    log_in(client, school.medewerker)
    url = reverse(
        "afspraken:afspraak_detail", kwargs={"pk": school.dossier.pk, "afspraak_pk": afspraak.pk}
    )
    # 1. the dossier with the access flags, 2. the agreement with its author, 3. its versions,
    # 4. their parties with organisation and approver, 5. the current version's author,
    # 6. the samenwerkingsgesprek it may come from (for those who read that section)
    with django_assert_num_queries(REQUEST_OVERHEAD + 6):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["earlier"]) == count - 1


@pytest.mark.parametrize("count", [5, 40])
def test_meetings_list_costs_the_same_at_5_and_40_meetings(
    client, django_assert_num_queries, count
):
    school = with_meetings(count)
    log_in(client, school.medewerker)
    # 1. the dossier with the access flags (which also say whether this person may record a
    # meeting), 2. the count for the paginator, 3. the page of meetings with their authors
    with django_assert_num_queries(REQUEST_OVERHEAD + 3):
        response = client.get(reverse("overleg:overleggen", kwargs={"pk": school.dossier.pk}))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 20)


@pytest.mark.parametrize("count", [2, 30])
def test_meeting_detail_costs_the_same_at_2_and_30_linked_items(
    client, django_assert_num_queries, count
):
    school = with_meetings(1)
    documents = [
        document_upload(
            dossier=school.dossier,
            **school.next_author(),
            uploaded=upload(f"bijlage-{index}.pdf", pdf_bytes(str(index))),
            title=f"Bijlage {index}",
            kind=Document.Kind.VERSLAG,
            school_year="2026-2027",
        )
        for index in range(count)
    ]
    afspraken = [
        afspraak_create(
            dossier=school.dossier,
            user=school.directie,
            access=user_flags(school.directie, school.dossier),
            title=f"Afspraak {index}",
            topic=Samenwerkingsafspraak.Topic.OVERLEG,
            evaluation_date=datetime.date(2027, 6, 1),
            summary="Samen.",
            parties={"school": (school.school, "Dit."), "clb": (school.clb, "Dat.")},
        )
        for index in range(count)
    ]
    overleg = school.dossier.overleggen.get()
    overleg.documents.set(documents)
    overleg.afspraken.set(afspraken)
    log_in(client, school.medewerker)
    url = reverse(
        "overleg:overleg_detail", kwargs={"pk": school.dossier.pk, "overleg_pk": overleg.pk}
    )
    # 1. the dossier with the access flags (which also say whether this person may change
    # it), 2. the meeting with its author, 3. its documents in this person's audience, 4. their
    # versions, 5. its agreements in this person's audience
    with django_assert_num_queries(REQUEST_OVERHEAD + 5):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["overleg"].documents.all()) == count
    assert len(response.context["overleg"].afspraken.all()) == count
