"""Obligations at the edges of what the forms accept: no indicator yet, huge figures, far dates."""

import io
from datetime import date, time
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from coalitions.date_range import EARLIEST, LATEST
from coalitions.models import Role
from coalitions.permissions import access_for
from meetings import services as meeting_services
from meetings import timefmt
from meetings.models import Meeting
from meetings.summary import render_summary_pdf
from meetings.tests.factories import held_meeting_with_record
from obligations import services
from obligations.assistance import services as assistance
from obligations.forecast import Status, forecast, quarter_end, quarter_index, quarter_start
from obligations.models import FIGURE_MAX, Indicator, ProgressEntry
from obligations.tests.factories import make_indicator, make_obligation, report


def pdf_text(data: bytes) -> str:
    """The PDF's words, one space between each (lines wrap anywhere)."""
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


@pytest.mark.django_db
def test_an_obligation_without_indicators_leaves_the_home_and_dashboard_standing(
    client, members, coalition
):
    make_obligation(coalition, article=4, entry_into_force=date(2020, 1, 1))
    client.force_login(members[Role.OBSERVER])
    home = client.get(reverse("coalitions:detail", args=[coalition.slug]))
    assert home.status_code == 200
    # The countdown runs from the deadline, with or without a forecast.
    assert "days left" in home.content.decode()
    dashboard = client.get(reverse("obligations:dashboard", args=[coalition.slug]))
    assert dashboard.status_code == 200
    assert "No indicator yet" in dashboard.content.decode()


def test_a_projection_beyond_any_calendar_is_a_status_not_an_error():
    """A target of a million with a first figure of 1: the trend reaches it in 250,000 years."""
    result = forecast(
        baseline=Decimal(0),
        target=Decimal(1_000_000),
        entries=[(date(2025, 3, 31), Decimal(1)), (date(2025, 6, 30), Decimal(1))],
        deadline=date(2030, 1, 1),
        today=date(2025, 8, 1),
    )
    assert result.status == Status.WILL_MISS
    assert result.projected_date is None and result.beyond_horizon
    assert "2100" in str(result.beyond_horizon_text)


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["99999999999999.99", "1000000000000.01"])
def test_a_target_beyond_what_every_database_holds_gets_a_form_error(
    client, members, coalition, target
):
    obligation = make_obligation(coalition, article=4, entry_into_force=date(2020, 1, 1))
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    response = client.post(
        reverse("obligations:indicator_new", args=[coalition.slug, obligation.pk]),
        {"kind": "area_released", "baseline": "0", "target": target},
    )
    assert response.status_code == 200
    assert "1,000,000,000,000" in response.content.decode()
    assert not Indicator.objects.exists()


@pytest.mark.django_db
def test_the_largest_figures_the_forms_accept_are_read_back_exactly(coalition):
    obligation = make_obligation(coalition, article=4, entry_into_force=date(2020, 1, 1))
    indicator = make_indicator(obligation, baseline=FIGURE_MAX - 1, target=FIGURE_MAX)
    entry = report(indicator, start=date(2025, 1, 1), end=date(2025, 3, 31), value=FIGURE_MAX)
    indicator = Indicator.objects.get(pk=indicator.pk)
    assert (indicator.baseline, indicator.target) == (FIGURE_MAX - 1, FIGURE_MAX)
    assert ProgressEntry.objects.get(pk=entry.pk).value == FIGURE_MAX
    small = make_indicator(obligation, kind=Indicator.Kind.PEOPLE_REACHED, target=Decimal("0.01"))
    assert Indicator.objects.get(pk=small.pk).target == Decimal("0.01")


