"""The extension request pages tell each obligation its own convention's rule, from the treaty table."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coalitions.models import Role
from coalitions.tests.factories import CoalitionFactory, add_member
from obligations import services, treaty
from obligations.models import ExtensionRequest
from obligations.tests.factories import make_obligation

# Every (convention, article) with a deadline, and whether the treaty lets it be extended.
EXTENDABLE = sorted(treaty.EXTENSION_MAX_YEARS)
NOT_EXTENDABLE = sorted(set(treaty.DEADLINE_YEARS) - set(treaty.EXTENSION_MAX_YEARS))


@pytest.fixture
def both_conventions(db):
    coalition = CoalitionFactory(under_apmbc=True)
    return coalition, add_member(coalition, Role.NATIONAL_AUTHORITY)


def rule_sentence(convention: str, article: int, years: int) -> str:
    return f"{convention.upper()} Article {article} allows extensions of up to {years} years"


def test_the_apmbc_rules_are_in_the_table():
    assert treaty.extension_max_years(convention="apmbc", article=5) == 10
    assert treaty.extension_max_years(convention="apmbc", article=4) is None
    assert ("apmbc", 4) in NOT_EXTENDABLE


@pytest.mark.django_db
@pytest.mark.parametrize(("convention", "article"), EXTENDABLE)
def test_the_request_page_states_its_own_conventions_rule(
    client, both_conventions, convention, article
):
    coalition, authority = both_conventions
    obligation = make_obligation(
        coalition, convention=convention, article=article, entry_into_force=date(2016, 1, 1)
    )
    client.force_login(authority)
    page = client.get(
        reverse("obligations:extension_new", args=[coalition.slug, obligation.pk])
    ).content.decode()
    years = treaty.EXTENSION_MAX_YEARS[(convention, article)]
    assert rule_sentence(convention, article, years) + " per request." in page
    for other, other_years in treaty.EXTENSION_MAX_YEARS.items():
        if other != (convention, article):
            assert rule_sentence(*other, other_years) not in page
    assert 'name="requested_deadline"' in page


@pytest.mark.django_db
def test_an_apmbc_clearance_request_may_ask_for_ten_years_and_no_more(both_conventions):
    coalition, authority = both_conventions
    obligation = make_obligation(
        coalition, convention="apmbc", article=5, entry_into_force=date(2016, 1, 1)
    )
    ten_years_on = treaty.add_years(obligation.current_deadline, 10)
    with pytest.raises(ValidationError) as refused:
        services.extension_request_create(
            obligation=obligation,
            requested_deadline=ten_years_on + timedelta(days=1),
            submitted_on=date(2024, 1, 1),
            actor=authority,
        )
    assert "at most 10 years" in str(refused.value.message_dict["requested_deadline"])
    request = services.extension_request_create(
        obligation=obligation,
        requested_deadline=ten_years_on,
        submitted_on=date(2024, 1, 1),
        actor=authority,
    )
    assert request.requested_deadline == ten_years_on


@pytest.mark.django_db
def test_the_request_page_in_french_gives_the_apmbc_rule(client, both_conventions):
    coalition, authority = both_conventions
    obligation = make_obligation(
        coalition, convention="apmbc", article=5, entry_into_force=date(2016, 1, 1)
    )
    client.force_login(authority)
    page = client.get(
        reverse("obligations:extension_new", args=[coalition.slug, obligation.pk]),
        HTTP_ACCEPT_LANGUAGE="fr",
    ).content.decode()
    assert "article 5 (APMBC) permet des prolongations de 10 ans au plus par demande" in page


@pytest.mark.django_db
@pytest.mark.parametrize(("convention", "article"), NOT_EXTENDABLE)
def test_an_article_without_extensions_offers_no_form_and_refuses_a_request(
    client, both_conventions, convention, article
):
    coalition, authority = both_conventions
    obligation = make_obligation(
        coalition, convention=convention, article=article, entry_into_force=date(2016, 1, 1)
    )
    client.force_login(authority)
    url = reverse("obligations:extension_new", args=[coalition.slug, obligation.pk])
    sentence = f"{convention.upper()} Article {article} allows no extension of its deadline."

    page = client.get(url).content.decode()
    assert sentence in page
    assert 'name="requested_deadline"' not in page
    assert "allows extensions of up to" not in page
    detail = client.get(
        reverse("obligations:detail", args=[coalition.slug, obligation.pk])
    ).content.decode()
    assert url not in detail

    response = client.post(
        url,
        {
            "requested_deadline": (obligation.current_deadline + timedelta(days=365)).isoformat(),
            "submitted_on": "2018-01-01",
        },
    )
    assert response.status_code == 200
    assert sentence in response.content.decode()
    assert not ExtensionRequest.objects.exists()
    obligation.refresh_from_db()
    assert obligation.current_deadline == obligation.original_deadline
