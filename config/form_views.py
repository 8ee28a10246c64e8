"""What every form view reads from a request, read one way (the submitted data, a `next`
target, an id given in the query string), how it shows a service's refusal on the form, and the
one shape of its POST (`form_response`; a create form's is `coalitions.submissions.create_once`)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.datastructures import MultiValueDict
from django.utils.http import url_has_allowed_host_and_scheme


def add_service_errors(
    form: forms.Form, exc: ValidationError, *, errors_on: str | None = None
) -> None:
    """Shows a service's ValidationError on the form: by field where it names one, else on the
    field `errors_on` (on top of the form by default)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else errors_on, errors)
    else:
        form.add_error(errors_on, exc.messages)


def form_response(
    request: HttpRequest,
    form: forms.Form,
    *,
    save: Callable[[], Any],
    then: str | Callable[[Any], str],
    notice: str | Callable[[Any], str],
    errors_on: str | None = None,
) -> HttpResponse | None:
    """A form view's POST: a valid form runs `save` (the service); a refusal goes on the form
    (see add_service_errors); else the notice, and a redirect to `then` (a URL, or made from what
    `save` returned).

    None for a GET, an invalid form or a refused one: the view renders the form (again).
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        saved = save()
    except ValidationError as exc:
        add_service_errors(form, exc, errors_on=errors_on)
        return None
    messages.success(request, notice(saved) if callable(notice) else notice)
    return redirect(then(saved) if callable(then) else then)


def submitted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST, even an empty one; None for a GET.

    (`request.POST or None` takes an empty submission for no submission and answers it with a
    blank form and no message.)
    """
    return request.POST if request.method == "POST" else None


def submitted_files(request: HttpRequest) -> MultiValueDict | None:
    return request.FILES if request.method == "POST" else None


def safe_next(request: HttpRequest) -> str | None:
    """The POST's `next`, when it is exactly one path on this site; otherwise None.

    Pure, so a view reads it before writing anything; a bad target is ignored, never followed.
    """
    values = request.POST.getlist("next")
    if len(values) != 1:
        return None
    target = values[0]
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ord(character) < 32 or ord(character) == 127 for character in target):
        return None
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return target


def chosen(queryset: QuerySet, value: str | None) -> Model | None:
    """The object of `queryset` whose id is `value` (from a query string), or None for any other
    text: the id is parsed by the form layer, never by `int()`."""
    field = forms.ModelChoiceField(queryset=queryset, required=False)
    try:
        return field.clean(value)
    except ValidationError:
        return None


# The largest id a database's bigint column holds; a longer one is no record's id.
MAX_RECORD_ID = 2**63 - 1


def is_record_id(value) -> bool:
    """True for the text of a positive whole number that can be a record's id (ASCII digits only:
    `str.isdigit()` also accepts "²")."""
    text = str(value)
    return text.isascii() and text.isdigit() and 0 < int(text) <= MAX_RECORD_ID