@pytest.mark.django_db
def test_a_far_projection_leaves_every_page_and_pdf_standing(client, members, coalition):
    """The issue's case: a target of 1,000,000 and a first validated figure of 1."""
    obligation = make_obligation(coalition, article=4, entry_into_force=date(2020, 1, 1))
    indicator = make_indicator(obligation, target=Decimal(1_000_000))
    # One unit in the last finished quarter: a million quarters to go at that rate.
    last = quarter_index(timezone.localdate()) - 1
    report(indicator, start=quarter_start(last), end=quarter_end(last), value=1)
    meeting = held_meeting_with_record(coalition, members)
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    slug = coalition.slug
    home = client.get(reverse("coalitions:detail", args=[slug]))
    assert home.status_code == 200
    assert "Will miss" in home.content.decode()
    for url in [
        reverse("obligations:dashboard", args=[slug]),
        reverse("obligations:detail", args=[slug, obligation.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "beyond 2100" in response.content.decode(), url
    pack = client.get(reverse("obligations:extension_pack", args=[slug, obligation.pk]))
    assert pack.status_code == 200 and pack["Content-Type"] == "application/pdf"
    assert "beyond 2100" in pdf_text(pack.content)
    authority = members[Role.NATIONAL_AUTHORITY]
    summary = render_summary_pdf(meeting, access_for(authority, coalition).perms)
    assert "beyond 2100" in pdf_text(summary)


LARGEST_AMOUNT = Decimal("999999999999.99")  # what the needs and offers forms accept


@pytest.fixture
def edge_coalition(coalition, members):
    """A coalition filled through the services at the limits the forms accept."""
    authority = members[Role.NATIONAL_AUTHORITY]
    donor = members[Role.DONOR].memberships.get().organisation
    last = quarter_index(timezone.localdate()) - 1
    # Entry into force on the first day of the range: the deadline passed long ago, extended.
    early = make_obligation(coalition, article=3, entry_into_force=EARLIEST, actor=authority)
    request = services.extension_request_create(
        obligation=early,
        requested_deadline=date(2002, 1, 1),
        submitted_on=EARLIEST,
        actor=None,
    )
    services.extension_request_decide(
        request=request,
        decision="granted",
        granted_deadline=date(2002, 1, 1),
        decided_on=EARLIEST,
        actor=None,
    )
    stock = make_indicator(
        early,
        kind=Indicator.Kind.SUBMUNITIONS_DESTROYED,
        baseline=FIGURE_MAX - Decimal("0.01"),
        target=FIGURE_MAX,
    )
    report(stock, start=EARLIEST, end=EARLIEST, value=Decimal("0.00"))
    # Entry into force on the last day of the range: a deadline in 2110, nothing reported yet.
    late = make_obligation(coalition, article=4, entry_into_force=LATEST, actor=authority)
    make_indicator(late, target=FIGURE_MAX)
    make_indicator(late, kind=Indicator.Kind.PEOPLE_REACHED, target=Decimal("0.01"))
    # No deadline, a plan to the end of the range, and a trend that never gets there.
    victims = make_obligation(
        coalition, article=5, entry_into_force=EARLIEST, plan_end=LATEST, actor=authority
    )
    slow = make_indicator(victims, kind=Indicator.Kind.VICTIMS_ASSISTED, target=FIGURE_MAX)
    report(slow, start=quarter_start(last), end=quarter_end(last), value=Decimal("0.01"))
    reached = make_indicator(victims, kind=Indicator.Kind.PEOPLE_REACHED, target=FIGURE_MAX)
    report(reached, start=EARLIEST, end=quarter_end(last), value=FIGURE_MAX, organisation=donor)
    need = assistance.need_create(
        coalition=coalition, obligation=early, activity="Destruction", amount=LARGEST_AMOUNT,
        currency="EUR", period_start=EARLIEST, period_end=LATEST, actor=authority,
    )  # fmt: skip
    for _n in range(3):
        assistance.offer_create(
            coalition=coalition, need=need, donor=donor, activity="Destruction",
            amount=LARGEST_AMOUNT, currency="EUR", period_start=EARLIEST, period_end=LATEST,
            actor=None,
        )  # fmt: skip
    facilitator = members[Role.FACILITATOR]
    for day, start, end in [(EARLIEST, time(0, 0), time(0, 30)), (LATEST, time(22), time(23, 59))]:
        meeting_services.meeting_create(
            coalition=coalition, actor=facilitator, title=f"Meeting of {day}",
            starts_at=timefmt.local_to_utc(day, start, coalition.timezone),
            ends_at=timefmt.local_to_utc(day, end, coalition.timezone), venue="Beirut",
            send_invitations=False,
        )  # fmt: skip
    first = Meeting.objects.get(title=f"Meeting of {EARLIEST}")
    meeting_services.meeting_mark_held(meeting=first, actor=facilitator)
    return coalition


@pytest.mark.django_db
def test_pages_and_pdfs_render_at_the_limits_the_forms_accept(client, edge_coalition, members):
    coalition, slug = edge_coalition, edge_coalition.slug
    authority = members[Role.NATIONAL_AUTHORITY]
    # A reader whose clock is ahead of every other: 1 January 2101 already.
    authority.timezone = "Pacific/Kiritimati"
    authority.save()
    client.force_login(authority)
    urls = [
        reverse("coalitions:detail", args=[slug]),
        reverse("obligations:dashboard", args=[slug]),
        reverse("obligations:needs", args=[slug]),
        reverse("obligations:progress_export", args=[slug]),
        reverse("meetings:list", args=[slug]),
    ]
    for obligation in coalition.obligations.all():
        urls.append(reverse("obligations:detail", args=[slug, obligation.pk]))
        urls.append(reverse("obligations:edit", args=[slug, obligation.pk]))
    for meeting in coalition.meetings.all():
        urls.append(reverse("meetings:detail", args=[slug, meeting.pk]))
        urls.append(reverse("meetings:edit", args=[slug, meeting.pk]))
    for url in urls:
        assert client.get(url).status_code == 200, url

    for obligation in coalition.obligations.all():
        pack = client.get(reverse("obligations:extension_pack", args=[slug, obligation.pk]))
        assert pack.status_code == 200, obligation
        assert "1,000,000,000,000" in pdf_text(pack.content)
    held = coalition.meetings.get(status=Meeting.Status.HELD)
    text = pdf_text(render_summary_pdf(held, access_for(authority, coalition).perms))
    assert "1 January 1990" in text and "beyond 2100" in text
