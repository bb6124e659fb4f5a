"""End to end: a leersteunvraag from the school's form to the LSC's capacity.

The zorgcoördinator registers a question; the ankerpersoon lays the filters on it and puts it
on the waiting list, bundles it in a cluster with a similar question of another school, starts
it and gives the cluster an ondersteuner and hours; the coördinator sees that ondersteuner's
load change on the capacity page. Each person works in a browser context of their own.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from accounts.tests.factories import OrganisationFactory, PartnershipFactory
from conftest import build_full_region, member
from dossier.core.access import user_flags
from dossier.core.models import Thema
from dossier.core.services import AccessLevel, access_grant
from leersteun import starter
from leersteun.models import Capaciteit, Cluster, Leersteunvraag
from leersteun.services.vragen import vraag_register
from leersteun.workflow import Status
from tests.browser.conftest import assert_accessible
from tests.browser.test_documents import login_on

pytestmark = pytest.mark.browser

LABEL = "Klas 4B lezen"


@pytest.fixture
def region(transactional_db):
    starter.install()  # the filters come from the starter template
    return build_full_region()


def other_school(region, thema):
    """A second school of LSC A, with a similar question registered by the ankerpersoon."""
    school = OrganisationFactory(name="Basisschool De Wilg")
    PartnershipFactory(school=school, partner=region.lsc_a)
    directie = member(school, Role.DIRECTIE, email="directie@wilg.be")
    access_grant(
        dossier=school.dossier,
        granted_by=directie,
        access=user_flags(directie, school.dossier),
        user=region.lsc_anker_a,
        level=AccessLevel.CONTRIBUTE,
    )
    return vraag_register(
        dossier=school.dossier,
        user=region.lsc_anker_a,
        access=user_flags(region.lsc_anker_a, school.dossier),
        themas=[thema],
        domains=["onderwijskunde"],
        level="leerkracht",
        owner="leerkracht",
        label="Vierde leerjaar",
        leervraag="Hoe lezen we zaakvakteksten met zwakke lezers?",
    )


def test_register_screen_cluster_assign_and_see_capacity(
    page: Page, browser, browser_context_args, live_server, region
):
    base, dossier, lsc = live_server.url, region.dossier_a, region.lsc_a
    thema = Thema.objects.create(name="Begrijpend lezen (browser)")
    elsewhere = other_school(region, thema)
    ondersteuner = member(lsc, Role.LSC_ONDERSTEUNER, email="ondersteuner@lsc.be")
    Capaciteit.objects.create(lsc=lsc, ondersteuner=ondersteuner, hours_per_week=Decimal("3"))

    # 1. The zorgcoördinator registers the question through the form.
    login_on(page, live_server, region.zorg_a)
    page.goto(f"{base}/dossiers/{dossier.pk}/leersteunvragen/")
    page.locator(f'a[href="/dossiers/{dossier.pk}/leersteunvragen/nieuw/"]').first.click()
    page.locator("input[name=level][value=leerkracht]").check()
    page.locator("select[name=owner]").select_option("leerkracht")
    page.locator("input[name=label]").fill(LABEL)
    page.locator("textarea[name=leervraag]").fill(
        "Hoe differentieer ik bij begrijpend lezen zonder drie lessen voor te bereiden?"
    )
    page.locator("input[name=domains][value=onderwijskunde]").check()
    page.locator(f"input[name=themas][value='{thema.pk}']").check()
    assert_accessible(page)
    page.locator("form:has(input[name=label]) button[type=submit]").click()
    vraag = Leersteunvraag.objects.get(label=LABEL)
    detail = f"/dossiers/{dossier.pk}/leersteunvragen/{vraag.pk}/"
    expect(page).to_have_url(re.compile(re.escape(f"{base}{detail}")))
    assert (vraag.status, vraag.lsc, vraag.registered_by) == (
        Status.AANGEMELD,
        lsc,
        region.zorg_a,
    )

    # 2. The ankerpersoon lays the filters on it and puts it on the waiting list.
    anker_context = browser.new_context(**browser_context_args)
    anker = anker_context.new_page()
    login_on(anker, live_server, region.lsc_anker_a)
    anker.goto(f"{base}{detail}screening/")
    for radio in anker.locator("input[type=radio][name^=state_][value=met]").all():
        radio.check()
    anker.locator("input[name=decision][value=wachtlijst], select[name=decision]").first.evaluate(
        "el => el.tagName === 'SELECT' ? (el.value = 'wachtlijst') : (el.checked = true)"
    )
    assert_accessible(anker)
    anker.locator("form:has([name=decision]) button[type=submit]").click()
    vraag.refresh_from_db()
    assert vraag.status == Status.WACHTLIJST and vraag.waiting_since is not None
    assert vraag.beoordelingen.count() == len(starter.FILTERS)

    # 3. It is bundled with the similar question of De Wilg in a cluster with an ondersteuner.
    anker.goto(f"{base}/lsc/{lsc.pk}/clusters/nieuw/")
    anker.locator("input[name=title]").fill("Begrijpend lezen in het vierde leerjaar")
    anker.locator("[name=approach]").first.evaluate(
        "el => el.tagName === 'SELECT' ? (el.value = 'leerkracht') : (el.checked = true)"
    )
    anker.locator("select[name=ondersteuner]").select_option(str(ondersteuner.pk))
    anker.locator("input[name=estimated_hours]").fill("4")
    anker.locator("form:has(input[name=title]) button[type=submit]").click()
    cluster = Cluster.objects.get(lsc=lsc)
    anker.goto(f"{base}{detail}")
    panel = anker.locator("form[action*='/clusters/vraag/']")
    panel.locator("select[name=cluster]").select_option(str(cluster.pk))
    panel.locator("button[type=submit]").click()
    anker.goto(f"{base}/dossiers/{elsewhere.dossier_id}/leersteunvragen/{elsewhere.pk}/")
    panel = anker.locator("form[action*='/clusters/vraag/']")
    panel.locator("select[name=cluster]").select_option(str(cluster.pk))
    panel.locator("button[type=submit]").click()
    assert set(cluster.vragen.values_list("pk", flat=True)) == {vraag.pk, elsewhere.pk}
    anker.goto(f"{base}/lsc/{lsc.pk}/clusters/{cluster.pk}/")
    expect(anker.locator("main")).to_contain_text("Basisschool De Wilg")
    expect(anker.locator("main")).to_contain_text(region.school_a.name)
    assert_accessible(anker)

    # 4. It starts: the cluster's hours now weigh on its ondersteuner.
    anker.goto(f"{base}{detail}")
    status_form = anker.locator(f'form[action="{detail}status/"]')
    status_form.locator("[name=to]").first.evaluate(
        "el => el.tagName === 'SELECT' ? (el.value = 'opgestart') : (el.checked = true)"
    )
    status_form.locator("button[type=submit]").click()
    vraag.refresh_from_db()
    assert vraag.status == Status.OPGESTART and vraag.cluster == cluster
    assert vraag.waiting_since is None  # it waits no longer

    # 5. The coördinator sees the ondersteuner over capacity: 4 hours against 3.
    coordinator_context = browser.new_context(**browser_context_args)
    coordinator = coordinator_context.new_page()
    login_on(coordinator, live_server, region.lsc_coordinator_a)
    coordinator.goto(f"{base}/lsc/{lsc.pk}/capaciteit/")
    row = coordinator.locator("table tr", has_text=str(ondersteuner)).first
    expect(row).to_contain_text("4,0")
    expect(row).to_contain_text("3,0")
    assert_accessible(coordinator)
    anker_context.close()
    coordinator_context.close()
