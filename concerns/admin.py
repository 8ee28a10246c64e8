from django.contrib import admin

from config.read_only_admin import ReadOnlyAdmin

from .models import Concern, ConcernNotice


# Concern texts and senders never reach site staff: the admin lists only when, where and at which
# stage a concern is, read-only, with no page of its own and no history (its rows carry the
# sender and the text).
@admin.register(Concern)
class ConcernAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["pk", "coalition", "status", "created_at"]
    list_display_links = None
    list_filter = ["status"]
    fields = ["coalition", "status", "created_at"]
    readonly_fields = fields
    list_select_related = ["coalition"]

    def has_view_permission(self, request, obj=None):
        # The list only: a concern's own page would carry its subject in the title, and its
        # history page (refused with it) would name the sender.
        return obj is None and super().has_view_permission(request)


@admin.register(ConcernNotice)
class ConcernNoticeAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    # Who was told and whether it went out; the concern shows as its number only.
    list_display = ["concern_id", "recipient", "status", "attempts", "sent_at", "last_error"]
    list_display_links = None
