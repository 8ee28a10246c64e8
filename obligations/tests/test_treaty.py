from datetime import date

import pytest
from django.core.exceptions import ValidationError

from obligations import services, treaty
from obligations.models import ExtensionRequest
from obligations.tests.factories import make_obligation


@pytest.mark.parametrize(
    ("article", "entry_into_force", "deadline"),
    [
        (3, date(2011, 5, 1), date(2019, 5, 1)),
        (4, date(2011, 5, 1), date(2021, 5, 1)),
        (3, date(2011, 12, 1), date(2019, 12, 1)),
        (4, date(2010, 8, 1), date(2020, 8, 1)),
        # 29 February + 10 years falls in a non-leap year: 28 February (relativedelta's rule).
        (4, date(2012, 2, 29), date(2022, 2, 28)),
        # + 8 years lands in a leap year again: 29 February stays.
        (3, date(2012, 2, 29), date(2020, 2, 29)),
    ],
)
def test_treaty_deadline_from_entry_into_force(article, entry_into_force, deadline):
    assert (
        treaty.original_deadline(
            convention="ccm", article=article, entry_into_force=entry_into_force
        )
        == deadline
    )


def test_article_5_has_no_deadline():
    assert (
        treaty.original_deadline(convention="ccm", article=5, entry_into_force=date(2011, 5, 1))
        is None
    )


def test_longest_extension_from_29_february():
    assert treaty.latest_extended_deadline(
        convention="ccm", article=4, current_deadline=date(2024, 2, 29)
    ) == date(2029, 2, 28)


@pytest.mark.django_db
def test_obligation_gets_its_deadline_by_the_treaty_rule(coalition):
    obligation = make_obligation(coalition, article=4, entry_into_force=date(2012, 2, 29))
    assert obligation.original_deadline == obligation.current_deadline == date(2022, 2, 28)


@pytest.mark.django_db
def test_granted_extension_moves_the_deadline_and_keeps_the_history(coalition, members):
    obligation = make_obligation(coalition, article=4, entry_into_force=date(2011, 5, 1))
    request = services.extension_request_create(
        obligation=obligation,
        requested_deadline=date(2026, 5, 1),
        submitted_on=date(2020, 3, 2),
        actor=None,
    )
    services.extension_request_decide(
        request=request,
        decision=ExtensionRequest.Decision.GRANTED,
        granted_deadline=date(2026, 5, 1),
        decided_on=date(2020, 11, 27),
        decided_by_meeting="Second Review Conference",
        actor=None,
    )
    obligation.refresh_from_db()
    assert obligation.original_deadline == date(2021, 5, 1)
    assert obligation.current_deadline == date(2026, 5, 1)
    request.refresh_from_db()
    assert request.deadline_before == date(2021, 5, 1)
    assert obligation.history.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("article", "entry_into_force", "requested", "message"),
    [
        (4, date(2011, 5, 1), date(2026, 5, 2), "at most 5 years"),
        (3, date(2011, 5, 1), date(2023, 5, 2), "at most 4 years"),
        (4, date(2011, 5, 1), date(2021, 5, 1), "later than"),
        (4, date(2011, 5, 1), date(2020, 1, 1), "later than"),
    ],
)
def test_extension_beyond_the_treaty_maximum_or_not_later_is_refused(
    coalition, article, entry_into_force, requested, message
):
    obligation = make_obligation(coalition, article=article, entry_into_force=entry_into_force)
    with pytest.raises(ValidationError) as exc:
        services.extension_request_create(
            obligation=obligation,
            requested_deadline=requested,
            submitted_on=date(2020, 1, 1),
            actor=None,
        )
    assert message in str(exc.value.message_dict["requested_deadline"])
    assert not ExtensionRequest.objects.exists()


@pytest.mark.django_db
def test_granting_more_than_the_maximum_changes_nothing(coalition):
    obligation = make_obligation(coalition, article=3, entry_into_force=date(2011, 5, 1))
    request = services.extension_request_create(
        obligation=obligation,
        requested_deadline=date(2021, 5, 1),
        submitted_on=date(2018, 1, 1),
        actor=None,
    )
    with pytest.raises(ValidationError):
        services.extension_request_decide(
            request=request,
            decision="granted",
            granted_deadline=date(2024, 1, 1),
            decided_on=date(2018, 9, 1),
            actor=None,
        )
    obligation.refresh_from_db()
    request.refresh_from_db()
    assert obligation.current_deadline == date(2019, 5, 1)
    assert request.decision == "pending"
