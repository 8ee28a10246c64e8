"""The crawl's visitor (tests/crawl.py): each request is undone, and each starts signed in as the
same person, whether or not the one before signed them out."""

import pytest
from django.urls import reverse

from coalitions.tests.factories import UserFactory

from .crawl import Visitor

pytestmark = pytest.mark.django_db


def test_a_request_that_signs_the_person_out_is_followed_by_one_signed_in_again(client):
    person = UserFactory()
    today = reverse("coalitions:today")
    with Visitor(client, person) as visitor:
        assert visitor.request("get", today, "today").status == 200
        assert visitor.request("post", reverse("account_logout"), "logout").status == 302
        assert visitor.request("get", today, "today").status == 200


def test_what_a_request_writes_is_undone_before_the_next(client):
    from allauth.account.models import EmailAddress

    person = UserFactory()
    added = []
    with Visitor(client, person) as visitor:
        visitor.request(
            "post",
            reverse("account_email"),
            "account_email",
            {"email": "added@example.net", "action_add": ""},
            inspect=lambda visit: added.append(
                EmailAddress.objects.filter(email="added@example.net").exists()
            ),
        )
        assert added == [True]
        assert not EmailAddress.objects.filter(email="added@example.net").exists()


def test_an_anonymous_visitor_stays_signed_out(client):
    with Visitor(client, None) as visitor:
        visit = visitor.request("get", reverse("coalitions:today"), "today")
    assert visit.status == 302
