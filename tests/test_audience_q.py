"""The SQL form of the per-item audience (``audience_q``) lets through exactly the items the
Python form (``DossierAccess.can_read_item``) does, for every persona and every audience.

Here and not beside the access rules: it needs a model with an audience, and those live in the
sections, which the dossier core does not import.
"""

import itertools

import pytest

from conftest import PERSONAS
from dossier.core.access import audience_q, dossier_with_access
from dossier.documenten.models import Document


@pytest.mark.django_db
def test_audience_q_and_can_read_item_agree_for_every_persona_and_audience(region):
    documents = [
        Document.objects.create(
            dossier=region.dossier_a,
            title=f"clb={clb} pbd={pbd} lsc={lsc}",
            kind=Document.Kind.ANDERE,
            school_year="2026-2027",
            created_by=region.directie_a,
            for_clb=clb,
            for_pbd=pbd,
            for_lsc=lsc,
        )
        for clb, pbd, lsc in itertools.product((False, True), repeat=3)
    ]
    wrong = []
    for name in PERSONAS:
        if name == "anonymous":
            continue
        _dossier, access = dossier_with_access(region.persona(name), region.dossier_a.pk)
        by_sql = set(
            Document.objects.filter(audience_q(access), dossier=region.dossier_a).values_list(
                "pk", flat=True
            )
        )
        by_python = {document.pk for document in documents if access.can_read_item(document)}
        if by_sql != by_python:
            wrong.append(f"{name}: sql={sorted(by_sql)} python={sorted(by_python)}")
    assert wrong == []
