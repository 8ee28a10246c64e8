"""The demo's Article 7 draft: Lebanon's report on 2025, pre-filled from its validated figures, with
the cover page and the clearance form's narrative begun (illustrative words)."""

from datetime import date

from django.utils import timezone

from users.models import User

from ..models import TransparencyForm, TransparencyReport
from . import services

DEMO_YEAR = 2025


def seed_article7(*, coalitions: dict, organisations: dict, stdout) -> None:
    coalition = coalitions.get("lebanon")
    if coalition is None or TransparencyReport.objects.filter(coalition=coalition).exists():
        return
    authority = User.objects.get(email="authority@example.org")
    today = max(timezone.localdate(), date(DEMO_YEAR + 1, 1, 1))
    report = services.report_create(
        coalition=coalition, year=DEMO_YEAR, actor=authority, today=today
    )
    services.report_contact_save(
        report=report,
        point_of_contact=(
            "Lebanon Mine Action Centre (LMAC), Ministry of National Defence, Beirut\n"
            "authority@example.org (illustrative contact)"
        ),
        actor=authority,
    )
    form_f = TransparencyForm.objects.get(report=report, letter="F")
    services.form_save(
        report=report,
        letter="F",
        mark=form_f.mark or TransparencyForm.Mark.CHANGED,
        unchanged_since=form_f.unchanged_since,
        narrative=(
            "Clearance continued in South Lebanon with NPA and MAG under the national strategy; "
            "the quarterly returns validated by LMAC are reported below. (Illustrative text.)"
        ),
        actor=authority,
    )
    stdout.write(f"Article 7 draft on {DEMO_YEAR}: {coalition.name}")
