"""What every paginated, filterable list page does the same way."""

from django.core.paginator import Page, Paginator

PAGE_SIZE = 25


def page_of(request, rows, *, valid: bool = True, per_page: int = PAGE_SIZE) -> Page:
    """The requested page of ``rows``; an empty page when the filter input was not ``valid``
    (the page then shows the form's Dutch errors instead of guessing)."""
    return Paginator(rows if valid else rows.none(), per_page).get_page(request.GET.get("page"))


def querystring_without_page(request) -> str:
    """The current filters, for the pagination links to carry along."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
