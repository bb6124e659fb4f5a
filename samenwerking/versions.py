"""Numbered versions of one parent (a document's files, an agreement's texts)."""

from django.db.models import Max, QuerySet


def next_version_number(versions: QuerySet) -> int:
    """One more than the highest number among ``versions`` (the parent's related manager).

    Call it under the parent's row lock: two writers then cannot pick the same number, and the
    unique constraint on (parent, number) refuses a second one anyway.
    """
    return (versions.aggregate(top=Max("number"))["top"] or 0) + 1
