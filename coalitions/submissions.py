"""A create form does its work once, however often it is submitted.

Every create form carries a hidden one-time token (`SubmittedOnce`). The view runs its service
through `create_once`, which claims the token in the database in the same transaction as the
service: a second POST with the same token (a double click, a browser resending the request, a
second gunicorn process) waits for the first one's transaction, finds the claim, and is sent to
what the first one created instead of creating it again. A service error rolls the claim back,
so the corrected form can be sent again with the same token.

A POST without a token (a script, an old page) is not de-duplicated: the form the site renders
always carries one.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.form_views import add_service_errors

from .models import FormSubmission

TOKEN_FIELD = "submission"
# A double submission comes within seconds; a day covers a slow connection that retries.
KEPT_FOR = timedelta(days=1)


class SubmittedOnce:
    """Form mixin: adds the hidden one-time token; `form.submission_token` holds it once valid.

    Only a form that creates carries it (`creates`; by default, a model form without a saved
    instance): saving the same edit twice changes nothing.
    """

    submission_token: uuid.UUID | None = None

    def __init__(self, *args, creates: bool | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if creates is None:
            instance = getattr(self, "instance", None)
            creates = instance is None or instance.pk is None
        if creates:
            self.fields[TOKEN_FIELD] = forms.UUIDField(
                required=False, widget=forms.HiddenInput, initial=uuid.uuid4
            )

    def full_clean(self) -> None:
        super().full_clean()
        if not hasattr(self, "cleaned_data"):
            return
        # Not a field of any record: kept out of the data handed to services.
        self.submission_token = self.cleaned_data.pop(TOKEN_FIELD, None)
        if TOKEN_FIELD in self._errors:
            del self._errors[TOKEN_FIELD]
            self.add_error(None, FORM_UNREADABLE)


def sent_before(form: forms.Form) -> bool:
    """True when this very form (its one-time token) was sent before. A check that would find
    only what the first sending created, such as a warning about a duplicate, then stands aside,
    and the repeat goes where the first one went."""
    try:
        token = uuid.UUID(str(form.data.get(form.add_prefix(TOKEN_FIELD), "")))
    except ValueError:
        return False
    return FormSubmission.objects.filter(token=token).exists()


FORM_UNREADABLE = gettext_lazy("This form could not be read. Check it and send it again.")


@dataclass(frozen=True)
class Outcome:
    url: str
    created: Any = None  # None when an earlier submission of the same form had created it

    @property
    def repeated(self) -> bool:
        return self.created is None


def _claim(*, token: uuid.UUID, user) -> str | None:
    """Claims the token for this submission; returns the earlier one's target if it was taken."""
    FormSubmission.objects.filter(user=user, created_at__lt=timezone.now() - KEPT_FOR).delete()
    try:
        with transaction.atomic():
            FormSubmission.objects.create(token=token, user=user)
    except IntegrityError:
        earlier = FormSubmission.objects.filter(token=token, user=user).first()
        if earlier is None or not earlier.url:
            raise ValidationError(
                _("This form was already sent. Open it again to send another.")
            ) from None
        return earlier.url
    return None


def run_once(
    *, form: forms.Form, user, create: Callable[[], Any], url_for: Callable[[Any], str]
) -> Outcome:
    """Runs `create` unless an earlier submission of this form did; raises its ValidationError."""
    token = form.submission_token
    if token is None:
        created = create()
        return Outcome(url=url_for(created), created=created)
    with transaction.atomic():
        earlier_url = _claim(token=token, user=user)
        if earlier_url is not None:
            return Outcome(url=earlier_url)
        created = create()
        url = url_for(created)
        FormSubmission.objects.filter(token=token).update(url=url)
    return Outcome(url=url, created=created)


def create_once(
    request: HttpRequest,
    form: forms.Form,
    *,
    create: Callable[[], Any],
    url_for: Callable[[Any], str],
    notice: str | Callable[[Any], str],
    errors_on: str | None = None,
) -> HttpResponse | None:
    """A create form's POST, as `config.form_views.form_response` with the service run once:
    a valid form runs `create`, gives the notice and goes to what was created; a repeated
    submission goes to what the first one created.

    None for a GET, an invalid form or a refused one (its errors are then on the form): the view
    renders the form (again).
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        outcome = run_once(form=form, user=request.user, create=create, url_for=url_for)
    except ValidationError as exc:
        add_service_errors(form, exc, errors_on=errors_on)
        return None
    if outcome.repeated:
        messages.info(request, already_done())
    else:
        messages.success(request, notice(outcome.created) if callable(notice) else notice)
    return redirect(outcome.url)


def already_done() -> str:
    return _("This form had already been sent; it was saved once.")
