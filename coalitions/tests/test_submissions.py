"""A create form's token is claimed in the database: two processes sending the same form at the
same moment create one record, each on its own PostgreSQL connection."""

import threading
import time
import uuid

import pytest
from django import forms
from django.db import connection

from coalitions.models import FormSubmission, Organisation, Role
from coalitions.submissions import SubmittedOnce, run_once
from coalitions.tests.factories import CoalitionFactory, add_member


class OrganisationForm(SubmittedOnce, forms.Form):
    name = forms.CharField()


@pytest.mark.django_db(transaction=True)
def test_the_same_form_sent_twice_at_once_creates_one_record():
    from tests.fixtures import require_service

    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "row locks need DATABASE_URL=postgres://"
    )
    coalition = CoalitionFactory()
    person = add_member(coalition, Role.NATIONAL_AUTHORITY)
    token = str(uuid.uuid4())
    first_claimed, outcomes, errors = threading.Event(), {}, []

    def create(who: str):
        if who == "first":
            first_claimed.set()
            # Holds its transaction open while the second submission tries to claim the token.
            time.sleep(0.5)
        return Organisation.objects.create(name=f"Made by the {who} submission")

    def submit(who: str):
        try:
            form = OrganisationForm({"name": "Survey", "submission": token})
            assert form.is_valid()
            outcomes[who] = run_once(
                form=form,
                user=person,
                create=lambda: create(who),
                url_for=lambda organisation: f"/organisations/{organisation.pk}/",
            )
        except Exception as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    before = Organisation.objects.count()
    first = threading.Thread(target=submit, args=["first"])
    first.start()
    assert first_claimed.wait(timeout=10)
    second = threading.Thread(target=submit, args=["second"])
    second.start()
    for thread in (first, second):
        thread.join(timeout=30)
    assert not errors
    assert Organisation.objects.count() == before + 1
    assert outcomes["second"].repeated and not outcomes["first"].repeated
    assert outcomes["second"].url == outcomes["first"].url
    assert FormSubmission.objects.get(token=token).url == outcomes["first"].url
