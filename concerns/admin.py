from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Concern, ConcernNotice


# The admin is for site staff only; it is the one place besides the facilitators' pages that
# shows who raised a concern, including in its history.
@admin.register(Concern)
class ConcernAdmin(SimpleHistoryAdmin):
    list_display = ["subject", "coalition", "status", "created_at"]
    list_filter = ["status", "coalition"]
    search_fields = ["subject"]
    raw_id_fields = ["raised_by", "raised_by_organisation", "agenda_item"]
    list_select_related = ["coalition"]


@admin.register(ConcernNotice)
class ConcernNoticeAdmin(admin.ModelAdmin):
    list_display = ["concern", "recipient", "status", "attempts", "sent_at", "last_error"]
    raw_id_fields = ["concern", "recipient"]
