"""Demo data: three coalitions from the public record (Lebanon, Montenegro, Botswana).

Organisations and dates are public facts; every person, and anything marked illustrative, is
invented for the demo. Running it again changes nothing that is already there.
"""

from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from coalitions.demo import date_demo, extend_demo
from coalitions.home_members import members_changed
from coalitions.models import Coalition, Membership, Organisation, Role
from coalitions.services import coalition_create, membership_create, organisation_create
from users.services import site_staff_group, user_create

DEMO_PASSWORD = "coalition-demo-2026"

Kind = Organisation.Kind
ORGANISATIONS = [
    # name, short name, kind, country
    ("Lebanon Mine Action Centre", "LMAC", Kind.STATE_AUTHORITY, "LB"),
    (
        "Ministry of Interior of Montenegro, Directorate for Emergency Situations",
        "MOI Montenegro",
        Kind.STATE_AUTHORITY,
        "ME",
    ),
    (
        "Botswana Defence Force (national authority, illustrative)",
        "BDF",
        Kind.STATE_AUTHORITY,
        "BW",
    ),
    ("Norway, Ministry of Foreign Affairs", "Norway", Kind.DONOR_STATE, "NO"),
    ("Netherlands, Ministry of Foreign Affairs", "Netherlands", Kind.DONOR_STATE, "NL"),
    ("Norwegian People's Aid", "NPA", Kind.OPERATOR, "NO"),
    ("Mines Advisory Group", "MAG", Kind.OPERATOR, "GB"),
    ("Humanity & Inclusion", "HI", Kind.OPERATOR, "FR"),
    ("DanChurchAid", "DCA", Kind.OPERATOR, "DK"),
    ("Geneva International Centre for Humanitarian Demining", "GICHD", Kind.FACILITATOR, "CH"),
    ("United Nations Development Programme", "UNDP", Kind.SECRETARIAT, ""),
    ("Mine Action Review", "MAR", Kind.OTHER, "GB"),
]

COALITIONS = [
    {
        "slug": "lebanon",
        "name": "Lebanon Country Coalition (Mine Action Forum)",
        "state_party": "LB",
        "national_authority": "LMAC",
        "champions": ["Norway"],
        "cadence": Coalition.Cadence.BIANNUAL,
        "timezone_name": "Asia/Beirut",
        "under_apmbc": False,
        "description": (
            "Established in 2018 by the Lebanon Mine Action Centre and Norway, with GICHD as neutral "
            "facilitator and UNDP as secretariat. Meets twice a year, with quarterly technical "
            "working groups."
        ),
    },
    {
        "slug": "montenegro",
        "name": "Montenegro Country Coalition",
        "state_party": "ME",
        "national_authority": "MOI Montenegro",
        "champions": ["Norway"],
        "cadence": Coalition.Cadence.BIANNUAL,
        "timezone_name": "Europe/Podgorica",
        "under_apmbc": False,
        "description": (
            "Montenegro and Norway, with Norwegian People's Aid: Article 4 clearance completed in "
            "July 2020, within the deadline."
        ),
    },
    {
        "slug": "botswana",
        "name": "Botswana Country Coalition",
        "state_party": "BW",
        "national_authority": "BDF",
        "champions": ["Norway"],
        "cadence": Coalition.Cadence.BIANNUAL,
        "timezone_name": "Africa/Gaborone",
        "under_apmbc": False,
        "description": (
            "Stockpile destruction under Article 3 with Norwegian People's Aid, completed on "
            "18 September 2018 (illustrative: champion and authority as shown)."
        ),
    },
]

# email, name, time zone, staff, [(coalition, organisation short name, role)]
PEOPLE = [
    ("authority@example.org", "Rania Khoury (demo)", "Asia/Beirut", False,
     [("lebanon", "LMAC", Role.NATIONAL_AUTHORITY)]),
    ("champion@example.org", "Ingrid Solberg (demo)", "Europe/Oslo", False,
     [("lebanon", "Norway", Role.CHAMPION), ("montenegro", "Norway", Role.CHAMPION),
      ("botswana", "Norway", Role.CHAMPION)]),
    ("donor@example.org", "Pieter de Vries (demo)", "Europe/Amsterdam", False,
     [("lebanon", "Netherlands", Role.DONOR)]),
    ("operator@example.org", "Karim Nassar (demo)", "Asia/Beirut", False,
     [("lebanon", "NPA", Role.OPERATOR), ("montenegro", "NPA", Role.OPERATOR),
      ("botswana", "NPA", Role.OPERATOR)]),
    ("operator.mag@example.org", "Sarah Collins (demo)", "Asia/Beirut", False,
     [("lebanon", "MAG", Role.OPERATOR)]),
    ("facilitator@example.org", "Claire Dubois (demo)", "Europe/Zurich", False,
     [("lebanon", "GICHD", Role.FACILITATOR)]),
    ("secretariat@example.org", "Omar Haddad (demo)", "Asia/Beirut", False,
     [("lebanon", "UNDP", Role.SECRETARIAT)]),
    ("observer@example.org", "Tom Becker (demo)", "Europe/London", False,
     [("lebanon", "MAR", Role.OBSERVER)]),
    ("authority.me@example.org", "Milan Vuković (demo)", "Europe/Podgorica", False,
     [("montenegro", "MOI Montenegro", Role.NATIONAL_AUTHORITY)]),
    ("authority.bw@example.org", "Kagiso Molefe (demo)", "Africa/Gaborone", False,
     [("botswana", "BDF", Role.NATIONAL_AUTHORITY)]),
    ("admin@example.org", "Anna Berg (demo)", "UTC", True, []),
]  # fmt: skip


