"""Article 7 transparency reports: what a draft counts, the files read back, who may do what, the
freeze on submission, the checks, and the reminder."""

import email
import email.policy
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import docx
import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from coalitions import services as coalition_services
from coalitions.models import Role
from obligations.article7 import services
from obligations.article7.document import document_for
from obligations.article7.files import report_docx, report_pdf
from obligations.article7.prefill import figures_for
from obligations.assistance import services as assistance
from obligations.models import (
    Indicator,
    TransparencyForm,
    TransparencyReminder,
    TransparencyReport,
)
from obligations.tests.factories import make_indicator, make_obligation, report

YEAR = 2025
TODAY = date(2026, 3, 1)
READERS = (Role.NATIONAL_AUTHORITY, Role.CHAMPION, Role.FACILITATOR, Role.SECRETARIAT)
NOT_READERS = (Role.DONOR, Role.OPERATOR, Role.OBSERVER)


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return re.sub(r"\s+", " ", " ".join(parts))


@pytest.fixture
def clearance(coalition, members):
    authority = members[Role.NATIONAL_AUTHORITY]
    obligation = make_obligation(
        coalition, article=4, entry_into_force=date(2011, 5, 1), actor=authority
    )
    area = make_indicator(obligation, target=Decimal(5_000_000), actor=authority)
    remnants = make_indicator(
        obligation, kind=Indicator.Kind.REMNANTS_DESTROYED, target=Decimal(9000), actor=authority
    )
    # The year's validated figures: 2025's four quarters of area, with the split given once.
    for quarter, value in enumerate(["111111", "222222", "333333", "444444"]):
        start = date(YEAR, 3 * quarter + 1, 1)
        end = (date(YEAR + (quarter == 3), (3 * quarter + 4) % 12 or 12, 1)) - timedelta(days=1)
        if quarter == 3:
            end = date(YEAR, 12, 31)
        extra = (
            {"cleared_m2": Decimal("100000"), "reduced_m2": Decimal("11111")} if not quarter else {}
        )
        report(area, start=start, end=end, value=value, actor=authority, **extra)
    report(remnants, start=date(YEAR, 1, 1), end=date(YEAR, 12, 31), value="777", actor=authority)
    # Not for 2025: an earlier year, and one waiting for validation.
    report(
        area, start=date(YEAR - 1, 1, 1), end=date(YEAR - 1, 12, 31), value="55555", actor=authority
    )
    report(
        area,
        start=date(YEAR, 6, 1),
        end=date(YEAR, 6, 30),
        value="98765",
        actor=members[Role.OPERATOR],
        organisation=members[Role.OPERATOR].memberships.get().organisation,
        validate=False,
    )
    return obligation


def test_the_year_counts_only_its_validated_figures(coalition, clearance):
    figures = figures_for(coalition=coalition, year=YEAR, today=TODAY)
    rows = {r["kind"]: r for r in figures["forms"]["F"]["indicators"]}
    area = rows[Indicator.Kind.AREA_RELEASED]
    assert Decimal(area["year_total"]) == Decimal("1111110")
    assert area["entries"] == 4
    assert Decimal(area["cleared_m2"]) == Decimal("100000")
    assert Decimal(area["reduced_m2"]) == Decimal("11111")
    assert area["cancelled_m2"] is None
    assert Decimal(area["cumulative"]) == Decimal("1111110") + Decimal("55555")
    assert Decimal(rows[Indicator.Kind.REMNANTS_DESTROYED]["year_total"]) == 777
    assert [w["value"] for w in figures["waiting"]] == ["98765.00"]
    # Form B has no stockpile obligation here, form G no risk-education indicator.
    assert figures["forms"]["B"] == {"obligations": [], "indicators": []}


def test_pdf_and_docx_read_back_the_years_figures_and_nothing_unvalidated(
    coalition, members, clearance
):
    draft = services.report_create(
        coalition=coalition, year=YEAR, actor=members[Role.NATIONAL_AUTHORITY], today=TODAY
    )
    document = document_for(draft)
    for text in (pdf_text(report_pdf(document)), docx_text(report_docx(document))):
        assert "1,111,110 m²" in text  # form F, area released in 2025
        assert "777" in text  # form F, remnants destroyed
        assert "1,166,665 m²" in text  # the total at the end of 2025
        # The unvalidated June figure is named among the checks, never added in.
        assert "Figures waiting for validation" in text
        assert "98,765 m²" in text
        assert "1,209,875" not in text
        assert "Form A: National implementation measures" in text
        assert "Form J:" in text


def test_a_year_without_figures_says_so_instead_of_zeros(coalition, members, clearance):
    empty_year = 2019
    draft = services.report_create(
        coalition=coalition, year=empty_year, actor=members[Role.NATIONAL_AUTHORITY], today=TODAY
    )
    document = document_for(draft)
    text = pdf_text(report_pdf(document))
    assert "No validated figures were recorded for 2019" in text
    assert "no validated figure" in text
    form_f = next(s for s in document.sections if s.letter == "F")
    year_cells = [row[2] for row in form_f.tables[0].rows]
    assert year_cells == ["no validated figure", "no validated figure"]
    assert "No need or offer of assistance was recorded for 2019" in text


def test_the_document_speaks_french_and_spanish(coalition, members, clearance):
    from django.utils import translation

    draft = services.report_create(
        coalition=coalition, year=YEAR, actor=members[Role.NATIONAL_AUTHORITY], today=TODAY
    )
    with translation.override("fr"):
        text = docx_text(report_docx(document_for(draft)))
    assert "Formulaire F" in text and "1 111 110 m²" in text.replace("\u202f", " ").replace(
        "\xa0", " "
    )
    with translation.override("es"):
        text = pdf_text(report_pdf(document_for(draft)))
    assert "Formulario F" in text


def test_gaps_are_flagged(coalition, members):
    authority = members[Role.NATIONAL_AUTHORITY]
    obligation = make_obligation(coalition, article=4, entry_into_force=date(2011, 5, 1))
    area = make_indicator(obligation, target=Decimal(1000), actor=authority)
    make_obligation(coalition, article=5, entry_into_force=date(2011, 5, 1))
    report(area, start=date(YEAR, 1, 1), end=date(YEAR, 3, 31), value="10", actor=authority)
    report(area, start=date(YEAR, 12, 1), end=date(YEAR + 1, 1, 31), value="10", actor=authority)
    assistance.offer_create(
        coalition=coalition,
        donor=members[Role.DONOR].memberships.get().organisation,
        activity="Three-year survey",
        amount=Decimal(300),
        currency="EUR",
        period_start=date(YEAR - 1, 1, 1),
        period_end=date(YEAR + 1, 12, 31),
        actor=members[Role.DONOR],
    )
    gaps = figures_for(coalition=coalition, year=YEAR, today=TODAY)["gaps"]
    kinds = sorted((g["kind"], g.get("quarter")) for g in gaps)
    assert kinds == [
        ("no_indicators", None),
        ("offer_spans_years", None),
        ("quarter_without_figures", 2),
        ("quarter_without_figures", 3),
        ("straddles_year", None),
    ]


def _url(name, coalition, *args):
    return reverse(f"obligations:{name}", args=[coalition.slug, *args])


@pytest.fixture
def draft(coalition, members, clearance):
    return services.report_create(
        coalition=coalition, year=YEAR, actor=members[Role.NATIONAL_AUTHORITY], today=TODAY
    )


@pytest.mark.parametrize("role", READERS)
def test_readers_read_and_comment(client, coalition, members, draft, role):
    client.force_login(members[role])
    assert client.get(_url("article7", coalition)).status_code == 200
    page = client.get(_url("article7_report", coalition, YEAR))
    assert page.status_code == 200
    assert client.get(_url("article7_pdf", coalition, YEAR)).status_code == 200
    response = client.post(
        _url("article7_comment", coalition, YEAR), {"letter": "F", "text": "Add the MAG figures."}
    )
    assert response.status_code == 302
    assert draft.comments.get().author == members[role]


