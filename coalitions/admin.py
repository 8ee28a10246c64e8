from django.contrib import admin
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Coalition, Invitation, Membership, Organisation


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "country", "is_demo"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["name", "short_name"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "organisation"]
    readonly_fields = ["role"]
    can_delete = False
    show_change_link = False


@admin.register(Coalition)
class CoalitionAdmin(SimpleHistoryAdmin, GuardedModelAdmin):
    list_display = ["name", "state_party", "national_authority", "cadence", "is_demo"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["champions"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "coalition", "organisation", "role", "joined_at"]
    list_filter = ["role", "coalition"]
    search_fields = ["user__email", "user__name"]

    def has_add_permission(self, request):
        # Memberships change through the coalition pages so the permission rows stay in step.
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(SimpleHistoryAdmin):
    list_display = [
        "email",
        "coalition",
        "role",
        "organisation",
        "created_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role", "coalition"]
    search_fields = ["email"]
    readonly_fields = [
        "nonce",
        "accepted_at",
        "accepted_by",
        "sent_at",
        "status",
        "attempts",
        "last_error",
    ]
