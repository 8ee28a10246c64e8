"""The extension-request pack: who may download it, what the PDF says, and what it costs."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from pypdf import PdfReader

from coalitions.models import Role
from coalitions.tests.factories import OrganisationFactory
from obligations import services
from obligations.assistance import services as assistance
from obligations.models import ExtensionRequest
from obligations.pack import pack_build, render_pack_pdf
from obligations.tests.factories import make_indicator, make_obligation, report

NA, CH, DO, OP, FA, SE, OB = (
    Role.NATIONAL_AUTHORITY, Role.CHAMPION, Role.DONOR, Role.OPERATOR, Role.FACILITATOR,
    Role.SECRETARIAT, Role.OBSERVER,
)  # fmt: skip


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def long_date(day: date) -> str:
    return dateformat.format(day, "j F Y")


@pytest.fixture
def obligation(coalition):
    obligation = make_obligation(coalition, article=4, entry_into_force=date(2011, 5, 1))
    first = services.extension_request_create(
        obligation=obligation,
        requested_deadline=date(2026, 5, 1),
        submitted_on=date(2020, 3, 2),
        actor=None,
    )
    services.extension_request_decide(
        request=first,
        decision=ExtensionRequest.Decision.GRANTED,
        granted_deadline=date(2026, 5, 1),
        decided_on=date(2020, 11, 27),
        decided_by_meeting="Second Review Conference",
        actor=None,
    )
    obligation.refresh_from_db()
    area = make_indicator(obligation, target=Decimal(10_000_000), is_headline=True)
    figures = [
        (date(2023, 1, 1), date(2023, 6, 30), 400_000, (100_000, 50_000, 250_000)),
        (date(2023, 7, 1), date(2023, 12, 31), 350_000, None),
        (date(2024, 1, 1), date(2024, 3, 31), 210_000, (10_000, 0, 200_000)),
        (date(2024, 4, 1), date(2024, 9, 30), 330_000, None),
        (date(2025, 1, 1), date(2025, 3, 31), 190_000, None),
        (date(2025, 4, 1), date(2025, 6, 30), 205_000, None),
    ]
    for start, end, value, split in figures:
        parts = {}
        if split:
            parts = dict(
                zip(("cancelled_m2", "reduced_m2", "cleared_m2"), map(Decimal, split), strict=True)
            )
        report(area, start=start, end=end, value=value, **parts)
    # An operator's return, not validated: never counted.
    report(
        area,
        start=date(2025, 7, 1),
        end=date(2025, 9, 30),
        value=987_654,
        organisation=OrganisationFactory(),
        validate=False,
    )
    need = assistance.need_create(
        coalition=coalition,
        obligation=obligation,
        activity="Survey in the south",
        amount=Decimal("250000"),
        currency="EUR",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        actor=None,
    )
    assistance.offer_create(
        coalition=coalition,
        donor=OrganisationFactory(),
        activity="Survey grant",
        amount=Decimal("100000"),
        currency="EUR",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        need=need,
        actor=None,
    )
    assistance.need_create(
        coalition=coalition,
        obligation=obligation,
        activity="Clearance teams",
        amount=Decimal("700000"),
        currency="USD",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        actor=None,
    )
    return obligation


def pack_url(obligation):
    return reverse("obligations:extension_pack", args=[obligation.coalition.slug, obligation.pk])


# Who may download it --------------------------------------------------------------------------


@pytest.mark.parametrize("role", [NA, CH, FA, SE])
def test_authority_and_restricted_roles_download_the_pack(client, members, obligation, role):
    client.force_login(members[role])
    response = client.get(pack_url(obligation))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="extension-pack-{obligation.coalition.slug}-ccm-article-4-'
        f'{today:%Y-%m-%d}.pdf"'
    )
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("role", [DO, OP, OB])
def test_other_members_are_refused(client, members, obligation, role):
    client.force_login(members[role])
    assert client.get(pack_url(obligation)).status_code == 403


def test_outsider_gets_404_and_anonymous_is_sent_to_sign_in(client, outsider, obligation):
    url = pack_url(obligation)
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_another_coalitions_obligation_is_not_found(client, members, obligation, outsider):
    other = make_obligation(
        outsider.memberships.get().coalition, article=4, entry_into_force=date(2015, 1, 1)
    )
    client.force_login(members[NA])
    url = reverse("obligations:extension_pack", args=[obligation.coalition.slug, other.pk])
    assert client.get(url).status_code == 404


def test_detail_page_links_to_the_pack_only_for_those_allowed(client, members, obligation):
    detail = reverse("obligations:detail", args=[obligation.coalition.slug, obligation.pk])
    for role, shown in [(NA, True), (SE, True), (DO, False), (OB, False)]:
        client.force_login(members[role])
        html = client.get(detail).content.decode()
        assert (pack_url(obligation) in html) is shown, role
        assert ("Download the extension-request pack (PDF)" in html) is shown, role


# What it says ---------------------------------------------------------------------------------


def test_pdf_states_the_cover_history_yearly_sums_and_forecast(client, members, obligation):
    client.force_login(members[NA])
    text = pdf_text(client.get(pack_url(obligation)).content)
    today = timezone.localdate()
    # Cover.
    assert "Extension-request pack" in text
    assert "Lebanon" in text
    assert "Convention on Cluster Munitions" in text
    assert "Entry into force 1 May 2011" in text
    assert "Original deadline 1 May 2021" in text
    assert "Current deadline 1 May 2026" in text
    assert f"Date of this pack {long_date(today)}" in text
    # The deadline history.
    assert "2 Mar 2020" in text and "Granted" in text and "27 Nov 2020" in text
    assert "Second Review Conference" in text
    # Validated progress per year: the sums of the recorded figures, with the area split.
    assert "2023 750,000 100,000 50,000 250,000 2" in text
    assert "2024 540,000 10,000 0 200,000 2" in text
    assert "2025 395,000 — — — 2" in text
    # Not counted, and said so.
    assert "987,654" not in text
    assert "1 reported figure awaiting validation is not counted" in text
    # The forecast, as computed for the dashboard.
    pack = pack_build(coalition=obligation.coalition, pk=obligation.pk)
    row = pack.indicators[0]
    assert row.forecast.achieved == Decimal(1_685_000)
    assert "Forecast: least-squares linear trend" in text
    if row.forecast.projected_date:
        assert f"Projected completion {long_date(row.forecast.projected_date)}" in text
    # One more request under article 4: up to 5 years from the current deadline.
    assert row.latest_deadline == date(2031, 5, 1)
    assert "1 May 2031" in text and "plus 5 years" in text
    # Needs: per currency, never summed across currencies.
    assert "EUR 250,000.00 100,000.00 150,000.00" in text
    assert "USD 700,000.00 0.00 700,000.00" in text
    assert "950,000" not in text


def test_needed_rate_for_the_latest_deadline_is_the_arithmetic(obligation):
    today = date(2025, 8, 15)
    pack = pack_build(coalition=obligation.coalition, pk=obligation.pk, today=today)
    row = pack.indicators[0]
    remaining = Decimal(10_000_000 - 1_685_000)
    # From the end of the last finished quarter (30 June 2025) to 1 May 2031, in average quarters.
    quarters = Decimal((date(2031, 5, 1) - date(2025, 6, 30)).days * 16) / Decimal(1461)
    assert row.needed_for_latest == (remaining / quarters).quantize(Decimal("0.01"))
    assert row.forecast.needed_per_quarter > row.needed_for_latest


def test_french_pack_has_french_headings(obligation):
    with translation.override("fr"):
        pack = pack_build(coalition=obligation.coalition, pk=obligation.pk)
        text = pdf_text(render_pack_pdf(pack))
    assert "Historique des délais" in text
    assert "1 mai 2011" in text
    # The chart and the method sentence are French too.
    assert "Objectif" in text and "Prévision" in text
    assert "Forecast: least-squares" not in text


def test_french_request_language_is_used(client, members, obligation):
    client.force_login(members[NA])
    response = client.get(pack_url(obligation), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Historique des délais" in pdf_text(response.content)


def test_article_3_and_an_empty_obligation_render(coalition):
    stockpile = make_obligation(coalition, article=3, entry_into_force=date(2022, 12, 1))
    munitions = make_indicator(stockpile, kind="munitions_destroyed", target=Decimal(510))
    report(munitions, start=date(2023, 1, 1), end=date(2023, 9, 18), value=200)
    report(munitions, start=date(2024, 1, 1), end=date(2024, 9, 18), value=100)
    pack = pack_build(coalition=coalition, pk=stockpile.pk, today=date(2025, 1, 15))
    assert pack.latest_deadline == date(2034, 12, 1)  # 1 December 2030 + 4 years
    with translation.override("en"):
        text = pdf_text(render_pack_pdf(pack))
    assert "Article 3" in text and "2023 200 1" in text and "2024 100 1" in text
    assert "1 December 2034" in text and "plus 4 years" in text

    empty = make_obligation(coalition, article=4, entry_into_force=date(2020, 1, 1))
    with translation.override("en"):
        text = pdf_text(render_pack_pdf(pack_build(coalition=coalition, pk=empty.pk)))
    assert "No validated progress yet" in text
    assert "No extension has been requested." in text

    indicator_only = make_obligation(coalition, article=5, entry_into_force=date(2020, 1, 1))
    make_indicator(indicator_only, kind="victims_assisted", target=Decimal(100))
    with translation.override("en"):
        text = pdf_text(render_pack_pdf(pack_build(coalition=coalition, pk=indicator_only.pk)))
    assert "No validated progress yet" in text


def test_query_count_does_not_grow_with_progress_entries(client, members, obligation):
    client.force_login(members[NA])
    url = pack_url(obligation)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    area = obligation.indicators.get()
    remnants = make_indicator(obligation, kind="remnants_destroyed", target=Decimal(50_000))
    operator = OrganisationFactory()
    for year in range(2012, 2023):
        for month in (1, 4, 7, 10):
            start = date(year, month, 1)
            end = date(year, month + 2, 28)
            report(area, start=start, end=end, value=1000, cleared_m2=Decimal(1000))
            report(remnants, start=start, end=end, value=10)
            report(area, start=start, end=end, value=5, validate=False, organisation=operator)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few) == 10  # 3 for the request and access, 7 for the pack
