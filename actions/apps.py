from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = _("Action points")

    def ready(self):
        from coalitions.demo import register_demo_dating, register_demo_step
        from coalitions.sections import (
            Panel,
            Part,
            Section,
            register_panel,
            register_part,
            register_section,
        )

        from . import meeting_pages, panels
        from .demo import date_action_points, seed_action_points

        meeting_pages.connect_signals()

        register_section(Section("action_points", _("Action points"), "actions:list", order=40))
        register_panel(
            Panel("coalition_home", "actions/_partials/home_panel.html", panels.home_panel, 40)
        )
        register_panel(
            Panel(
                "meeting_detail", "actions/_partials/meeting_panel.html", panels.meeting_panel, 40
            )
        )
        register_panel(
            Panel(
                "meeting_hold_item",
                "actions/_partials/hold_item.html",
                panels.hold_item_panels,
                40,
            )
        )
        register_panel(Panel("today", "actions/_partials/today_panel.html", panels.today_panel, 10))
        register_part(
            Part(
                "meeting_summary",
                "actions/_parts/meeting_summary.html",
                panels.meeting_summary_part,
                40,
            )
        )
        register_part(
            Part(
                "meeting_invitation",
                "actions/_parts/meeting_invitation",
                panels.meeting_invitation_part,
                40,
            )
        )
        register_demo_step("action_points", seed_action_points)
        register_demo_dating(date_action_points)

        from mail.pipeline import MailKind, register

        from .models import DigestSent, ReminderSent
        from .reminders.sending import queue_digests, queue_reminders

        register(MailKind("reminder", ReminderSent, queue_reminders))
        register(MailKind("digest", DigestSent, queue_digests))
        register_searches()

        from coalitions.services import follow_organisation_merge

        from .models import ActionPoint
        from .reminders.marks import action_points_changed

        follow_organisation_merge(
            ActionPoint, lambda ids: action_points_changed(action_point_ids=ids)
        )


def register_searches() -> None:
    from coalitions.search import Search, chosen_id, register_search

    from .selectors import owner_choices, owner_organisation_choices

    def people(access, params):
        # Narrowed to the owner organisation typed in the same form, when one is chosen.
        people = owner_choices(coalition=access.coalition)
        organisation = chosen_id(params.get("owner_organisation"))
        return people.filter(organisation_id=organisation) if organisation else people

    register_search(
        "people",
        Search(
            queryset=people,
            fields=("name", "organisation_name"),
            label=lambda user: f"{user.name} ({user.organisation_name})",
        ),
    )
    register_search(
        "organisations",
        Search(
            queryset=lambda access, _params: owner_organisation_choices(coalition=access.coalition),
            fields=("name", "short_name"),
            label=lambda organisation: organisation.name,
        ),
    )
