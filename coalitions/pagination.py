"""Pages of a long list, several on one page if need be, each with its own query parameter."""

from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

# The largest offset PostgreSQL takes (a bigint).
MAX_OFFSET = 2**63 - 1


def paginate(
    request, items, *, per_page: int, param: str = "page", count: int | None = None
) -> tuple[Page, str]:
    """(the page asked for in `param`, the query string of the other parameters for its links).

    A `count` already known (read with others in one query) saves the list its own count.
    """
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count  # the cached property, filled in advance
    # With nothing to show, the list is not read.
    page = Page([], 1, paginator) if count == 0 else paginator.get_page(request.GET.get(param))
    query = request.GET.copy()
    query.pop(param, None)
    return page, query.urlencode()


def counted_page(request, items: QuerySet, *, per_page: int, param: str = "page") -> Page:
    """The page asked for in `param` and the list's length in one query: the count rides along
    as a window over the whole list, which the database computes before the limit. A number past
    the last page (or none, or not a number) reads as Paginator.get_page reads it."""
    paginator = Paginator(items, per_page)
    try:
        number = max(int(request.GET.get(param, 1)), 1)
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * per_page
    if start > MAX_OFFSET:  # no list is that long, and the database refuses such an offset
        return paginator.get_page(number)
    rows = list(items.annotate(list_length=Window(Count("pk")))[start : start + per_page])
    if rows:
        paginator.count = rows[0].list_length  # the cached property, filled in advance
        return Page(rows, number, paginator)
    if number == 1:
        paginator.count = 0
        return Page([], 1, paginator)
    return paginator.get_page(number)  # past the end: the last page, as Paginator shows it


class DetailedPaginator(Paginator):
    """Counts and pages a bare, ordered queryset; the page's rows are then read with `details`
    (joins, annotations) in the same query, limited to the page's keys.

    PostgreSQL would otherwise join the whole filtered list to every related table before the
    sort and the limit, so the page's cost would grow with those tables; here the sort and the
    limit run on the one table and its indexes, and only the rows shown are joined.
    """

    def __init__(self, object_list: QuerySet, per_page: int, *, details: Callable, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.details = details

    def _get_page(self, object_list, number, paginator) -> Page:
        keys = object_list.values("pk")
        rows = self.details(self.object_list.model.objects.filter(pk__in=keys))
        return super()._get_page(rows.order_by(*self.object_list.query.order_by), number, paginator)
