"""What every paginated, filterable list page does the same way."""

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

PAGE_SIZE = 25
# How many pages past the one asked for a list counts: the count of a long list stops there.
PAGES_AHEAD = 10


class CappedPaginator(Paginator):
    """A paginator of a queryset whose count stops a few pages past the page asked for.

    Counting every row of a long list costs a walk over all of them, on every page, while a
    person reads the first few. The count goes up to ``PAGES_AHEAD`` pages past ``number``, and
    one row more to know whether there are more (``is_capped``): the list then says "more than
    ...", the link to the next page works, and asking for a later page counts further.
    """

    def __init__(self, object_list, per_page, *, number: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = (max(number, 1) + PAGES_AHEAD) * per_page

    @cached_property
    def _counted(self) -> int:
        # SELECT COUNT(*) FROM (SELECT id ... LIMIT cap + 1): stops after cap + 1 rows. How
        # many of the first cap + 1 rows there are does not depend on their order, nor on
        # what is shown of them: both are left out.
        rows = self.object_list
        if not rows.query.is_sliced:  # a slice keeps its order: it decides which rows
            rows = rows.order_by().values("pk")
        return rows[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def is_capped(self) -> bool:
        return self._counted > self.cap

    def page(self, number):
        """The page's rows: their ids picked first, by the list's order, from the list's own
        table, and only those rows then joined to what the page shows (one statement). A
        list sorted across many rows otherwise joins every row before it keeps a page."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        rows = self.object_list
        if not rows.query.is_sliced and not rows.query.distinct:
            page_ids = rows.values("pk")[bottom:top]
            rows = rows.filter(pk__in=page_ids)
            return self._get_page(rows, number, self)
        return self._get_page(rows[bottom:top], number, self)

    def _get_page(self, *args, **kwargs):
        return CappedPage(*args, **kwargs)


class CappedPage(Page):
    """A page that knows of the rows past a capped count: its last page has a next one."""

    def has_next(self) -> bool:
        return self.number < self.paginator.num_pages or self.paginator.is_capped

    def next_page_number(self) -> int:
        if self.number >= self.paginator.num_pages and self.paginator.is_capped:
            return self.number + 1
        return super().next_page_number()


def _page_number(request) -> int:
    try:
        return min(max(int(request.GET.get("page", 1)), 1), 10**6)
    except (TypeError, ValueError):
        return 1


def page_of(request, rows, *, valid: bool = True, per_page: int = PAGE_SIZE) -> Page:
    """The requested page of ``rows``; an empty page when the filter input was not ``valid``
    (the page then shows the form's Dutch errors instead of guessing)."""
    paginator = CappedPaginator(
        rows if valid else rows.none(), per_page, number=_page_number(request)
    )
    return paginator.get_page(request.GET.get("page"))


def querystring_without_page(request) -> str:
    """The current filters, for the pagination links to carry along."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
