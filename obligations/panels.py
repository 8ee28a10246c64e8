"""The compact obligations panel on the coalition's home page (3 queries, no charts)."""

from django.utils import timezone

from .selectors import obligation_status_list


def home_panel_context(request, access) -> dict | None:
    statuses = obligation_status_list(coalition=access.coalition, with_charts=False)
    return {"coalition": access.coalition, "statuses": statuses, "today": timezone.localdate()}
