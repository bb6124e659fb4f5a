"""The sections register themselves; the core shows what they registered, per person."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.translation import override

from dossier.bewaring.models import DeletionLog, RetentionPolicy
from dossier.core.access import Section, dossier_with_access
from dossier.core.models import AuditEvent
from dossier.core.registry import AuditAction, Registry, Tab, registry
from dossier.rapporten.models import Report

pytestmark = pytest.mark.django_db

ALL_TABS = [
    "Overzicht",
    "Signalen",
    "Consultaties",
    "Documenten",
    "Afspraken",
    "Structureel overleg",
    "Leersteun",
    "Rapporten",
    "Toegangsbeheer",
    "Auditlog",
]


def tab_labels(client, user, dossier) -> list[str]:
    client.force_login(user)
    html = client.get(reverse("dossier:overview", kwargs={"pk": dossier.pk})).content.decode()
    nav = re.search(r'<nav class="tabs".*?</nav>', html, re.S).group(0)
    return [
        re.sub(r"<[^>]+>", "", label).strip() for label in re.findall(r"<a [^>]*>(.*?)</a>", nav)
    ]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        # the directie reads every section and manages access
        ("directie_a", ALL_TABS),
        # the zorgcoördinator reads every section, without access management
        ("zorg_a", ALL_TABS[:8]),
        # the CLB reads signals, consultations and (without its confidential answers) the
        # samenwerkingsgesprek and the leersteunvragen
        ("clb_medewerker_a", ALL_TABS[:8]),
        # the PBD reads signals but never the consultation notes nor the samenwerkingsgesprek
        ("pbd_begeleider_a", ["Overzicht", "Signalen", *ALL_TABS[3:6], "Rapporten"]),
        # the LSC reads neither signals nor notes; its report is the samenwerkingsgesprek's
        ("lsc_anker_a", ["Overzicht", *ALL_TABS[3:8]]),
    ],
)
def test_the_layout_shows_the_tabs_of_the_sections_the_person_reads(
    client, region, persona, expected
):
    assert tab_labels(client, region.persona(persona), region.dossier_a) == expected


def test_the_current_tab_follows_the_section_of_the_page(client, region):
    client.force_login(region.directie_a)
    page = client.get(reverse("documenten:documents", kwargs={"pk": region.dossier_a.pk}))
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', page.content.decode())
    assert current == [reverse("documenten:documents", kwargs={"pk": region.dossier_a.pk})]


def test_every_registered_tab_reverses_and_names_a_known_section(region):
    for tab in registry.tabs.values():
        assert isinstance(tab.section, Section)
        assert reverse(tab.url_name, kwargs={"pk": region.dossier_a.pk})
    for kind in registry.report_kinds.values():
        assert isinstance(kind.section, Section)


def test_the_tabs_follow_the_access_module(region):
    _dossier, access = dossier_with_access(region.pbd_begeleider_a, region.dossier_a.pk)
    keys = [tab.key for tab in registry.tabs_for(access)]
    assert "consultaties" not in keys
    assert keys == sorted(keys, key=lambda key: registry.tabs[key].order)


def test_a_key_cannot_be_registered_twice_with_something_else():
    fresh = Registry()
    fresh.register(audit_actions=[AuditAction("x", "X")])
    fresh.register(audit_actions=[AuditAction("x", "X")])  # the same again: harmless
    with pytest.raises(ImproperlyConfigured):
        fresh.register(audit_actions=[AuditAction("x", "Another X")])
    with pytest.raises(ImproperlyConfigured):
        tab = Tab("t", "T", "dossier:overview", Section.OVERZICHT, 1)
        fresh.register(tabs=[tab, Tab("t", "T", "dossier:overview", Section.OVERZICHT, 2)])


def test_the_core_models_hold_no_choice_list_of_sections():
    for model, field in [
        (AuditEvent, "action"),
        (Report, "kind"),
        (RetentionPolicy, "record_type"),
        (DeletionLog, "record_type"),
    ]:
        assert not model._meta.get_field(field).choices


@override("en")
def test_labels_come_from_the_registrations(region):
    assert AuditEvent(action="consultatie_read").get_action_display() == "Consultation note opened"
    assert AuditEvent(action="access_granted").get_action_display() == "Access granted"
    assert Report(kind="signalenoverzicht").get_kind_display() == "Signals overview"
    assert RetentionPolicy(record_type="signaal").get_record_type_display() == "Signals"
    # what no section registers (any more) still shows, as its key
    assert AuditEvent(action="gone_action").get_action_display() == "gone_action"


def test_reads_and_downloads_are_quiet_on_the_overview():
    assert set(registry.quiet_actions()) == {
        "consultatie_read",
        "consultatie_listed",
        "consultatie_edit_opened",
        "consultatie_advice_shown",
        "consultatie_found",
        "consultatie_in_report",
        "document_downloaded",
        "report_downloaded",
        "audit_exported",
        "gesprek_confidential_revealed",
        "leersteunvragen_exported",
        "doorlichting_csv",
        "consultatie_in_export",
    }


def test_every_quiet_action_is_marked_quiet_however_it_is_recorded(region):
    """The overview's recent activity leaves out the stored ``quiet`` events; the flag must
    follow the registry for one event, for many at once, and for the core's own actions."""
    from dossier.core.models import AuditEvent
    from dossier.core.services import AuditEntry, audit_record, audit_record_many

    one = audit_record(
        dossier=region.dossier_a,
        actor=region.clb_medewerker_a,
        action="consultatie_read",
        section=Section.CONSULTATIES,
    )
    news = audit_record(
        dossier=region.dossier_a,
        actor=region.directie_a,
        action=AuditEvent.Action.ACCESS_CHANGED,
        section=Section.TOEGANG,
    )
    many = audit_record_many(
        actor=region.clb_medewerker_a,
        entries=[
            AuditEntry(region.dossier_a.pk, action, Section.CONSULTATIES)
            for action in registry.quiet_actions()
        ]
        + [AuditEntry(region.dossier_a.pk, "signaal_created", Section.SIGNALEN)],
    )

    stored = dict(
        AuditEvent.objects.filter(pk__in=[e.pk for e in [one, news, *many]]).values_list(
            "pk", "quiet"
        )
    )
    assert stored[one.pk] is True
    assert stored[news.pk] is False
    assert [stored[e.pk] for e in many] == [True] * len(registry.quiet_actions()) + [False]


def test_the_migration_marked_the_quiet_actions_of_its_day():
    """Events recorded before the ``quiet`` column were marked by its migration, from a list
    of that day; every action it names is still quiet."""
    from importlib import import_module

    migration = import_module("dossier.core.migrations.0014_auditevent_quiet")

    assert set(migration.QUIET_ACTIONS) <= set(registry.quiet_actions())
