from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from config.read_only_admin import ReadOnlyAdmin

from .models import Coalition, Invitation, Membership, Organisation, Role
from .services import invitation_revoke, membership_remove


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "country", "is_demo"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["name", "short_name"]


class MembershipInline(admin.TabularInline):
    """Read-only: memberships change through the coalition pages or the membership admin's
    removal, both of which go through the services that keep the permission rows in step."""

    model = Membership
    extra = 0
    fields = ["user", "organisation", "role", "joined_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Coalition)
class CoalitionAdmin(SimpleHistoryAdmin):
    # Object permissions are not edited here: they are the role table's stored form.
    list_display = ["name", "state_party", "national_authority", "cadence", "is_demo"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["champions"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    """Memberships are only removed here, through `membership_remove` (one by one, so each removal
    takes the person's permissions away and writes its history row with the staff member)."""

    list_display = ["user", "coalition", "organisation", "role", "joined_at"]
    list_filter = ["role", "coalition"]
    search_fields = ["user__email", "user__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.role == Role.NATIONAL_AUTHORITY:
            others = Membership.objects.filter(
                coalition_id=obj.coalition_id, role=Role.NATIONAL_AUTHORITY
            ).exclude(pk=obj.pk)
            if not others.exists():
                return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        try:
            membership_remove(membership=obj, actor=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "coalition"):
            self.delete_model(request, membership)


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Read-only: an edited role or organisation would skip who-appoints-whom. An invitation is
    only revoked here, through `invitation_revoke`."""

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
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected pending invitations"), permissions=["view"])
    def revoke(self, request, queryset):
        revoked = 0
        for invitation in queryset.filter(accepted_at__isnull=True, revoked_at__isnull=True):
            invitation_revoke(invitation=invitation, actor=request.user)
            revoked += 1
        self.message_user(
            request,
            ngettext("%(count)d invitation revoked.", "%(count)d invitations revoked.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )
