"""Every obligations page for each role, an outsider and an anonymous visitor; forms and flows."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from coalitions.models import Role
from coalitions.tests.factories import CoalitionFactory, add_member
from obligations import services
from obligations.assistance import services as assistance
from obligations.models import ExtensionRequest, Obligation, ProgressEntry
from obligations.tests.factories import make_indicator, make_obligation, report

NA, CH, DO, OP, FA, SE, OB = (
    Role.NATIONAL_AUTHORITY, Role.CHAMPION, Role.DONOR, Role.OPERATOR, Role.FACILITATOR,
    Role.SECRETARIAT, Role.OBSERVER,
)  # fmt: skip
EVERYONE = set(Role.values)


@pytest.fixture
def obligation(coalition):
    obligation = make_obligation(coalition, article=4, entry_into_force=date(2020, 1, 1))
    indicator = make_indicator(obligation, target=Decimal(10000))
    for q_end in [date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30)]:
        report(indicator, start=q_end.replace(day=1), end=q_end, value=500)
    return obligation


@pytest.fixture
def pages(coalition, obligation):
    slug, pk = coalition.slug, obligation.pk
    request = services.extension_request_create(
        obligation=obligation,
        requested_deadline=date(2031, 1, 1),
        submitted_on=date(2025, 1, 1),
        actor=None,
    )
    indicator = obligation.indicators.get()
    return {
        "dashboard": (reverse("obligations:dashboard", args=[slug]), EVERYONE),
        "detail": (reverse("obligations:detail", args=[slug, pk]), EVERYONE),
        "export": (reverse("obligations:progress_export", args=[slug]), EVERYONE),
        "needs": (reverse("obligations:needs", args=[slug]), EVERYONE),
        "new": (reverse("obligations:new", args=[slug]), {NA}),
        "edit": (reverse("obligations:edit", args=[slug, pk]), {NA}),
        "extension_new": (reverse("obligations:extension_new", args=[slug, pk]), {NA}),
        "extension_decide": (
            reverse("obligations:extension_decide", args=[slug, pk, request.pk]),
            {NA},
        ),
        "indicator_new": (reverse("obligations:indicator_new", args=[slug, pk]), {NA}),
        "indicator_edit": (
            reverse("obligations:indicator_edit", args=[slug, pk, indicator.pk]),
            {NA},
        ),
        "progress_new": (reverse("obligations:progress_new", args=[slug, pk]), {NA, OP}),
        "progress_import": (reverse("obligations:progress_import", args=[slug]), {NA, OP}),
        "need_new": (reverse("obligations:need_new", args=[slug]), {NA}),
        "offer_new": (reverse("obligations:offer_new", args=[slug]), {NA, CH, DO}),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_each_role_is_allowed_or_refused_on_every_page(client, pages, members, role):
    client.force_login(members[role])
    for name, (url, allowed) in pages.items():
        status = client.get(url).status_code
        assert status == (200 if role in allowed else 403), f"{role} on {name}: {status}"


@pytest.mark.django_db
def test_outsider_gets_404_and_sees_nothing(client, pages, coalition, outsider):
    client.force_login(outsider)
    for name, (url, _allowed) in pages.items():
        response = client.get(url)
        assert response.status_code == 404, name
        assert coalition.name not in response.content.decode(), name


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in(client, pages):
    for name, (url, _allowed) in pages.items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("account_login")), name


@pytest.mark.django_db
def test_another_coalitions_obligation_is_not_found_through_mine(client, members, coalition):
    other = make_obligation(CoalitionFactory())
    client.force_login(members[NA])
    assert (
        client.get(reverse("obligations:detail", args=[coalition.slug, other.pk])).status_code
        == 404
    )


@pytest.mark.django_db
def test_operator_reports_and_authority_validates(client, members, coalition, obligation):
    indicator = obligation.indicators.get()
    client.force_login(members[OP])
    url = reverse("obligations:progress_new", args=[coalition.slug, obligation.pk])
    response = client.post(
        url,
        {"indicator": indicator.pk, "period_start": "2025-10-01", "period_end": "2025-12-31",
         "value": "700", "source": "Monthly returns"},
    )  # fmt: skip
    assert response.status_code == 302
    entry = ProgressEntry.objects.get(period_end=date(2025, 12, 31))
    operator_org = members[OP].memberships.get().organisation
    assert entry.reporting_organisation == operator_org and entry.reported_by == members[OP]
    assert not entry.is_validated
    detail = client.get(reverse("obligations:detail", args=[coalition.slug, obligation.pk]))
    assert "Awaiting validation" in detail.content.decode()
    assert str(operator_org) in detail.content.decode()

    validate = reverse("obligations:progress_validate", args=[coalition.slug, entry.pk])
    assert client.post(validate).status_code == 403
    client.force_login(members[DO])
    assert client.post(validate).status_code == 403
    client.force_login(members[NA])
    assert client.post(validate).status_code == 302
    entry.refresh_from_db()
    assert entry.validated_by == members[NA]


@pytest.mark.django_db
def test_donor_may_not_edit_an_obligation(client, members, coalition, obligation):
    client.force_login(members[DO])
    url = reverse("obligations:edit", args=[coalition.slug, obligation.pk])
    response = client.post(
        url, {"entry_into_force": "2010-01-01", "status": "in_progress", "notes": "changed"}
    )
    assert response.status_code == 403
    obligation.refresh_from_db()
    assert obligation.entry_into_force == date(2020, 1, 1)


@pytest.mark.django_db
def test_bad_progress_form_shows_the_error_and_saves_nothing(
    client, members, coalition, obligation
):
    client.force_login(members[NA])
    url = reverse("obligations:progress_new", args=[coalition.slug, obligation.pk])
    before = ProgressEntry.objects.count()
    for data, text in [
        ({"value": "-4"}, "cannot be negative"),
        ({"value": "lots"}, "Enter a number"),
        ({"period_start": "2010-01-01"}, "before the obligation entered into force"),
    ]:
        payload = {"indicator": obligation.indicators.get().pk, "period_start": "2025-10-01",
                   "period_end": "2025-12-31", "value": "10", **data}  # fmt: skip
        response = client.post(url, payload)
        assert response.status_code == 200
        assert text in response.content.decode(), text
    assert ProgressEntry.objects.count() == before


@pytest.mark.django_db
def test_extension_beyond_maximum_gets_a_clear_form_error(client, members, coalition, obligation):
    client.force_login(members[NA])
    url = reverse("obligations:extension_new", args=[coalition.slug, obligation.pk])
    response = client.post(url, {"requested_deadline": "2035-01-02", "submitted_on": "2025-01-01"})
    assert response.status_code == 200
    assert "at most 5 years" in response.content.decode()
    assert not ExtensionRequest.objects.exists()


@pytest.mark.django_db
def test_deadline_before_entry_into_force_form_error(client, members, coalition):
    client.force_login(members[NA])
    response = client.post(
        reverse("obligations:new", args=[coalition.slug]),
        {"convention": "ccm", "article": "5", "entry_into_force": "2020-01-01",
         "plan_start": "2020-01-01", "plan_end": "2019-01-01"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "plan period must end after" in response.content.decode()
    assert not Obligation.objects.exists()


@pytest.mark.django_db
def test_recording_progress_moves_the_forecast(client, members, coalition, obligation):
    client.force_login(members[NA])
    dashboard = reverse("obligations:dashboard", args=[coalition.slug])
    before = client.get(dashboard).context["statuses"][0].forecast
    client.post(
        reverse("obligations:progress_new", args=[coalition.slug, obligation.pk]),
        {"indicator": obligation.indicators.get().pk, "period_start": "2025-10-01",
         "period_end": "2025-12-31", "value": "3000"},
    )  # fmt: skip
    after = client.get(dashboard).context["statuses"][0].forecast
    assert after.achieved == before.achieved + 3000
    assert after.projected_date != before.projected_date


@pytest.mark.django_db
def test_only_the_offering_donor_changes_an_offers_status(client, members, coalition):
    donor_org = members[DO].memberships.get().organisation
    offer = assistance.offer_create(
        coalition=coalition, donor=donor_org, activity="Survey", amount=Decimal(100),
        currency="EUR", period_start=date(2027, 1, 1), period_end=date(2027, 3, 1),
        actor=None,
    )  # fmt: skip
    url = reverse("obligations:offer_status", args=[coalition.slug, offer.pk])
    client.force_login(members[CH])
    assert client.post(url, {"status": "committed"}).status_code == 403
    client.force_login(members[DO])
    assert client.post(url, {"status": "committed"}).status_code == 302
    offer.refresh_from_db()
    assert offer.status == "committed"


@pytest.mark.django_db
def test_donor_posts_an_offer_against_a_need(client, members, coalition):
    need = assistance.need_create(
        coalition=coalition, activity="Clearance", amount=Decimal(1000), currency="USD",
        period_start=date(2027, 1, 1), period_end=date(2027, 12, 31),
        actor=None,
    )  # fmt: skip
    client.force_login(members[DO])
    url = reverse("obligations:offer_new", args=[coalition.slug])
    bad = client.post(url, {"need": need.pk, "activity": "x", "amount": "-1", "currency": "usd",
                            "period_start": "2027-01-01", "period_end": "2027-02-01",
                            "status": "pledged"})  # fmt: skip
    assert bad.status_code == 200 and not need.offers.exists()
    ok = client.post(url, {"need": need.pk, "activity": "x", "amount": "250", "currency": "USD",
                           "period_start": "2027-01-01", "period_end": "2027-02-01",
                           "status": "pledged"})  # fmt: skip
    assert ok.status_code == 302
    board = client.get(reverse("obligations:needs", args=[coalition.slug])).content.decode()
    assert "250.00 USD" in board and "1,000.00" in board


@pytest.mark.django_db
def test_home_page_shows_the_obligations_panel(client, members, coalition, obligation):
    client.force_login(members[OB])
    page = client.get(reverse("coalitions:detail", args=[coalition.slug])).content.decode()
    assert "Obligations dashboard" in page
    assert "CCM article 4" in page
    assert "days left" in page


@pytest.mark.django_db
def test_deleting_a_figure_asks_first_and_only_the_reporter_or_authority_may(
    client, members, coalition, obligation
):
    entry = report(
        obligation.indicators.get(), start=date(2025, 10, 1), end=date(2025, 12, 31), value=5,
        organisation=members[OP].memberships.get().organisation, actor=members[OP],
        validate=False,
    )  # fmt: skip
    url = reverse("obligations:progress_delete", args=[coalition.slug, entry.pk])
    other_operator = add_member(coalition, OP)
    client.force_login(other_operator)
    assert client.post(url).status_code == 403
    client.force_login(members[DO])
    assert client.post(url).status_code == 403
    client.force_login(members[OP])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Delete this figure?" in confirm.content.decode()
    assert ProgressEntry.objects.filter(pk=entry.pk).exists()
    assert client.post(url).status_code == 302
    assert not ProgressEntry.objects.filter(pk=entry.pk).exists()
