"""Every change records who made it: each service names its actor, keyword-only and required.

The cases come from the services modules themselves, so a new service is checked without a new test.
"""

import importlib
import inspect

import pytest
from django.apps import apps

# Services where the acting person has another name, because they act on their own record.
ACTOR_NAMED_OTHERWISE = {
    "actions.services.notification_preference_set": "user",
    "coalitions.services.invitation_accept": "user",
    "meetings.services.calendar_feed_for": "user",
    "meetings.services.calendar_feed_renew": "user",
    "users.services.user_update_profile": "user",
    "users.services.user_set_language": "user",
}

# Functions in services modules that change nothing a person did, with the reason.
NOT_A_PERSONS_CHANGE = {
    "actions.services.unsubscribe": "the signed link names the person, who is the actor",
    "coalitions.services.invitation_token": "makes a signed link; writes nothing",
    "coalitions.services.invitation_url": "makes a link; writes nothing",
    "coalitions.services.invitation_from_token": "reads a signed link; writes nothing",
    "coalitions.services.invitation_send_mail": "the worker stamps the sending time",
    "coalitions.services.queue_invitations": "the mail dispatcher queues sends; writes nothing",
    "coalitions.services.invitations_to_send": "narrows a queryset for the dispatcher",
    "coalitions.services.unique_slug": "finds a free short address; writes nothing",
    "coalitions.services.hand_over_send_mail": "the worker stamps the sending time",
    "coalitions.services.queue_hand_overs": "the mail dispatcher queues sends; writes nothing",
    "concerns.services.concern_notice_send": "the worker stamps the sending time",
    "concerns.services.queue_notices": "the mail dispatcher queues sends; writes nothing",
    "concerns.services.no_reader_message": "a sentence for the page; writes nothing",
    "meetings.services.calendar_feed_token": "makes a signed link; writes nothing",
    "meetings.services.calendar_feed_from_token": "reads a signed link; writes nothing",
    "coalitions.services.follow_organisation_merge": "an app registers a hook at start; writes nothing",
    "users.services.site_staff_group": "sets the staff group's permissions to the fixed list",
}


def service_functions():
    found = []
    for config in apps.get_app_configs():
        if config.name.split(".")[0] not in {"actions", "coalitions", "concerns", "meetings",
                                              "obligations", "users", "outbox"}:  # fmt: skip
            continue
        try:
            module = importlib.import_module(f"{config.name}.services")
        except ModuleNotFoundError:
            continue
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                found.append(pytest.param(function, id=f"{module.__name__}.{name}"))
    return found


def test_the_services_are_found():
    names = {p.id for p in service_functions()}
    assert "meetings.services.agenda_reorder" in names and len(names) > 60
    assert set(ACTOR_NAMED_OTHERWISE) | set(NOT_A_PERSONS_CHANGE) <= names


@pytest.mark.parametrize("function", service_functions())
def test_every_service_takes_its_actor_keyword_only_and_required(function):
    qualified = f"{function.__module__}.{function.__name__}"
    if qualified in NOT_A_PERSONS_CHANGE:
        return
    actor = ACTOR_NAMED_OTHERWISE.get(qualified, "actor")
    parameters = inspect.signature(function).parameters
    assert actor in parameters, f"{qualified} does not say who acts"
    parameter = parameters[actor]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, qualified
    assert parameter.default is inspect.Parameter.empty, f"{qualified}: {actor} has a default"
