"""Faster ``get_<field>_display()`` for the project's models.

Django's own method builds a dictionary of the field's choices on every call, and hashing each
lazily translated label translates it: a list of 50 memberships with their role paid for the
whole choice list 50 times. Here each field's value-to-label dictionary is built once per
process; the labels stay lazy, so they are still translated into the language of the request
that shows them. Fields whose choices are not plain hashable values keep Django's method.
"""

from __future__ import annotations

from functools import partialmethod

from django.utils.encoding import force_str

OUR_PACKAGES = ("accounts.", "dossier.", "signalen.", "consultatie.", "leersteun.")


def _labels(field) -> dict | None:
    try:
        return field.__dict__["_choice_labels"]
    except KeyError:
        pass
    try:
        labels = dict(field.flatchoices)
    except TypeError:  # a value that cannot be a key: Django's method copes with it
        labels = None
    field.__dict__["_choice_labels"] = labels
    return labels


def _display(self, field):
    labels = _labels(field)
    if labels is None:
        return self._get_FIELD_display(field)
    value = getattr(self, field.attname)
    try:
        label = labels.get(value, value)
    except TypeError:  # an unhashable value was assigned to the instance
        return self._get_FIELD_display(field)
    return force_str(label, strings_only=True)


def speed_up_displays(models) -> int:
    """Point the generated ``get_<field>_display`` of our models at ``_display``; a method
    a model defines itself is left alone. Returns how many were replaced."""
    replaced = 0
    for model in models:
        if not model.__module__.startswith(OUR_PACKAGES):
            continue
        for field in model._meta.get_fields():
            if not getattr(field, "choices", None) or not getattr(field, "attname", None):
                continue
            name = f"get_{field.name}_display"
            current = model.__dict__.get(name)
            if (
                isinstance(current, partialmethod)
                and current.func is model._get_FIELD_display
                and current.keywords.get("field") is field
            ):
                setattr(model, name, partialmethod(_display, field=field))
                replaced += 1
    return replaced
