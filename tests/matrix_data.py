"""Two coalitions whose every text carries a marker, for the role x URL matrix.

Every text of coalition `tag` contains "ZZ<tag>"; a restricted record also "ZZ<tag>RESTRICTED";
a concern "ZZ<tag>CONCERN<sender>", its facilitator's note "ZZ<tag>NOTE"; the agenda item the
facilitator made of it "ZZ<tag>AGENDA"; each sender's name "ZZ<tag>SENDER<sender>". A page or
mail shows a marker to someone who may not read it: that is a leak.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coalitions.models import Organisation, Role, Visibility

SENDERS = {Role.OPERATOR: "OP", Role.DONOR: "DO"}


def marker(tag: str, kind: str = "") -> str:
    return f"ZZ{tag}{kind}"


def pdf_with(text: str) -> bytes:
    """A one-page PDF whose text is `text`."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length %d>>stream\n" % len(content) + content + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def build_coalition(tag: str, slug: str) -> dict:
    """A coalition with one person per role and a record of every kind, public and restricted,
    with two concerns brought to the facilitator. Returns {"coalition", "people"}."""
    from actions import services as actions
    from coalitions.models import Membership
    from coalitions.services import (
        coalition_create,
        invitation_create,
        membership_create,
        organisation_create,
    )
    from concerns import services as concerns
    from meetings import services as meetings
    from meetings.models import AgendaItem
    from obligations import services as obligations
    from obligations.article7 import services as article7
    from obligations.assistance import services as assistance
    from obligations.models import Indicator
    from users.services import user_create

    m = marker(tag)
    restricted = marker(tag, "RESTRICTED")

    def organisation(name, kind):
        return organisation_create(
            name=f"{name} {m}", short_name=f"{name[:3]} {m}", kind=kind, actor=None
        )

    authority = organisation("Authority", Organisation.Kind.STATE_AUTHORITY)
    coalition = coalition_create(
        name=f"Coalition {m}",
        slug=slug,
        state_party="LB",
        national_authority=authority,
        timezone_name="Asia/Beirut",
        description=f"About {m}",
        actor=None,
    )
    people, organisations = {}, {}
    for role in Role.values:
        name = f"{role.title()} {m}"
        if role in SENDERS:
            name += " " + marker(tag, "SENDER" + SENDERS[role])
        people[role] = user_create(email=f"{role}.{slug}@example.net", name=name, actor=None)
        organisations[role] = (
            authority
            if role == Role.NATIONAL_AUTHORITY
            else organisation(role.title(), Organisation.Kind.OTHER)
        )
        membership_create(
            coalition=coalition,
            user=people[role],
            organisation=organisations[role],
            role=role,
            actor=None,
        )
    na, facilitator = people[Role.NATIONAL_AUTHORITY], people[Role.FACILITATOR]
    now = timezone.now().replace(microsecond=0)

    held = meetings.meeting_create(
        coalition=coalition, actor=na, title=f"Held meeting {m}", venue=f"Venue {m}",
        starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=3, hours=-2),
    )  # fmt: skip
    items = {}
    for visibility in Visibility.values:
        label = restricted if visibility == Visibility.RESTRICTED else m
        items[visibility] = meetings.agenda_item_create(
            meeting=held, actor=facilitator, title=f"Item {label}", topic=AgendaItem.Topic.OTHER,
            presenter=f"Presenter {label}", duration_minutes=30, visibility=visibility,
        )  # fmt: skip
        meetings.decision_create(
            meeting=held, actor=facilitator, text=f"Decision {label}", visibility=visibility
        )
        meetings.document_upload(
            meeting=held, actor=na, title=f"Document {label}", visibility=visibility,
            uploaded=SimpleUploadedFile("paper.pdf", pdf_with(f"Paper {label}"), "application/pdf"),
        )  # fmt: skip
        actions.action_point_create(
            coalition=coalition, actor=facilitator, title=f"Action {label}",
            description=f"Description {label}", owner_organisation=organisations[Role.OPERATOR],
            owner=people[Role.OPERATOR], due_date=timezone.localdate() + timedelta(days=3),
            visibility=visibility, meeting=held,
        )  # fmt: skip
    meetings.meeting_mark_held(meeting=held, actor=na)
    meetings.minutes_save(
        meeting=held, actor=facilitator, notes=f"Minutes {m}",
        item_minutes={item.pk: f"Item minutes {restricted if v == Visibility.RESTRICTED else m}"
                      for v, item in items.items()},
    )  # fmt: skip
    for action_point in coalition.action_points.all():
        label = restricted if action_point.visibility == Visibility.RESTRICTED else m
        actions.action_update_post(
            action_point=action_point, actor=facilitator, text=f"Update {label}",
            new_status="in_progress",
        )  # fmt: skip

    obligation = obligations.obligation_create(
        coalition=coalition, article=4, entry_into_force=date(2011, 5, 1), notes=f"Notes {m}",
        actor=na,
    )  # fmt: skip
    indicator = obligations.indicator_create(
        obligation=obligation, kind=Indicator.Kind.AREA_RELEASED, target=Decimal(1_000_000),
        is_headline=True, actor=na,
    )  # fmt: skip
    obligations.progress_report(
        indicator=indicator, period_start=date(2024, 1, 1), period_end=date(2024, 12, 31),
        value=Decimal(250_000), source=f"Source {m}", organisation=authority, actor=na,
        validate=True,
    )  # fmt: skip
    obligations.progress_report(
        indicator=indicator, period_start=date(2025, 1, 1), period_end=date(2025, 3, 31),
        value=Decimal(50_000), source=f"Return {m}", organisation=organisations[Role.OPERATOR],
        actor=people[Role.OPERATOR],
    )  # fmt: skip
    obligations.extension_request_create(
        obligation=obligation, requested_deadline=obligation.current_deadline
        + timedelta(days=365), submitted_on=timezone.localdate(), notes=f"Request {m}", actor=na,
    )  # fmt: skip
    need = assistance.need_create(
        coalition=coalition, obligation=obligation, activity=f"Need {m}", amount=Decimal(1000),
        currency="USD", period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), actor=na,
    )  # fmt: skip
    assistance.offer_create(
        coalition=coalition, need=need, donor=organisations[Role.DONOR], activity=f"Offer {m}",
        amount=Decimal(500), currency="USD", period_start=date(2027, 1, 1),
        period_end=date(2027, 12, 31), actor=people[Role.DONOR],
    )  # fmt: skip

    # The State's Article 7 draft: for the authority, the champion, the facilitator and the
    # secretariat only.
    # Reports are found by year within their coalition, so each coalition reports on a year of
    # its own: another coalition's report address under this one then names no report of it.
    draft = article7.report_create(
        coalition=coalition, year=2025 if slug == "alpha" else 2024, actor=na,
        today=date(2026, 3, 1),
    )  # fmt: skip
    article7.report_contact_save(report=draft, point_of_contact=f"Contact {restricted}", actor=na)
    article7.form_save(
        report=draft, letter="F", mark="changed", unchanged_since=None,
        narrative=f"Clearance {restricted}", actor=na,
    )  # fmt: skip
    article7.comment_add(report=draft, letter="", text=f"Comment {restricted}", actor=na)

    # Concerns from the operator and the donor; the first brought to a planned meeting that
    # neither sender attends, in the facilitator's words.
    planned = meetings.meeting_create(
        coalition=coalition, actor=na, title=f"Planned meeting {m}", venue=f"Venue {m}",
        starts_at=now + timedelta(days=20), ends_at=now + timedelta(days=20, hours=2),
        participants=Membership.objects.filter(coalition=coalition).exclude(role__in=SENDERS),
    )  # fmt: skip
    # A draft: only those who prepare meetings may see anything of it.
    draft = meetings.meeting_create(
        coalition=coalition, actor=na, title=f"Draft meeting {marker(tag, 'DRAFT')}",
        venue=f"Venue {marker(tag, 'DRAFT')}", starts_at=now + timedelta(days=40),
        ends_at=now + timedelta(days=40, hours=2), draft=True,
    )  # fmt: skip
    meetings.agenda_item_create(
        meeting=draft, actor=facilitator, title=f"Draft item {marker(tag, 'DRAFT')}",
    )  # fmt: skip
    raised = []
    for role, code in SENDERS.items():
        concern_marker = marker(tag, "CONCERN" + code)
        raised.append(
            concerns.concern_raise(
                coalition=coalition, actor=people[role], organisation=organisations[role],
                subject=f"Subject {concern_marker}", text=f"Text {concern_marker}",
            )
        )  # fmt: skip
    concerns.concern_acknowledge(concern=raised[0], actor=facilitator)
    concerns.concern_note_save(
        concern=raised[0], actor=facilitator, note=f"Note {marker(tag, 'NOTE')}"
    )
    concerns.concern_bring_to_agenda(
        concern=raised[0], actor=facilitator, meeting=planned,
        title=f"Access arrangements {marker(tag, 'AGENDA')}",
        background=f"Background {marker(tag, 'AGENDA')}",
    )  # fmt: skip
    invitation_create(
        coalition=coalition, email=f"invited.{slug}@example.net", role=Role.OBSERVER,
        organisation=organisations[Role.OBSERVER], actor=na, message=f"Welcome {m}",
    )  # fmt: skip
    meetings.summary_publish(meeting=held, actor=na)
    return {"coalition": coalition, "people": people}
