"""The LSC's choices on a question's page (priority, ondersteuner, hours): what the partial
``leersteun/vragen/_toewijzing.html`` shows, and its form for the question's LSC."""

from __future__ import annotations

from django import template

from leersteun.forms.capaciteit import ToewijzingForm
from leersteun.selectors.capaciteit import ondersteuners_of
from leersteun.services.gesprek import lsc_of

register = template.Library()


@register.simple_tag
def toewijzing(vraag, access, form=None):
    """``can_edit`` (the question's LSC, while the question is open) and, for it, the form
    (one query for the ondersteuners when it is rendered); ``form`` a bound one to show again."""
    from leersteun.workflow import OPEN_STATUSES

    can_edit = (
        access is not None and lsc_of(access) == vraag.lsc_id and vraag.status in OPEN_STATUSES
    )
    if can_edit and not form:
        form = ToewijzingForm(
            initial=ToewijzingForm.initial_from(vraag),
            ondersteuners=ondersteuners_of(vraag.lsc_id),
        )
    return {"can_edit": can_edit, "form": form if can_edit else None}
