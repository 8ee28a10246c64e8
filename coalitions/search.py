"""Choosing one of many: a text field that suggests matches as one types, instead of a select
that would list every member, organisation or meeting of a coalition.

The field is a text input tied to a <datalist>; htmx (served from static/) fills the list from
`search_options` as one types. Without JavaScript the person types a name and the server finds
it: one match is taken, none or several give a clear error. Whatever arrives, the server resolves
it within the form's own queryset, which the view has already scoped to the coalition.

A suggestion ends with the object's number, "(#12)", so two people of the same name stay apart;
a bare number is taken as the object's own, as a select would have sent it.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from operator import or_
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.form_views import is_record_id

from . import permissions as perms
from .models import Coalition

SUGGESTIONS = 20
NUMBER_SUFFIX = re.compile(r"\(#(\d+)\)\s*$")


@dataclass(frozen=True)
class Search:
    """What a kind of search looks through, in one coalition, and how a match is named.

    `queryset` gets the person's access to the coalition (coalition and permissions) and the
    request's query parameters, which may narrow it (the agenda items of one meeting); it must
    never widen it beyond what the person may see in the coalition."""

    queryset: Callable[[perms.CoalitionAccess, QueryDict], QuerySet]
    fields: tuple[str, ...]
    label: Callable[[Model], str]
    perm: str = perms.VIEW


_searches: dict[str, Search] = {}


def register_search(kind: str, search: Search) -> None:
    _searches[kind] = search


def search_for(kind: str) -> Search:
    return _searches[kind]


def matching(queryset: QuerySet, fields: tuple[str, ...], text: str) -> QuerySet:
    """Objects whose fields contain every word typed, in any of the fields."""
    for word in text.split()[:5]:
        queryset = queryset.filter(reduce(or_, (Q(**{f"{f}__icontains": word}) for f in fields)))
    return queryset


def suggestion(search: Search, obj: Model) -> str:
    return f"{search.label(obj)} (#{obj.pk})"


class SearchInput(forms.TextInput):
    """A text input with its suggestion list, refreshed by htmx from `url` as one types."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", **(attrs or {})})
        self.url = ""
        # The name of a field of the same form whose value narrows the suggestions (the people
        # of the organisation chosen there).
        self.narrowed_by = ""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or name}-suggestions"
        attrs["list"] = list_id
        if self.url:
            attrs.update(
                {
                    "hx-get": f"{self.url}{'&' if '?' in self.url else '?'}field={name}",
                    "hx-trigger": "input changed delay:250ms, focus once",
                    "hx-target": f"#{list_id}",
                    "hx-swap": "innerHTML",
                    "hx-sync": "this:replace",
                }
            )
            own_id = attrs.get("id") or ""
            if self.narrowed_by and own_id.endswith(name):
                attrs["hx-include"] = f"#{own_id.removesuffix(name)}{self.narrowed_by}"
        field = super().render(name, value, attrs, renderer)
        return format_html('{}<datalist id="{}"></datalist>', field, list_id)


class SearchChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField typed into a SearchInput; `queryset` bounds what it can resolve to."""

    widget = SearchInput

    def __init__(self, *, kind: str, narrowed_by: str = "", **kwargs):
        kwargs.setdefault("queryset", None)
        super().__init__(**kwargs)
        self.kind = kind
        self.widget.narrowed_by = narrowed_by
        self.widget.attrs.setdefault("maxlength", "300")
        self.max_length = 300
        self.help_text = self.help_text or gettext_lazy("Type a few letters to find it.")

    def bind_coalition(self, coalition: Coalition, **scope) -> None:
        url = reverse("coalitions:search", args=[coalition.slug, self.kind])
        self.widget.url = f"{url}?{urlencode(scope)}" if scope else url

    def label_from_instance(self, obj) -> str:
        return suggestion(search_for(self.kind), obj)

    def prepare_value(self, value):
        if isinstance(value, Model):
            return self.label_from_instance(value)
        if is_record_id(value) and self.queryset is not None:  # an id given as initial value
            found = self.queryset.filter(pk=int(value)).first()
            return self.label_from_instance(found) if found else ""
        return value

    def to_python(self, value):
        text = (value or "").strip()[:300]
        if not text:
            return None
        if "\x00" in text:
            raise ValidationError(_("Nothing here matches “%(text)s”.") % {"text": ""})
        numbered = NUMBER_SUFFIX.search(text)
        if numbered and is_record_id(numbered.group(1)):
            found = self.queryset.filter(pk=int(numbered.group(1))).first()
            if found is not None:
                return found
            raise ValidationError(
                _("“%(text)s” is not among the choices here.") % {"text": text}, code="invalid"
            )
        search = search_for(self.kind)
        # A whole name typed out wins over the longer names that contain it ("Person 1", not
        # "Person 12").
        exact = Q()
        for field in search.fields:
            exact |= Q(**{f"{field}__iexact": text})
        if text.isdigit():
            # A bare number is the object's own, as a select would have sent it; never a part
            # of some other name.
            found = self.queryset.filter(pk=int(text)).first() if is_record_id(text) else None
            found = found or self.queryset.filter(exact).first()
            if found is not None:
                return found
            raise ValidationError(
                _("“%(text)s” is not among the choices here.") % {"text": text}, code="invalid"
            )
        found = list(self.queryset.filter(exact)[:2])
        if len(found) == 1:
            return found[0]
        found = list(matching(self.queryset, search.fields, text)[:2])
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValidationError(_("Nothing here matches “%(text)s”.") % {"text": text})
        raise ValidationError(
            _("Several match “%(text)s”: type more of the name, or pick one from the suggestions.")
            % {"text": text}
        )

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial) or "") != str(data or "")


def chosen_id(text: str | None) -> int | None:
    """The id at the end of a suggestion ("Norwegian People's Aid (#12)"), or a bare id."""
    text = (text or "").strip()
    numbered = NUMBER_SUFFIX.search(text)
    value = numbered.group(1) if numbered else text
    return int(value) if is_record_id(value) else None


def bind_search_fields(form: forms.BaseForm, coalition: Coalition) -> None:
    for field in form.fields.values():
        if isinstance(field, SearchChoiceField):
            field.bind_coalition(coalition)


@login_required
def search_options(request, slug, kind):
    """The suggestions for a search field: <option>s for its datalist, at most SUGGESTIONS."""
    search = _searches.get(kind)
    if search is None:
        raise Http404
    access = perms.require_access(request.user, slug, search.perm)
    text = request.GET.get(request.GET.get("field", "q"), "")[:100].replace("\x00", "")
    queryset = search.queryset(access, request.GET)
    found = list(matching(queryset, search.fields, text)[:SUGGESTIONS]) if text.strip() else []
    return render(
        request,
        "_search_options.html",
        {"options": [suggestion(search, obj) for obj in found]},
    )
