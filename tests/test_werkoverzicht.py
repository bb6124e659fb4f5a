"""The werkoverzicht on the home page: what needs a person, counted only where they may read,
at the same cost for 2 schools as for 80."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.roles import OrganisationKind, Role
from accounts.sessions import PREVIOUS_LOGIN_KEY
from accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)
from accounts.tests.test_login_without_redis import cache_at, free_port  # noqa: F401
from conftest import log_in
from consultatie.models import Consultatie, Opmerking
from dossier.afspraken.models import AfspraakPartij, AfspraakVersie, Samenwerkingsafspraak
from dossier.core.access import user_flags
from dossier.core.registry import Bucket
from dossier.core.services import AccessLevel, access_grant, access_revoke
from dossier.core.werkoverzicht import werkoverzicht
from dossier.documenten.models import Document, DocumentVersie
from dossier.overleg.models import StructureelOverleg
from dossier.rapporten.models import Report
from leersteun.models import Leersteunvraag
from samenwerking.schoolyear import school_year_of
from signalen.models import Aanvulling, Signaal
from signalen.tests.factories import BronFactory, ThemaFactory
from tests.test_query_budgets import REQUEST_OVERHEAD

TODAY = timezone.localdate()
YEAR = school_year_of(TODAY)
LONG_AGO = TODAY - datetime.timedelta(days=40)


class Items:
    """Makes what a school's dossier holds, written as the section's rows (not through the
    services: these tests are about reading them). ``school.directie`` writes by default."""

    def __init__(self, *, clb, pbd, lsc):
        self.clb, self.pbd, self.lsc = clb, pbd, lsc
        self.thema = ThemaFactory()
        self.bron = BronFactory()

    def signaal(self, school, *, author=None, follow_up=None, status="nieuw"):
        author = author or school.directie
        return Signaal.objects.create(
            dossier=school.dossier,
            title=f"Signaal van {school.name}",
            text="Meer afwezigheden op maandag.",
            thema=self.thema,
            bron=self.bron,
            school_year=YEAR,
            follow_up_date=follow_up,
            status=status,
            author=author,
            author_organisation=author.memberships.get().organisation,
            last_activity_at=timezone.now(),
        )

    def aanvulling(self, signaal, *, author):
        return Aanvulling.objects.create(
            signaal=signaal,
            kind="duiding",
            text="De CLB-medewerker ziet het ook.",
            author=author,
            author_organisation=author.memberships.get().organisation,
        )

    def note(self, school, *, author, follow_up=None):
        return Consultatie.objects.create(
            dossier=school.dossier,
            date=TODAY - datetime.timedelta(days=10),
            school_year=YEAR,
            asked_by="zorgcoordinator",
            subject_kind="klas",
            label="5A",
            question="Hoe houdt de klas de aandacht vast?",
            follow_up_date=follow_up,
            author=author,
            author_organisation=author.memberships.get().organisation,
        )

    def remark(self, note, *, author):
        return Opmerking.objects.create(
            consultatie=note,
            text="We probeerden het; het helpt.",
            author=author,
            author_organisation=author.memberships.get().organisation,
        )

    def document(self, school, *, by, for_clb=True, for_pbd=False):
        document = Document.objects.create(
            dossier=school.dossier,
            title=f"Visietekst {school.name}",
            kind=Document.Kind.VISIETEKST,
            school_year=YEAR,
            created_by=by,
            for_clb=for_clb,
            for_pbd=for_pbd,
        )
        DocumentVersie.objects.create(
            document=document,
            number=1,
            file="documenten/test.pdf",
            original_name="visie.pdf",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
            uploaded_by=by,
        )
        return document

    def afspraak(self, school, *, status, evaluation_date, partner=None, approved=False):
        partner = partner or self.clb
        afspraak = Samenwerkingsafspraak.objects.create(
            dossier=school.dossier,
            title=f"Afspraak met {partner.name}",
            topic="communicatie",
            status=status,
            evaluation_date=evaluation_date,
            created_by=school.directie,
            for_clb=partner.kind == OrganisationKind.CLB,
            for_pbd=partner.kind == OrganisationKind.PBD,
        )
        versie = AfspraakVersie.objects.create(
            afspraak=afspraak, number=1, summary="We spreken af.", created_by=school.directie
        )
        AfspraakPartij.objects.create(
            versie=versie,
            kind=OrganisationKind.SCHOOL,
            organisation=school,
            responsibilities="De school doet dit.",
            approved_by=school.directie,
            approved_at=timezone.now(),
        )
        AfspraakPartij.objects.create(
            versie=versie,
            kind=partner.kind,
            organisation=partner,
            responsibilities="De partner doet dat.",
            approved_at=timezone.now() if approved else None,
        )
        return afspraak

    def meeting(self, school, *, date, next_meeting_date=None):
        return StructureelOverleg.objects.create(
            dossier=school.dossier,
            date=date,
            agenda="Signalen en afspraken",
            next_meeting_date=next_meeting_date,
            minutes_keeper="school",
            created_by=school.directie,
        )

    def vraag(self, school, *, by):
        return Leersteunvraag.objects.create(
            dossier=school.dossier,
            lsc=self.lsc,
            school_year=YEAR,
            level="leerling",
            owner="zorgcoordinator",
            label="3B-1",
            leervraag="Hoe ondersteunen we lezen?",
            registered_by=by,
            registered_side="school",
        )

    def report(self, school, *, by, status=Report.Status.DONE):
        report = Report.objects.create(
            dossier=school.dossier,
            kind="signalenoverzicht",
            school_year=YEAR,
            requested_by=by,
            status=status,
            finished_at=timezone.now() if status == Report.Status.DONE else None,
        )
        if status == Report.Status.DONE:
            report.file.save("signalen.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
        return report


class Region(Items):
    """A CLB, a PBD and an LSC serving ``count`` schools; the CLB medewerker holds a
    contribute grant on each dossier, so do a colleague, a PBD begeleider and an LSC
    ankerpersoon."""

    def __init__(self, count: int):
        super().__init__(
            clb=OrganisationFactory(clb=True),
            pbd=OrganisationFactory(pbd=True),
            lsc=OrganisationFactory(lsc=True),
        )
        self.medewerker = self._person(self.clb, Role.CLB_MEDEWERKER)
        self.colleague = self._person(self.clb, Role.CLB_MEDEWERKER)
        self.begeleider = self._person(self.pbd, Role.PBD_BEGELEIDER)
        self.ankerpersoon = self._person(self.lsc, Role.LSC_ANKERPERSOON)
        self.schools = []
        for _ in range(count):
            school = OrganisationFactory()
            for partner in (self.clb, self.pbd, self.lsc):
                PartnershipFactory(school=school, partner=partner)
            directie = self._person(school, Role.DIRECTIE)
            for person in (self.medewerker, self.colleague, self.begeleider, self.ankerpersoon):
                access_grant(
                    dossier=school.dossier,
                    granted_by=directie,
                    access=user_flags(directie, school.dossier),
                    user=person,
                    level=AccessLevel.CONTRIBUTE,
                )
            school.directie = directie
            self.schools.append(school)

    @staticmethod
    def _person(organisation, role):
        person = UserFactory(with_mfa=True)
        MembershipFactory(user=person, organisation=organisation, role=role)
        return person

    def fill(self, school):
        """One of everything that needs the CLB medewerker, and things that do not."""
        self.signaal(school, follow_up=TODAY - datetime.timedelta(days=3))  # overdue, new
        closed = self.signaal(school, follow_up=LONG_AGO, status="afgesloten")  # new only
        self.aanvulling(closed, author=school.directie)  # new
        self.aanvulling(closed, author=self.medewerker)  # their own: not new
        note = self.note(
            school, author=self.colleague, follow_up=TODAY - datetime.timedelta(days=1)
        )  # overdue and new
        self.remark(note, author=school.directie)  # new
        self.document(school, by=school.directie)  # new
        self.document(school, by=school.directie, for_clb=False, for_pbd=True)  # not theirs
        self.afspraak(school, status="approved", evaluation_date=TODAY)  # to evaluate
        self.afspraak(school, status="draft", evaluation_date=TODAY)  # asked of the CLB
        self.afspraak(school, status="draft", evaluation_date=TODAY, partner=self.pbd)  # PBD's
        self.meeting(school, date=TODAY + datetime.timedelta(days=7))  # coming up
        self.meeting(school, date=TODAY + datetime.timedelta(days=90))  # too far off
        self.vraag(school, by=school.directie)  # new
        self.report(school, by=self.medewerker)  # ready
        self.report(school, by=self.colleague)  # someone else's


# Per school, for the CLB medewerker, after ``fill``.
EXPECTED = {
    Bucket.OVERDUE: 3,  # the signal, the note, the agreement to evaluate
    Bucket.ASKED: 1,  # the CLB's draft
    Bucket.NEW: 7,  # 2 signals, 1 supplement, the note, the remark, the document, the vraag
    Bucket.UPCOMING: 1,
    Bucket.READY: 1,
}


def totals(page) -> dict[str, int]:
    return {bucket.key: bucket.total for bucket in page.buckets}


@pytest.mark.django_db
def test_what_needs_a_clb_medewerker_is_counted_per_school_and_in_total():
    region = Region(2)
    for school in region.schools:
        region.fill(school)
    page = werkoverzicht(region.medewerker)
    assert totals(page) == {bucket: 2 * count for bucket, count in EXPECTED.items()}
    for line in page.schools:
        assert line.counts == EXPECTED
    new = next(bucket for bucket in page.buckets if bucket.key == Bucket.NEW)
    assert len(new.items) == 8 and new.more == 6
    titles = {item.title for bucket in page.buckets for item in bucket.items}
    assert not any(title.startswith("Visietekst") and "PBD" in title for title in titles)


@pytest.mark.django_db
def test_each_person_counts_only_what_they_may_read():
    region = Region(1)
    (school,) = region.schools
    region.fill(school)
    # the PBD reads signals, not consultation notes; its document and its draft are its own
    pbd = werkoverzicht(region.begeleider).schools[0].counts
    assert pbd == {
        Bucket.ASKED: 1,  # the PBD's draft, not the CLB's
        Bucket.OVERDUE: 1,  # the overdue signal; no note, no agreement of the CLB's
        # 2 signals, 2 supplements (the CLB's too), the PBD's document; no note, no vraag
        Bucket.NEW: 5,
        Bucket.UPCOMING: 1,  # the meeting
    }
    # the LSC reads no signals and no notes; it reads the leersteunvraag and the meeting
    lsc = werkoverzicht(region.ankerpersoon).schools[0].counts
    assert lsc == {Bucket.NEW: 1, Bucket.UPCOMING: 1}


@pytest.mark.django_db
def test_a_school_the_person_cannot_open_counts_for_nothing():
    region = Region(1)
    other = Region(1)
    region.fill(region.schools[0])
    other.fill(other.schools[0])
    page = werkoverzicht(region.medewerker)
    assert [line.dossier.pk for line in page.schools] == [region.schools[0].dossier.pk]
    assert totals(page) == EXPECTED
    # a platform administrator with no grant sees nothing at all
    admin = UserFactory(is_staff=True, is_superuser=True)
    assert werkoverzicht(admin).schools == [] and werkoverzicht(admin).total == 0


@pytest.mark.django_db
def test_a_revoked_grant_takes_the_school_off_the_werkoverzicht():
    region = Region(2)
    for school in region.schools:
        region.fill(school)
    school = region.schools[0]
    access_revoke(
        dossier=school.dossier,
        user=region.medewerker,
        revoked_by=school.directie,
        access=user_flags(school.directie, school.dossier),
    )
    page = werkoverzicht(region.medewerker)
    assert [line.dossier.pk for line in page.schools] == [region.schools[1].dossier.pk]
    assert totals(page) == EXPECTED


@pytest.mark.django_db
def test_new_means_since_the_previous_login_and_never_ones_own_work():
    region = Region(1)
    (school,) = region.schools
    before = region.signaal(school)
    Signaal.objects.filter(pk=before.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    region.signaal(school, author=region.colleague)
    region.signaal(school, author=region.medewerker)  # their own
    since = timezone.now() - datetime.timedelta(days=1)
    page = werkoverzicht(region.medewerker, since=since)
    assert page.schools[0].counts == {Bucket.NEW: 1}
    assert not page.first_visit
    # without a previous login: the last two weeks
    assert werkoverzicht(region.medewerker).schools[0].counts == {Bucket.NEW: 2}


@pytest.mark.django_db
def test_an_announced_next_meeting_counts_once_and_only_when_it_is_near():
    region = Region(1)
    (school,) = region.schools
    soon = TODAY + datetime.timedelta(days=10)
    region.meeting(school, date=LONG_AGO, next_meeting_date=soon)
    assert werkoverzicht(region.medewerker).schools[0].counts == {Bucket.UPCOMING: 1}
    region.meeting(school, date=soon)  # the meeting of that date is recorded now
    assert werkoverzicht(region.medewerker).schools[0].counts == {Bucket.UPCOMING: 1}
    region.meeting(school, date=LONG_AGO, next_meeting_date=TODAY + datetime.timedelta(days=60))
    assert werkoverzicht(region.medewerker).schools[0].counts == {Bucket.UPCOMING: 1}


@pytest.mark.django_db
def test_an_approved_agreement_or_an_older_version_asks_nothing():
    region = Region(1)
    (school,) = region.schools
    region.afspraak(school, status="draft", evaluation_date=TODAY, approved=True)
    afspraak = region.afspraak(school, status="draft", evaluation_date=TODAY)
    # a newer version replaced the one the CLB did not approve
    newer = AfspraakVersie.objects.create(
        afspraak=afspraak, number=2, summary="Anders.", created_by=school.directie
    )
    AfspraakPartij.objects.create(
        versie=newer, kind="clb", organisation=region.clb, responsibilities="x"
    )
    assert werkoverzicht(region.medewerker).schools[0].counts == {Bucket.ASKED: 1}
    # the zorgteam without contribute access approves nothing
    zorg = UserFactory()
    MembershipFactory(user=zorg, organisation=school, role=Role.ZORGCOORDINATOR)
    access_grant(
        dossier=school.dossier,
        granted_by=school.directie,
        access=user_flags(school.directie, school.dossier),
        user=zorg,
        level=AccessLevel.VIEW,
    )
    assert Bucket.ASKED not in werkoverzicht(zorg).schools[0].counts


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 80])
def test_the_home_page_costs_the_same_for_2_and_80_schools(
    client, django_assert_num_queries, count
):
    region = Region(count)
    for school in region.schools:
        region.fill(school)
    log_in(client, region.medewerker)
    # 1. the readable dossier ids (then cached), 2. the sum of their content versions (the
    # page cache's key), 3. the dossiers with their schools; signals: 2 counts + 3 lists;
    # notes: 2 counts + 3 lists; documents: count + list; agreements: 2 counts + 2 lists;
    # meetings: count + list; leersteun: 2 counts + 1 list (no gesprek planned); reports:
    # count + list; 4. the partners of the page's schools
    with django_assert_num_queries(REQUEST_OVERHEAD + 3 + 5 + 5 + 2 + 4 + 2 + 3 + 2 + 1):
        response = client.get(reverse("dossier:mijn_dossiers"))
    assert response.status_code == 200
    page = response.context["werk"]
    assert totals(page) == {bucket: count * n for bucket, n in EXPECTED.items()}
    assert len(response.context["page"].object_list) == min(count, 25)


@pytest.mark.django_db
def test_schools_that_need_attention_come_first_and_the_name_order_is_a_click_away(client):
    region = Region(3)
    quiet, busy, middling = region.schools
    region.fill(busy)
    region.vraag(middling, by=middling.directie)
    log_in(client, region.medewerker)
    response = client.get(reverse("dossier:mijn_dossiers"))
    order = [line.dossier.pk for line in response.context["page"].object_list]
    assert order == [busy.dossier.pk, middling.dossier.pk, quiet.dossier.pk]
    content = response.content.decode()
    assert 'class="dossier-card dossier-card--urgent"' in content
    assert "work-count--overdue" in content
    response = client.get(reverse("dossier:mijn_dossiers"), {"volgorde": "naam"})
    names = [line.dossier.school.name for line in response.context["page"].object_list]
    assert names == sorted(names, key=str.casefold)


@pytest.mark.django_db
def test_the_search_narrows_the_schools_and_keeps_their_counts(client):
    region = Region(2)
    wanted, _other = region.schools
    region.fill(wanted)
    log_in(client, region.medewerker)
    response = client.get(
        reverse("dossier:mijn_dossiers"),
        {"q": wanted.instellingsnummer},
        headers={"HX-Request": "true", "HX-Target": "dossier-results"},
    )
    lines = response.context["page"].object_list
    assert [line.dossier.pk for line in lines] == [wanted.dossier.pk]
    assert lines[0].counts == EXPECTED
    assert b"werk-tiles" not in response.content  # the partial: the list only


@pytest.mark.django_db
def test_the_page_links_every_item_to_a_page_the_person_may_open(client):
    region = Region(1)
    region.fill(region.schools[0])
    log_in(client, region.medewerker)
    page = client.get(reverse("dossier:mijn_dossiers")).context["werk"]
    urls = {item.url for bucket in page.buckets for item in bucket.items}
    # both signals, a note, a document, 2 agreements, a meeting, a vraag, a report
    assert len(urls) == 9
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.django_db
def test_the_previous_login_is_kept_for_the_session(client):
    person = UserFactory()
    earlier = timezone.now() - datetime.timedelta(days=3)
    person.last_login = earlier
    person.save(update_fields=["last_login"])
    client.force_login(person)
    assert client.session[PREVIOUS_LOGIN_KEY] == earlier.isoformat()
    person.refresh_from_db()
    assert person.last_login > earlier
    first = UserFactory()
    client.force_login(first)
    assert client.session[PREVIOUS_LOGIN_KEY] == ""


# --- the cache ---------------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(PAGE_CACHE_SECONDS=0)  # the werkoverzicht's own cache, under the page's
def test_a_second_visit_is_read_from_the_cache_and_a_write_refreshes_it(
    client, django_assert_num_queries
):
    region = Region(3)
    for school in region.schools:
        region.fill(school)
    log_in(client, region.medewerker)
    home = reverse("dossier:mijn_dossiers")
    first = client.get(home).context["werk"]
    # the readable ids are cached; only the partners of the page's schools are read
    with django_assert_num_queries(REQUEST_OVERHEAD + 1):
        again = client.get(home).context["werk"]
    assert totals(again) == totals(first)
    # a signal by the directie of one school: that school's counts move at once
    school = region.schools[1]
    region.signaal(school, follow_up=TODAY - datetime.timedelta(days=1))
    after = client.get(home).context["werk"]
    assert totals(after)[Bucket.OVERDUE] == totals(first)[Bucket.OVERDUE] + 1
    assert totals(after)[Bucket.NEW] == totals(first)[Bucket.NEW] + 1
    line = next(line for line in after.schools if line.dossier.pk == school.dossier.pk)
    assert line.counts[Bucket.OVERDUE] == EXPECTED[Bucket.OVERDUE] + 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "write",
    [
        "supplement",
        "remark",
        "document version",
        "approval",
        "meeting",
        "vraag",
        "report ready",
        "deleted signal",
    ],
)
def test_every_kind_of_write_refreshes_the_cached_werkoverzicht(client, write):
    region = Region(1)
    (school,) = region.schools
    region.fill(school)
    log_in(client, region.medewerker)
    home = reverse("dossier:mijn_dossiers")
    before = totals(client.get(home).context["werk"])
    expected = dict(before)
    if write == "supplement":
        region.aanvulling(
            Signaal.objects.filter(dossier=school.dossier).first(), author=school.directie
        )
        expected[Bucket.NEW] += 1
    elif write == "remark":
        region.remark(Consultatie.objects.get(dossier=school.dossier), author=school.directie)
        expected[Bucket.NEW] += 1
    elif write == "document version":
        document = Document.objects.filter(dossier=school.dossier, for_clb=False).get()
        document.for_clb = True  # now shared with the CLB too
        document.save()
        expected[Bucket.NEW] += 1
    elif write == "approval":
        party = AfspraakPartij.objects.get(
            versie__afspraak__dossier=school.dossier,
            versie__afspraak__status="draft",
            kind="clb",
            approved_at=None,
        )
        party.approved_at = timezone.now()
        party.approved_by = region.medewerker
        party.save()
        expected[Bucket.ASKED] -= 1
    elif write == "meeting":
        region.meeting(school, date=TODAY + datetime.timedelta(days=2))
        expected[Bucket.UPCOMING] += 1
    elif write == "vraag":
        region.vraag(school, by=school.directie)
        expected[Bucket.NEW] += 1
    elif write == "report ready":
        from dossier.rapporten.services import report_generate

        report = Report.objects.create(
            dossier=school.dossier,
            kind="signalenoverzicht",
            school_year=YEAR,
            requested_by=region.medewerker,
        )
        assert report_generate(report_id=report.pk)  # its status moves by a queryset update
        expected[Bucket.READY] += 1
    else:
        Signaal.objects.filter(dossier=school.dossier, status="nieuw").get().delete()
        expected[Bucket.OVERDUE] -= 1
        expected[Bucket.NEW] -= 1
    assert totals(client.get(home).context["werk"]) == expected


@pytest.mark.django_db
def test_a_change_of_access_is_not_hidden_by_the_cache(client):
    region = Region(2)
    for school in region.schools:
        region.fill(school)
    log_in(client, region.medewerker)
    home = reverse("dossier:mijn_dossiers")
    assert len(client.get(home).context["werk"].schools) == 2
    school = region.schools[0]
    access_revoke(
        dossier=school.dossier,
        user=region.medewerker,
        revoked_by=school.directie,
        access=user_flags(school.directie, school.dossier),
    )
    assert [line.dossier.pk for line in client.get(home).context["werk"].schools] == [
        region.schools[1].dossier.pk
    ]


@pytest.mark.django_db
def test_without_redis_the_werkoverzicht_is_computed_on_every_visit(client, cache_at):  # noqa: F811
    region = Region(1)
    region.fill(region.schools[0])
    log_in(client, region.medewerker)
    cache_at(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    response = client.get(reverse("dossier:mijn_dossiers"))
    assert response.status_code == 200
    assert totals(response.context["werk"]) == EXPECTED
