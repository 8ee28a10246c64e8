from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ActionPoint,
    ActionUpdate,
    DigestSent,
    NotificationPreference,
    ReminderSent,
    ReminderSettings,
)
from .reminders.marks import action_point_changed


@admin.register(ActionPoint)
class ActionPointAdmin(SimpleHistoryAdmin):
    list_display = ["title", "coalition", "owner_organisation", "owner", "due_date", "status"]
    list_filter = ["status", "visibility", "coalition"]
    search_fields = ["title"]
    raw_id_fields = ["owner", "recorded_by", "meeting", "agenda_item"]
    list_select_related = ["coalition", "owner_organisation", "owner"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A due date or status changed here is read again by the next reminder sweep.
        action_point_changed(action_point_id=obj.pk)


@admin.register(ActionUpdate)
class ActionUpdateAdmin(admin.ModelAdmin):
    list_display = ["action_point", "author", "new_status", "created_at"]
    raw_id_fields = ["action_point", "author"]


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ["kind", "period", "action_point", "recipient", "status", "attempts", "sent_at"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["action_point", "recipient", "coalition"]


@admin.register(DigestSent)
class DigestSentAdmin(admin.ModelAdmin):
    list_display = ["kind", "period", "recipient", "coalition", "status", "attempts", "sent_at"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["recipient", "coalition"]


admin.site.register(ReminderSettings, SimpleHistoryAdmin)
admin.site.register(NotificationPreference, SimpleHistoryAdmin)
