from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from coalitions.demo import register_demo_step
        from coalitions.sections import Panel, Section, register_panel, register_section

        from .demo import publish_demo_summary, seed_meetings
        from .panels import next_meeting_panel, today_panel

        register_section(Section("meetings", _("Meetings"), "meetings:list", order=20))
        register_panel(
            Panel("coalition_home", "meetings/_panels/next_meeting.html", next_meeting_panel, 10)
        )
        register_panel(Panel("today", "meetings/_panels/today.html", today_panel, 20))
        register_demo_step("meetings", seed_meetings)
        register_demo_step("meeting_summary", publish_demo_summary)

        from mail.pipeline import MailKind, register

        from .models import Delivery
        from .tasks import queue_deliveries

        register(MailKind("meeting", Delivery, queue_deliveries, coalition="meeting__coalition"))
        register_searches()

        from .page_cache import connect_signals

        connect_signals()


def register_searches() -> None:
    import zoneinfo

    from coalitions.permissions import EDIT_MINUTES, visibilities_for
    from coalitions.search import Search, register_search
    from config.form_views import is_record_id

    from .models import AgendaItem, Meeting, unannounced
    from .selectors import meeting_list, memberships_for_choice

    def agenda_items(access, params):
        items = AgendaItem.objects.filter(
            meeting__coalition=access.coalition, visibility__in=visibilities_for(access.perms)
        )
        if not access.sees_draft_meetings:
            items = items.exclude(meeting__in=Meeting.objects.filter(unannounced()))
        meeting = params.get("meeting", "")
        if is_record_id(meeting):
            items = items.filter(meeting_id=int(meeting))
        return items.order_by("meeting_id", "position", "pk")

    register_search(
        "members",
        Search(
            queryset=lambda access, _params: memberships_for_choice(coalition=access.coalition),
            fields=("user__name", "organisation__name", "organisation__short_name"),
            label=lambda m: f"{m.user.name} ({m.organisation.short_name or m.organisation.name})",
        ),
    )
    register_search(
        "meetings",
        Search(
            queryset=lambda access, _params: meeting_list(
                coalition=access.coalition, drafts=access.sees_draft_meetings
            ).order_by("-starts_at"),
            fields=("title",),
            label=lambda meeting: (
                f"{meeting.title}, "
                f"{meeting.starts_at.astimezone(zoneinfo.ZoneInfo(meeting.coalition.timezone)):%Y-%m-%d}"
            ),
        ),
    )
    register_search(
        "agenda_items",
        Search(queryset=agenda_items, fields=("title",), label=str, perm=EDIT_MINUTES),
    )
