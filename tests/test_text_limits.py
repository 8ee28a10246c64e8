"""Every free text has a length limit that a real text never reaches, with a clear error above it.

The cases are generated: every form class of the project's forms modules, every text field of every
model of the project's apps. A new form or model field without a limit fails here.
"""

import importlib
import inspect
import io
import pkgutil
import time
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from pypdf import PdfReader

from actions.tests.factories import make_action_point
from coalitions.models import Role
from coalitions.permissions import access_for
from coalitions.text_limits import (
    MINUTES_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    BoundedTextField,
)
from meetings import services as meeting_services
from meetings.forms import MinutesForm
from meetings.models import AgendaItem, Meeting
from meetings.summary import render_summary_pdf
from meetings.tests.factories import held_meeting_with_record

PROJECT_APPS = [
    config
    for config in apps.get_app_configs()
    if Path(config.path).is_relative_to(settings.BASE_DIR)
    and not Path(config.path).is_relative_to(Path(settings.BASE_DIR) / ".venv")
]

# Texts the system writes itself (a mail server's answer, a message's recipients), never a person.
SYSTEM_TEXT_FIELDS = {("coalitions", "invitation", "send_error"), ("outbox", "outboxmessage", "to")}


def forms_modules(config) -> list:
    """An app's forms module and those of its parts (obligations/assistance/forms.py)."""
    names = [f"{config.name}.forms"] + [
        f"{config.name}.{part.name}.forms"
        for part in pkgutil.iter_modules([config.path])
        if part.ispkg
    ]
    found = []
    for name in names:
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError:
            continue
    return found


def project_form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for config in PROJECT_APPS:
        for module in forms_modules(config):
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    found.append(cls)
    return found


def fields_of(form_class: type[forms.BaseForm]) -> dict[str, forms.Field]:
    """The fields a blank form has: an instance's where it needs no arguments, else the class's."""
    try:
        return form_class().fields
    except TypeError:
        return form_class.base_fields


FORM_TEXT_FIELDS = [
    pytest.param(field, id=f"{cls.__module__}.{cls.__name__}.{name}")
    for cls in project_form_classes()
    for name, field in fields_of(cls).items()
    # A UUID field takes nothing but a UUID, whatever its length: nothing to bound.
    if isinstance(field, forms.CharField) and not isinstance(field, forms.UUIDField)
]


def test_the_walk_finds_the_project_forms():
    names = {cls.__name__ for cls in project_form_classes()}
    assert {"MeetingForm", "MinutesForm", "NeedForm", "ActionPointForm", "ConcernForm"} <= names
    assert len(FORM_TEXT_FIELDS) > 20


@pytest.mark.parametrize("field", FORM_TEXT_FIELDS)
def test_every_text_field_of_every_form_has_a_length_limit(field):
    assert field.max_length is not None
    assert field.max_length <= MINUTES_MAX_LENGTH
    widget_attrs = field.widget_attrs(field.widget)
    if not field.widget.is_hidden:
        assert widget_attrs.get("maxlength") == str(field.max_length)


def test_fields_added_per_request_have_a_limit_too():
    """The minutes form adds one text per agenda item."""
    items = [AgendaItem(pk=7, title="Land release", minutes="")]
    minutes = MinutesForm(meeting=Meeting(notes=""), items=items)
    assert minutes.fields["item7"].max_length == MINUTES_MAX_LENGTH


MODEL_TEXT_FIELDS = [
    pytest.param(model, field, id=f"{model._meta.label}.{field.name}")
    for config in PROJECT_APPS
    for model in config.get_models()
    for field in model._meta.get_fields()
    if isinstance(field, models.TextField)
    and (config.label, model._meta.model_name, field.name) not in SYSTEM_TEXT_FIELDS
    and not model._meta.model_name.startswith("historical")
]


@pytest.mark.parametrize("model,field", MODEL_TEXT_FIELDS)
def test_every_free_text_of_every_model_is_refused_above_its_limit(model, field):
    assert isinstance(field, BoundedTextField)
    field.clean("a" * field.max_length, None)
    with pytest.raises(ValidationError) as refused:
        field.clean("a" * (field.max_length + 1), None)
    assert f"at most {field.max_length} characters" in " ".join(refused.value.messages)


@pytest.mark.django_db
def test_minutes_above_the_limit_get_a_clear_error_and_nothing_is_saved(client, coalition, members):
    meeting = held_meeting_with_record(coalition, members)
    client.force_login(members[Role.FACILITATOR])
    item = meeting.agenda_items.first()
    response = client.post(
        reverse("meetings:minutes", args=[coalition.slug, meeting.pk]),
        {"notes": "a" * (MINUTES_MAX_LENGTH + 1), f"item{item.pk}": "Short"},
    )
    assert response.status_code == 200
    assert f"at most {MINUTES_MAX_LENGTH:,}".replace(",", "") in response.content.decode().replace(
        ",", ""
    )
    meeting.refresh_from_db()
    item.refresh_from_db()
    assert len(meeting.notes) < 100
    assert item.minutes != "Short"


@pytest.mark.django_db
def test_the_minutes_service_refuses_a_text_above_the_limit(coalition, members):
    meeting = held_meeting_with_record(coalition, members)
    item = meeting.agenda_items.first()
    with pytest.raises(ValidationError):
        meeting_services.minutes_save(
            meeting=meeting,
            actor=members[Role.FACILITATOR],
            notes="",
            item_minutes={item.pk: "a" * (MINUTES_MAX_LENGTH + 1)},
        )


def prose(length: int) -> str:
    """Text of exactly `length` characters in words, sentences and paragraphs, as minutes are."""
    sentence = "The operators reported the survey of the northern sector and the cleared area. "
    paragraph = sentence * 6 + "\n\n"
    return (paragraph * (length // len(paragraph) + 1))[:length]


@pytest.mark.django_db
@pytest.mark.parametrize("shape", ["prose", "one unbroken word"])
def test_a_summary_with_every_text_at_its_limit_renders_quickly(coalition, members, shape):
    """The summary job has 120 s; texts at their limits render in a small part of that."""

    def text(length: int) -> str:
        return prose(length) if shape == "prose" else "x" * length

    actor = members[Role.FACILITATOR]
    meeting = held_meeting_with_record(coalition, members)
    items = list(meeting.agenda_items.all())
    for item in items:
        meeting_services.agenda_item_update(
            item=item, actor=actor, title=text(TITLE_MAX_LENGTH), presenter=text(200)
        )
    meeting_services.minutes_save(
        meeting=meeting,
        actor=actor,
        notes=text(MINUTES_MAX_LENGTH),
        item_minutes={item.pk: text(MINUTES_MAX_LENGTH) for item in items},
    )
    for _ in range(3):
        meeting_services.decision_create(meeting=meeting, actor=actor, text=text(TEXT_MAX_LENGTH))
    make_action_point(
        coalition,
        actor=actor,
        meeting=meeting,
        title=text(300),
        description=text(TEXT_MAX_LENGTH),
    )
    start = time.perf_counter()
    pdf = render_summary_pdf(meeting, access_for(actor, coalition).perms)
    elapsed = time.perf_counter() - start
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert "Adopt the prioritisation criteria" in "".join(page.extract_text() for page in pages)
    assert elapsed < 30, f"{elapsed:.1f} s for {len(pages)} pages"
