"""Every form reads as a form a person fills, not a database's: labels without a trailing colon,
empty choices that say what to choose instead of "---------", and a date beside its time."""

import re
from datetime import date

import pytest
from django import forms
from django.urls import reverse

from coalitions.models import Role
from obligations.tests.factories import make_indicator, make_obligation

pytestmark = pytest.mark.django_db


@pytest.fixture
def form_pages(coalition, members):
    obligation = make_obligation(coalition, article=4, entry_into_force=date(2020, 1, 1))
    make_indicator(obligation)
    slug = coalition.slug
    return [
        reverse("coalitions:new"),
        reverse("coalitions:invitation_new", args=[slug]),
        reverse("coalitions:settings", args=[slug]),
        reverse("obligations:progress_new", args=[slug, obligation.pk]),
        reverse("obligations:new", args=[slug]),
        reverse("obligations:edit", args=[slug, obligation.pk]),
        reverse("obligations:need_new", args=[slug]),
        reverse("actions:new", args=[slug]),
        reverse("meetings:new", args=[slug]),
    ]


def test_no_form_shows_colons_after_labels_or_dashes_for_an_empty_choice(
    client, members, form_pages
):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    for url in form_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "<label" in page, url
        assert not re.search(r":\s*</(label|legend)>", page), url
        assert "---------" not in page, url


def test_a_label_keeps_a_suffix_asked_for_by_name():
    class Form(forms.Form):
        name = forms.CharField(label="Name")

    field = Form()["name"]
    assert field.label_tag() == '<label for="id_name">Name</label>'
    assert field.label_tag(label_suffix="?") == '<label for="id_name">Name?</label>'


def test_a_date_and_its_time_are_marked_for_one_row(client, members, coalition):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    page = client.get(reverse("meetings:new", args=[coalition.slug])).content.decode()
    assert re.search(r'class="field field-date field-date\b', page)
    assert re.search(r'class="field field-time field-start_time\b', page)


def test_a_bad_choice_in_a_form_with_a_new_empty_label_is_refused(client, members, coalition):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    response = client.post(
        reverse("coalitions:invitation_new", args=[coalition.slug]),
        {
            "email": "someone@example.net",
            "role": "",
            "organisation": coalition.national_authority.pk,
        },
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