OLD_NAMES = {"Site staff (demo)"}
# When each demo coalition's people joined (illustrative), a week apart in the order they joined.
JOINED = {"lebanon": datetime(2020, 2, 4, 9, tzinfo=UTC),
          "montenegro": datetime(2017, 9, 12, 9, tzinfo=UTC),
          "botswana": datetime(2016, 11, 8, 9, tzinfo=UTC)}  # fmt: skip


def date_the_story(coalitions: dict, since: datetime) -> None:
    """Records this run made get dates that fit their story rather than the day of the seeding:
    members joined when the coalition began; each app dates its own records (action points
    recorded at the meeting that agreed them, past figures validated weeks after their period)."""
    now = timezone.now()
    for slug, coalition in coalitions.items():
        joined = Membership.objects.filter(coalition=coalition, joined_at__gte=since)
        for n, membership in enumerate(joined.order_by("pk")):
            membership.joined_at = JOINED.get(slug, now) + timedelta(weeks=n)
            membership.save(update_fields=["joined_at"])
    date_demo(coalitions=coalitions, since=since)


class Command(BaseCommand):
    help = "Creates the demo coalitions, organisations and logins (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        started = timezone.now()
        organisations = {}
        for name, short_name, kind, country in ORGANISATIONS:
            organisation = Organisation.objects.filter(name=name).first() or organisation_create(
                name=name,
                short_name=short_name,
                kind=kind,
                country=country,
                is_demo=True,
                actor=None,
            )
            organisations[short_name] = organisation

        coalitions = {}
        for spec in COALITIONS:
            coalition = Coalition.objects.filter(slug=spec["slug"]).first()
            if coalition is None:
                coalition = coalition_create(
                    **{**spec, "national_authority": organisations[spec["national_authority"]],
                       "champions": [organisations[c] for c in spec["champions"]]},
                    is_demo=True, actor=None,
                )  # fmt: skip
            coalitions[spec["slug"]] = coalition

        User = get_user_model()
        for email, name, tz, staff, memberships in PEOPLE:
            user = User.objects.filter(email=email).first() or user_create(
                email=email,
                name=name,
                password=DEMO_PASSWORD,
                timezone=tz,
                is_staff=staff,
                actor=None,
            )
            if user.name in OLD_NAMES:
                # Demo data made when the site staff was called "Site staff" (shown as "Site").
                User.objects.filter(pk=user.pk).update(name=name)
                members_changed(
                    coalitions=Membership.objects.filter(user=user).values("coalition_id")
                )
            if staff and (user.is_superuser or not user.groups.exists()):
                # Demo data made before staff stopped being superusers is brought in step.
                User.objects.filter(pk=user.pk).update(is_superuser=False)
                user.groups.add(site_staff_group())
            for slug, org, role in memberships:
                if not Membership.objects.filter(coalition=coalitions[slug], user=user).exists():
                    membership_create(
                        coalition=coalitions[slug],
                        user=user,
                        organisation=organisations[org],
                        role=role,
                        actor=None,
                    )

        extend_demo(coalitions=coalitions, organisations=organisations, stdout=self.stdout)
        date_the_story(coalitions, since=started)

        self.stdout.write(
            self.style.SUCCESS("Demo data ready (illustrative people, public facts).")
        )
        self.stdout.write(f"Every demo login uses the password: {DEMO_PASSWORD}")
        for email, _name, _tz, staff, memberships in PEOPLE:
            roles = ", ".join(
                f"{Role(role).label} in {coalitions[slug].name}" for slug, _o, role in memberships
            )
            self.stdout.write(
                f"  {email:<28} {roles or ('site staff: admin and outbox' if staff else '')}"
            )