@pytest.mark.parametrize("role", NOT_READERS)
def test_donors_operators_and_observers_are_refused(client, coalition, members, draft, role):
    client.force_login(members[role])
    for name, args in [
        ("article7", ()),
        ("article7_report", (YEAR,)),
        ("article7_pdf", (YEAR,)),
        ("article7_docx", (YEAR,)),
        ("article7_section", (YEAR, "F")),
        ("article7_submit", (YEAR,)),
        ("article7_calendar", ()),
    ]:
        assert client.get(_url(name, coalition, *args)).status_code == 403, name
    assert client.post(_url("article7_comment", coalition, YEAR), {"text": "x"}).status_code == 403
    assert client.post(_url("article7_start", coalition), {"year": 2024}).status_code == 403


@pytest.mark.parametrize("role", [Role.CHAMPION, Role.FACILITATOR, Role.SECRETARIAT])
def test_only_the_national_authority_drafts(client, coalition, members, draft, role):
    client.force_login(members[role])
    assert client.get(_url("article7_section", coalition, YEAR, "F")).status_code == 403
    response = client.post(
        _url("article7_section", coalition, YEAR, "F"), {"mark": "changed", "narrative": "x"}
    )
    assert response.status_code == 403
    assert client.post(_url("article7_submit", coalition, YEAR), {}).status_code == 403
    assert client.post(_url("article7_start", coalition), {"year": 2024}).status_code == 403
    assert TransparencyForm.objects.get(report=draft, letter="F").narrative == ""


def test_outsiders_and_site_staff_see_nothing(
    client, coalition, draft, outsider, django_user_model
):
    staff = django_user_model.objects.create_user(
        email="staff@example.org", password="x", is_staff=True, is_superuser=True
    )
    for person in (outsider, staff):
        client.force_login(person)
        assert client.get(_url("article7_report", coalition, YEAR)).status_code == 404
        assert client.get(_url("article7_docx", coalition, YEAR)).status_code == 404


