"""The needs board says how far each need is matched: not yet, partly (with the share), fully."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation

from coalitions.models import Role
from obligations.assistance import services as assistance
from obligations.templatetags.obligation_tags import pledged_share


def need_with(coalition, donor, activity, amount, pledged=()):
    need = assistance.need_create(
        coalition=coalition, activity=activity, amount=Decimal(amount), currency="USD",
        period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), actor=None,
    )  # fmt: skip
    for value in pledged:
        assistance.offer_create(
            coalition=coalition, need=need, donor=donor, activity=f"For {activity}",
            amount=Decimal(value), currency="USD",
            period_start=date(2027, 1, 1), period_end=date(2027, 6, 30), actor=None,
        )  # fmt: skip
    return need


def card(page: str, activity: str) -> str:
    return page.split(f"<h3>{activity}</h3>")[1].split("</li>")[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "partly"),
    [
        ("en", "Partly matched: 33% pledged"),
        ("fr", "Partiellement couvert : 33 % promis"),
        ("es", "Parcialmente cubierta: 33 % comprometido"),
    ],
)
def test_a_third_pledged_need_is_partly_matched_with_its_share(
    client, coalition, members, language, partly
):
    donor = members[Role.DONOR].memberships.get().organisation
    need_with(coalition, donor, "Survey", 300, pledged=[60, 40])
    need_with(coalition, donor, "Clearance", 500)
    need_with(coalition, donor, "Risk education", 200, pledged=[200])
    reader = members[Role.OBSERVER]
    reader.preferred_language = language
    reader.save()
    client.force_login(reader)
    # The request activates the reader's language; the override puts the test's back afterwards.
    with translation.override("en"):
        page = client.get(
            reverse("obligations:needs", args=[coalition.slug]), HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
    assert partly in card(page, "Survey")
    not_yet = {"en": "Not yet matched", "fr": "Pas encore couvert", "es": "Aún no cubierta"}
    assert not_yet[language] in card(page, "Clearance")
    assert not_yet[language] not in card(page, "Survey")


def test_the_share_never_rounds_a_partial_match_to_nothing_or_to_all():
    def share(pledged, amount):
        return pledged_share(SimpleNamespace(pledged=Decimal(pledged), amount=Decimal(amount)))

    assert share("1", "300") == "1"
    assert share("0.01", "1000000") == "1"
    assert share("999999.99", "1000000") == "99"
    assert share("100", "300") == "33"
    assert share("300", "300") == "100"
    assert pledged_share(SimpleNamespace(pledged=Decimal(5), amount=Decimal(0))) == "—"
    assert pledged_share(None) == "—"
