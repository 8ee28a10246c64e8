from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConcernsConfig(AppConfig):
    name = "concerns"
    verbose_name = _("Confidential concerns")

    def ready(self):
        from coalitions import permissions as perms
        from coalitions.demo import register_demo_step
        from coalitions.sections import Panel, Section, register_panel, register_section

        from .demo import seed_concerns
        from .panels import today_panel

        # Two tabs, one per side of the channel; a person sees the one their role carries.
        register_section(
            Section(
                "concerns",
                _("Raise a concern"),
                "concerns:raise",
                order=85,
                perm=perms.RAISE_CONCERN,
            )
        )
        register_section(
            Section(
                "concerns_inbox",
                _("Concerns"),
                "concerns:inbox",
                order=86,
                perm=perms.READ_CONCERNS,
            )
        )
        register_panel(Panel("today", "concerns/_today_panel.html", today_panel, 40))
        register_demo_step("concerns", seed_concerns)

        from mail.pipeline import MailKind, register

        from .models import ConcernNotice
        from .services import queue_notices

        register(
            MailKind("concern_notice", ConcernNotice, queue_notices, coalition="concern__coalition")
        )
