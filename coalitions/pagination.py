"""Pages of a long list, several on one page if need be, each with its own query parameter."""

from django.core.paginator import Page, Paginator


def paginate(request, items, *, per_page: int, param: str = "page") -> tuple[Page, str]:
    """(the page asked for in `param`, the query string of the other parameters for its links)."""
    page = Paginator(items, per_page).get_page(request.GET.get(param))
    query = request.GET.copy()
    query.pop(param, None)
    return page, query.urlencode()
