"""Drives the production stack of tests/test_production_stack.py from the outside, with the
stack's environment: `python -m tests.stack_driver <command> <tag> [n]` prints one JSON answer;
`python -m tests.stack_driver --serve` answers a JSON line `[command, tag, n...]` read from stdin
with one JSON line `{"answer": ...}` or `{"error": traceback}` on stdout, each command in a process
of its own forked from a loaded one (fresh connections to PostgreSQL and Redis, as a new process
has, without starting Python and Django again for every command).

Data is made through the services, as the app makes it; mail goes out through the worker."""

import json
import os
import sys
import traceback
from datetime import timedelta

import django

PASSWORD = "stack-test-password-2026"


def _people(tag: str, count: int, *, password: str | None = None):
    """`password` None: people who only receive mail never sign in, and hashing a password on the
    production settings costs a quarter of a second of CPU each."""
    from users.services import user_create

    return [
        user_create(
            email=f"{tag}-{n}@example.net", name=f"{tag} {n}", password=password, actor=None
        )
        for n in range(count)
    ]


def _coalition(tag: str):
    from coalitions.models import Coalition, Organisation, Role
    from coalitions.services import membership_create

    authority = Organisation.objects.create(
        name=f"Authority {tag}", kind=Organisation.Kind.STATE_AUTHORITY, country="LB"
    )
    coalition = Coalition.objects.create(
        name=f"Coalition {tag}", slug=f"c-{tag}", state_party="LB", national_authority=authority
    )
    [chief] = _people(f"{tag}-authority", 1, password=PASSWORD)
    membership_create(
        coalition=coalition,
        user=chief,
        organisation=authority,
        role=Role.NATIONAL_AUTHORITY,
        actor=None,
    )
    return coalition, chief


def setup(tag: str, members: int) -> dict:
    """A coalition with `members` observers besides its national authority, and a held meeting
    with all of them, ready for its summary."""
    from django.utils import timezone

    from coalitions.models import Organisation, Role
    from coalitions.services import membership_create
    from meetings import services

    coalition, chief = _coalition(tag)
    donor = Organisation.objects.create(name=f"Donor {tag}", kind=Organisation.Kind.DONOR_STATE)
    for person in _people(tag, members):
        membership_create(
            coalition=coalition, user=person, organisation=donor, role=Role.OBSERVER, actor=chief
        )
    starts = timezone.now().replace(microsecond=0) - timedelta(days=2)
    meeting = services.meeting_create(
        coalition=coalition,
        actor=chief,
        title=f"Meeting {tag}",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        venue="Beirut",
        send_invitations=False,
    )
    services.meeting_mark_held(meeting=meeting, actor=chief)
    return {
        "slug": coalition.slug,
        "meeting": meeting.pk,
        "login": chief.email,
        "password": PASSWORD,
        "organisation": donor.pk,
        "participants": sorted(meeting.participants.values_list("user__email", flat=True)),
    }


def publish(tag: str) -> dict:
    from coalitions.models import Coalition
    from meetings import services
    from meetings.models import Meeting

    coalition = Coalition.objects.get(slug=f"c-{tag}")
    meeting = Meeting.objects.get(coalition=coalition)
    services.summary_publish(meeting=meeting, actor=coalition.memberships.first().user)
    return {"meeting": meeting.pk}


def invite(tag: str, count: int) -> dict:
    from coalitions.models import Coalition, Organisation, Role
    from coalitions.services import invitation_create

    coalition = Coalition.objects.get(slug=f"c-{tag}")
    donor = Organisation.objects.get(name=f"Donor {tag}")
    chief = coalition.memberships.get(role=Role.NATIONAL_AUTHORITY).user
    emails = [f"{tag}-invitee-{n}@example.net" for n in range(count)]
    for email in emails:
        invitation_create(
            coalition=coalition,
            email=email,
            role=Role.OBSERVER,
            organisation=donor,
            actor=chief,
        )
    return {"emails": emails}


def redeliver(tag: str) -> dict:
    """Every send task of this coalition's mails delivered twice more, as a broker may."""
    from coalitions.models import Coalition
    from config.celery_app import app
    from meetings.models import Delivery

    coalition = Coalition.objects.get(slug=f"c-{tag}")
    app.loader.import_default_modules()
    count = 0
    for _round in range(2):
        for pk in coalition.invitations.values_list("pk", flat=True):
            app.tasks["coalitions.tasks.send_invitation_email_task"].delay(pk)
            count += 1
        groups = (
            Delivery.objects.filter(meeting__coalition=coalition)
            .values_list("meeting_id", "kind", "sequence")
            .distinct()
        )
        for meeting_id, kind, sequence in groups:
            app.tasks["meetings.tasks.send_meeting_mail_task"].delay(meeting_id, kind, sequence)
            count += 1
    return {"queued": count}


def report(tag: str) -> dict:
    """Where every mail row of this coalition stands."""
    from django.db.models import Count

    from coalitions.models import Coalition, Invitation
    from meetings.models import Delivery, Summary

    coalition = Coalition.objects.get(slug=f"c-{tag}")
    rows = {
        "invitation": Invitation.objects.filter(coalition=coalition),
        "meeting": Delivery.objects.filter(meeting__coalition=coalition),
    }
    return {
        **{
            name: dict(queryset.values_list("status").annotate(n=Count("pk")).order_by())
            for name, queryset in rows.items()
        },
        "summary": list(
            Summary.objects.filter(meeting__coalition=coalition).values_list("state", flat=True)
        ),
    }


COMMANDS = {"setup": setup, "publish": publish, "invite": invite, "redeliver": redeliver}
COMMANDS["report"] = report


def run(command: str, tag: str, *numbers: int):
    return COMMANDS[command](tag, *(int(value) for value in numbers))


def serve() -> None:
    from django.db import connections

    # What the commands import, loaded once before forking; nothing here connects anywhere.
    import coalitions.services  # noqa: F401
    import meetings.services  # noqa: F401
    import users.services  # noqa: F401
    from config.celery_app import app

    app.loader.import_default_modules()
    answers = sys.stdout
    sys.stdout = sys.stderr  # the commands' own output stays out of the answers
    for line in sys.stdin:
        connections.close_all()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            try:
                reply = {"answer": run(*json.loads(line))}
            except BaseException:
                reply = {"error": traceback.format_exc()}
            finally:
                connections.close_all()
            with os.fdopen(write, "w") as out:
                out.write(json.dumps(reply))
            os._exit(0)
        os.close(write)
        with os.fdopen(read) as pipe:
            reply = pipe.read()
        os.waitpid(pid, 0)
        answers.write((reply or json.dumps({"error": "the command's process died"})) + "\n")
        answers.flush()


if __name__ == "__main__":
    django.setup()
    if sys.argv[1:] == ["--serve"]:
        serve()
    else:
        print(json.dumps(run(*sys.argv[1:])))