def test_the_authority_drafts_edits_and_submits_then_it_is_frozen(
    client, coalition, members, draft, clearance
):
    authority = members[Role.NATIONAL_AUTHORITY]
    client.force_login(authority)
    response = client.post(
        _url("article7_section", coalition, YEAR, "F"),
        {"mark": "changed", "narrative": "Clearance went on in the south."},
    )
    assert response.status_code == 302
    for letter in "ABCDEGHIJ":
        services.form_save(
            report=draft, letter=letter, mark="not_applicable", unchanged_since=None,
            narrative="", actor=authority,
        )  # fmt: skip
    response = client.post(_url("article7_submit", coalition, YEAR), {"submitted_on": "2026-02-20"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_submitted and draft.submitted_on == date(2026, 2, 20)
    # A figure corrected afterwards does not change what was sent.
    area = clearance.indicators.get(kind=Indicator.Kind.AREA_RELEASED)
    report(area, start=date(YEAR, 7, 1), end=date(YEAR, 7, 31), value="9", actor=authority)
    text = pdf_text(client.get(_url("article7_pdf", coalition, YEAR)).content)
    assert "1,111,110 m²" in text and "Clearance went on in the south." in text
    # Edits are refused on a submitted report.
    response = client.post(
        _url("article7_section", coalition, YEAR, "F"), {"mark": "changed", "narrative": "later"}
    )
    assert response.status_code == 200
    assert "can no longer be changed" in response.content.decode()
    assert client.get(_url("article7_submit", coalition, YEAR)).status_code == 404
    # The next year's draft starts from it.
    response = client.post(_url("article7_start", coalition), {"year": YEAR + 1})
    assert response.status_code == 302
    following = TransparencyReport.objects.get(coalition=coalition, year=YEAR + 1)
    form_f = following.forms.get(letter="F")
    assert form_f.narrative == "Clearance went on in the south."
    assert following.forms.get(letter="A").mark == "unchanged"
    assert following.forms.get(letter="A").unchanged_since == YEAR


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"mark": "unchanged", "narrative": ""}, "Say the year of the report"),
        ({"mark": "unchanged", "unchanged_since": YEAR, "narrative": ""}, "Choose a year before"),
        ({"mark": "maybe", "narrative": ""}, "Select a valid choice"),
        ({"mark": "changed", "narrative": "x" * 20001}, "at most"),
    ],
)
def test_a_bad_form_edit_is_refused_with_a_clear_error(
    client, coalition, members, draft, data, message
):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    response = client.post(_url("article7_section", coalition, YEAR, "F"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert TransparencyForm.objects.get(report=draft, letter="F").narrative == ""


def test_bad_submission_start_comment_and_reminder_inputs(client, coalition, members, draft):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = client.post(_url("article7_submit", coalition, YEAR), {"submitted_on": future})
    assert "cannot be in the future" in response.content.decode()
    response = client.post(_url("article7_submit", coalition, YEAR), {"submitted_on": "2025-06-01"})
    assert "after that year ends" in response.content.decode()
    response = client.post(_url("article7_submit", coalition, YEAR), {"submitted_on": "2026-02-01"})
    assert "Mark every form" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.is_submitted
    response = client.post(_url("article7_start", coalition), {"year": YEAR})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    response = client.post(_url("article7_comment", coalition, YEAR), {"text": "  "})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    for days in ("0", "366", "soon"):
        response = client.post(_url("article7_calendar", coalition), {"remind_days_before": days})
        assert response.status_code == 200 and 'class="errorlist' in response.content.decode()
    assert client.get(_url("article7_section", coalition, YEAR, "Z")).status_code == 404
    assert client.get(_url("article7_report", coalition, 1999)).status_code == 404


def test_report_page_queries_do_not_grow_with_figures(
    client, coalition, members, draft, clearance, django_assert_max_num_queries
):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    url = _url("article7_report", coalition, YEAR)
    client.get(url)
    from tests.fixtures import count_queries

    before = count_queries(client, url)
    area = clearance.indicators.get(kind=Indicator.Kind.AREA_RELEASED)
    for month in range(1, 13):
        report(
            area, start=date(YEAR, month, 1), end=date(YEAR, month, 1), value="1",
            actor=members[Role.NATIONAL_AUTHORITY],
        )  # fmt: skip
    for n in range(5):
        services.comment_add(report=draft, letter="F", text=f"c{n}", actor=members[Role.CHAMPION])
    assert count_queries(client, url) == before
    with django_assert_max_num_queries(16):
        client.get(url)


# The reminder ------------------------------------------------------------------------------------


@pytest.fixture
def in_force(coalition, members):
    return make_obligation(coalition, article=4, entry_into_force=date(2011, 5, 1))


def test_the_reminder_is_recorded_once_within_its_window(coalition, members, in_force):
    assert services.reminders_record(today=date(2026, 2, 28)) == 0  # 61 days before 30 April
    assert services.reminders_record(today=date(2026, 3, 1)) == 1
    assert services.reminders_record(today=date(2026, 3, 2)) == 0
    reminder = TransparencyReminder.objects.get()
    assert reminder.recipient == members[Role.NATIONAL_AUTHORITY]
    assert reminder.due_on == date(2026, 4, 30)


def test_the_reminder_follows_the_chosen_days_and_stops_once_submitted(
    coalition, members, in_force
):
    services.calendar_save(
        coalition=coalition, remind_days_before=10, actor=members[Role.NATIONAL_AUTHORITY]
    )
    assert services.reminders_record(today=date(2026, 4, 1)) == 0
    TransparencyReport.objects.create(
        coalition=coalition, year=2025, status="submitted", submitted_on=date(2026, 3, 1)
    )
    assert services.reminders_record(today=date(2026, 4, 25)) == 0


def test_an_archived_coalition_is_not_reminded(coalition, members, in_force):
    coalition_services.coalition_archive(
        coalition=coalition, actor=members[Role.NATIONAL_AUTHORITY]
    )
    assert services.reminders_record(today=date(2026, 3, 1)) == 0


def test_the_reminder_mail_is_sent_once_through_smtp(coalition, members, in_force, smtp_server):
    services.reminders_record(today=date(2026, 3, 1))
    reminder = TransparencyReminder.objects.get()
    assert services.reminder_send(reminder_id=reminder.pk) is True
    assert services.reminder_send(reminder_id=reminder.pk) is False
    ((recipients, raw),) = smtp_server.messages
    assert recipients == [members[Role.NATIONAL_AUTHORITY].email]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert "Article 7 report is due on 30 April 2026" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert "covering 2025" in body and f"/coalitions/{coalition.slug}/article7/" in body
