from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObligationsConfig(AppConfig):
    name = "obligations"
    verbose_name = _("Obligations")

    def ready(self):
        from coalitions.demo import register_demo_dating, register_demo_step
        from coalitions.permissions import VIEW_RESTRICTED
        from coalitions.sections import (
            Panel,
            Part,
            Section,
            register_panel,
            register_part,
            register_section,
        )
        from mail.pipeline import MailKind, register

        from .article7.demo import seed_article7
        from .article7.services import queue_reminders
        from .demo import date_figures, seed_obligations
        from .models import TransparencyReminder
        from .panels import (
            home_panel_context,
            meeting_summary_part,
            today_figures_panel,
            today_obligations_panel,
        )

        register_section(Section("obligations", _("Obligations"), "obligations:dashboard", 20))
        register_section(Section("needs", _("Needs & offers"), "obligations:needs", 25))
        register_section(
            Section("article7", _("Article 7"), "obligations:article7", 27, perm=VIEW_RESTRICTED)
        )
        register_panel(
            Panel("coalition_home", "obligations/_home_panel_kept.html", home_panel_context, 20)
        )
        register_panel(Panel("today", "obligations/_today_figures.html", today_figures_panel, 30))
        register_panel(
            Panel("today", "obligations/_today_obligations.html", today_obligations_panel, 60)
        )
        register_part(
            Part(
                "meeting_summary",
                "obligations/_parts/meeting_summary.html",
                meeting_summary_part,
                60,
            )
        )
        register(MailKind("article7_reminder", TransparencyReminder, queue_reminders))
        register_demo_step("obligations", seed_obligations)
        register_demo_step("article7", seed_article7)
        register_demo_dating(date_figures)
        register_searches()

        from .status_cache import connect_signals

        connect_signals()


def register_searches() -> None:
    from coalitions.permissions import POST_OFFERS
    from coalitions.search import Search, register_search

    from .assistance.selectors import need_choices

    register_search(
        "needs",
        Search(
            queryset=lambda access, _params: need_choices(coalition=access.coalition),
            fields=("activity",),
            label=str,
            perm=POST_OFFERS,
        ),
    )
