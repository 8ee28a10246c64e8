from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from coalitions.demo import register_demo_extension
        from coalitions.sections import Panel, Section, register_panel, register_section

        from .demo import publish_demo_summary, seed_meetings
        from .panels import next_meeting_panel

        register_section(Section("meetings", _("Meetings"), "meetings:list", order=20))
        register_panel(
            Panel("coalition_home", "meetings/_panels/next_meeting.html", next_meeting_panel, 10)
        )
        register_demo_extension(seed_meetings, order=20)
        register_demo_extension(publish_demo_summary, order=90)

        from mail.pipeline import MailKind, register

        from .models import Delivery
        from .tasks import queue_deliveries

        register(MailKind("meeting", Delivery, queue_deliveries))
