from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from config.read_only_admin import ReadOnlyAdmin

from .models import AgendaItem, Delivery, Meeting, Summary


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["position", "title", "topic", "presenter", "duration_minutes", "visibility"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "coalition", "kind", "starts_at", "status"]
    list_filter = ["kind", "status", "coalition"]
    search_fields = ["title"]
    raw_id_fields = ["chair", "facilitator", "created_by"]
    inlines = [AgendaItemInline]


@admin.register(Summary)
class SummaryAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "state", "published_at", "rendered_at"]
    list_filter = ["state"]
    readonly_fields = ["pdf_full", "pdf_members", "rendered_at"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Read-only: who was mailed what and when, for support questions."""

    list_display = ["meeting", "user", "kind", "sequence", "status", "attempts", "sent_at"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["meeting", "user"]
