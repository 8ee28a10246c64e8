"""Bad input gets a clear error and changes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from coalitions.models import Role
from obligations import services
from obligations.assistance import services as assistance
from obligations.models import Indicator, Need, Obligation, Offer, ProgressEntry
from obligations.tests.factories import make_indicator, make_obligation, report


@pytest.fixture
def area(coalition):
    return make_indicator(make_obligation(coalition, entry_into_force=date(2016, 1, 1)))


@pytest.mark.django_db
def test_deadline_before_entry_into_force_is_refused(coalition):
    obligation = make_obligation(coalition)
    with pytest.raises(ValidationError) as exc:
        services.obligation_update(
            obligation=obligation,
            entry_into_force=date(2016, 1, 1),
            plan_start=date(2017, 1, 1),
            plan_end=date(2016, 6, 1),
            status="in_progress",
            completed_on=None,
            completion_declaration="",
            notes="",
            actor=None,
        )
    assert "plan_end" in exc.value.message_dict


@pytest.mark.django_db
def test_completed_needs_a_date(coalition):
    with pytest.raises(ValidationError) as exc:
        make_obligation(coalition, status=Obligation.Status.COMPLETED)
    assert "completed_on" in exc.value.message_dict
    assert not Obligation.objects.exists()


@pytest.mark.django_db
def test_apmbc_obligation_needs_a_state_under_the_apmbc(coalition):
    with pytest.raises(ValidationError) as exc:
        make_obligation(coalition, convention="apmbc", article=5)
    assert "convention" in exc.value.message_dict


@pytest.mark.django_db
def test_target_below_baseline_is_refused(coalition):
    obligation = make_obligation(coalition)
    with pytest.raises(ValidationError) as exc:
        make_indicator(obligation, baseline=Decimal(500), target=Decimal(100))
    assert "below the baseline" in str(exc.value.message_dict["target"])
    assert not Indicator.objects.exists()


@pytest.mark.django_db
def test_only_one_headline_indicator(coalition):
    obligation = make_obligation(coalition)
    first = make_indicator(obligation)
    assert first.is_headline
    second = make_indicator(obligation, kind=Indicator.Kind.REMNANTS_DESTROYED, is_headline=True)
    first.refresh_from_db()
    assert second.is_headline and not first.is_headline


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end", "value", "field"),
    [
        (date(2015, 1, 1), date(2015, 12, 31), 10, "period_start"),  # before entry into force
        (date(2020, 1, 1), date(2099, 12, 31), 10, "period_end"),  # in the future
        (date(2020, 6, 1), date(2020, 1, 1), 10, "period_end"),  # ends before it starts
        (date(2020, 1, 1), date(2020, 3, 31), -5, "value"),  # negative
    ],
)
def test_bad_progress_is_refused_and_saves_nothing(area, start, end, value, field):
    with pytest.raises(ValidationError) as exc:
        report(area, start=start, end=end, value=value)
    assert field in exc.value.message_dict
    assert not ProgressEntry.objects.exists()


@pytest.mark.django_db
def test_progress_after_completion_is_refused(coalition):
    obligation = make_obligation(
        coalition, status=Obligation.Status.COMPLETED, completed_on=date(2020, 7, 21)
    )
    indicator = make_indicator(obligation)
    with pytest.raises(ValidationError) as exc:
        report(indicator, start=date(2021, 1, 1), end=date(2021, 3, 31), value=5)
    assert "period_start" in exc.value.message_dict


@pytest.mark.django_db
def test_area_breakdown_must_add_up(area):
    with pytest.raises(ValidationError) as exc:
        report(
            area, start=date(2020, 1, 1), end=date(2020, 3, 31), value=100,
            cancelled_m2=Decimal(10), reduced_m2=Decimal(20), cleared_m2=Decimal(30),
        )  # fmt: skip
    assert "add up" in str(exc.value.message_dict["value"])
    entry = report(
        area, start=date(2020, 1, 1), end=date(2020, 3, 31), value=100,
        cancelled_m2=Decimal(10), reduced_m2=Decimal(20), cleared_m2=Decimal(70),
    )  # fmt: skip
    assert entry.cleared_m2 == 70


@pytest.mark.django_db
def test_same_period_twice_from_one_organisation_is_refused(area):
    report(area, start=date(2020, 1, 1), end=date(2020, 3, 31), value=100)
    with pytest.raises(ValidationError):
        report(area, start=date(2020, 1, 1), end=date(2020, 3, 31), value=200)
    assert ProgressEntry.objects.count() == 1


@pytest.mark.django_db
def test_offer_against_a_need_uses_its_currency_and_totals_stay_per_currency(coalition, members):
    from obligations.assistance.selectors import needs_board

    need = assistance.need_create(
        coalition=coalition, activity="Clearance", amount=Decimal("1000"), currency="USD",
        period_start=date(2027, 1, 1), period_end=date(2027, 12, 31),
        actor=None,
    )  # fmt: skip
    donor = members[Role.DONOR].memberships.get().organisation
    with pytest.raises(ValidationError) as exc:
        assistance.offer_create(
            coalition=coalition, need=need, donor=donor, activity="x", amount=Decimal(5),
            currency="EUR", period_start=date(2027, 1, 1), period_end=date(2027, 2, 1),
            actor=None,
        )  # fmt: skip
    assert "USD" in str(exc.value.message_dict["currency"])
    assistance.offer_create(
        coalition=coalition, need=need, donor=donor, activity="x", amount=Decimal(400),
        currency="USD", period_start=date(2027, 1, 1), period_end=date(2027, 2, 1),
        actor=None,
    )  # fmt: skip
    assistance.offer_create(
        coalition=coalition, donor=donor, activity="y", amount=Decimal(70),
        currency="EUR", period_start=date(2027, 1, 1), period_end=date(2027, 2, 1),
        actor=None,
    )  # fmt: skip
    board = needs_board(coalition=coalition)
    assert board.totals == {
        "EUR": {"needed": Decimal(0), "pledged": Decimal("70.00")},
        "USD": {"needed": Decimal("1000.00"), "pledged": Decimal("400.00")},
    }
    assert board.needs[0].pledged == Decimal("400.00")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("currency", "amount"),
    [("U$D", Decimal(5)), ("US", Decimal(5)), ("USD", Decimal(0)), ("USD", Decimal(-3))],
)
def test_bad_money_is_refused(coalition, currency, amount):
    with pytest.raises(ValidationError):
        assistance.need_create(
            coalition=coalition, activity="Clearance", amount=amount, currency=currency,
            period_start=date(2027, 1, 1), period_end=date(2027, 12, 31),
            actor=None,
        )  # fmt: skip
    assert not Need.objects.exists()


@pytest.mark.django_db
def test_offer_status_moves_forward_only(coalition, members):
    donor = members[Role.DONOR].memberships.get().organisation
    offer = assistance.offer_create(
        coalition=coalition, donor=donor, activity="y", amount=Decimal(70),
        currency="EUR", period_start=date(2027, 1, 1), period_end=date(2027, 2, 1),
        actor=None,
    )  # fmt: skip
    assistance.offer_set_status(offer=offer, status="committed", actor=None)
    with pytest.raises(ValidationError):
        assistance.offer_set_status(offer=offer, status="pledged", actor=None)
    assert Offer.objects.get().status == "committed"


@pytest.mark.django_db
def test_entry_into_force_after_the_granted_deadline_is_refused(coalition):
    obligation = make_obligation(coalition, article=4, entry_into_force=date(2011, 5, 1))
    request = services.extension_request_create(
        obligation=obligation,
        requested_deadline=date(2026, 5, 1),
        submitted_on=date(2020, 3, 2),
        actor=None,
    )
    services.extension_request_decide(
        request=request, decision="granted", granted_deadline=date(2026, 5, 1),
        decided_on=date(2020, 11, 27),
        actor=None,
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.obligation_update(
            obligation=obligation, entry_into_force=date(2026, 6, 1), plan_start=None,
            plan_end=None, status="in_progress", completed_on=None, completion_declaration="",
            notes="", actor=None,
        )  # fmt: skip
    assert "after the entry into force" in str(exc.value.message_dict["current_deadline"])
    obligation.refresh_from_db()
    assert obligation.entry_into_force == date(2011, 5, 1)
    assert obligation.current_deadline == date(2026, 5, 1)
