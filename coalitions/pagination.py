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
    number, shown = asked_page(request, per_page=per_page, param=param)
    rows = list(items.annotate(list_length=Window(Count("pk")))[shown]) if shown else []
    return page_of_rows(
        rows,
        length=rows[0].list_length if rows else 0,
        number=number,
        per_page=per_page,
        items=lambda: items,
    )


def asked_page(request, *, per_page: int, param: str = "page") -> tuple[int, slice | None]:
    """(the page number asked for in `param`, the slice of the list that page shows): none, not
    a number or below 1 reads as the first. No slice past the largest offset the database takes
    (no list is that long)."""
    try:
        number = max(int(request.GET.get(param, 1)), 1)
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * per_page
    return number, slice(start, start + per_page) if start <= MAX_OFFSET else None


def page_of_rows(
    rows: list, *, length: int, number: int, per_page: int, items: Callable[[], QuerySet]
) -> Page:
    """Page `number` of a list whose rows and length were read already, with others in one
    query (`asked_page` says which rows). Where no row was read past the first page (a number
    past the last page), the list (`items()`) is read as Paginator.get_page reads it: its last
    page."""
    if rows or number == 1:
        paginator = Paginator(rows, per_page)
        paginator.count = length if rows else 0  # the cached property, filled in advance
        return Page(rows, number, paginator)
    return Paginator(items(), per_page).get_page(number)


def with_list_length(items: QuerySet) -> QuerySet:
    """The rows with the whole list's length as their last value (a window, which the database
    computes before the limit)."""
    return items.annotate(list_length=Window(Count("pk")))


def page_with_count(
    request,
    items: Callable[[], QuerySet],
    *,
    per_page: int,
    row: Callable,
    param: str = "page",
    read: Callable[[int, int], list[tuple] | None] | None = None,
) -> Page:
    """The page asked for in `param` of a list read as values (`values_list`), each row made as
    `row(*values)`, and the list's length in the same query (a window over the whole list, which
    the database computes before the limit).

    The page asked for is the one Paginator.get_page gives: none or not a number reads as the
    first, a number below 1 or past the last page as the last (those two cost a count and a read
    of their own).

    `items()` gives the list; `read(start, stop)`, where given, reads those rows of
    `with_list_length(items())` from a query compiled once (None where it cannot).
    """
    paginator = Paginator((), per_page)
    asked = request.GET.get(param)
    try:
        number = 1 if asked is None else int(asked)
    except ValueError:
        number = 1
    start = (number - 1) * per_page
    if 0 <= start <= MAX_OFFSET:
        found = read(start, start + per_page) if read else None
        if found is None:
            found = list(with_list_length(items())[start : start + per_page])
        if found:
            paginator.count = found[0][-1]  # the cached property, filled in advance
            return Page([row(*values[:-1]) for values in found], number, paginator)
        if number == 1:
            paginator.count = 0
            return Page([], 1, paginator)
    paginator = Paginator(items(), per_page)
    page = paginator.get_page(asked)
    page.object_list = [row(*values) for values in page.object_list]
    return page
