from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from config.read_only_admin import ReadOnlyAdmin

from .models import Coalition, Invitation, Membership, Organisation, Role
from .selectors import organisation_merge_conflicts, organisation_merge_counts, organisation_twin
from .services import (
    OrganisationExistsError,
    invitation_revoke,
    membership_remove,
    organisation_merge,
)


class OrganisationAdminForm(forms.ModelForm):
    """Staff's own edits keep the rule the pages keep: one organisation per name and country,
    whatever the case and spacing, and a twin named so staff can merge instead."""

    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind", "country", "is_demo"]

    def clean_name(self):
        return Organisation.stored_name(self.cleaned_data["name"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("name"):
            twin = organisation_twin(
                name=cleaned["name"],
                country=cleaned.get("country") or "",
                exclude_pk=self.instance.pk,
            )
            if twin is not None:
                self.add_error("name", OrganisationExistsError(twin).message_dict["name"])
        return cleaned

    def validate_constraints(self):
        # The twin is named above; Django's own message for the index says less.
        if "name" not in self.errors:
            super().validate_constraints()


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    form = OrganisationAdminForm
    list_display = ["name", "short_name", "kind", "country", "is_demo"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["name", "short_name"]
    actions = ["merge_organisations"]

    def has_merge_permission(self, request) -> bool:
        return request.user.has_perm("coalitions.merge_organisation")

    @admin.action(description=_("Merge the selected organisations into one"), permissions=["merge"])
    def merge_organisations(self, request, queryset):
        """Asks which one to keep, shows what moves and what stops it, then merges."""
        organisations = list(queryset.order_by("name", "pk"))
        if len(organisations) < 2:
            self.message_user(
                request, _("Select two organisations or more to merge."), messages.WARNING
            )
            return None
        errors = []
        if request.POST.get("post") == "yes":
            keep = next((o for o in organisations if str(o.pk) == request.POST.get("keep")), None)
            if keep is None:
                errors = [_("Choose the organisation to keep.")]
            else:
                try:
                    moved = organisation_merge(
                        keep=keep,
                        duplicates=[o for o in organisations if o.pk != keep.pk],
                        actor=request.user,
                    )
                except ValidationError as exc:
                    errors = exc.messages
                else:
                    self.message_user(
                        request,
                        _("Merged into %(organisation)s: %(moved)s.")
                        % {
                            "organisation": keep.name,
                            "moved": ", ".join(f"{n} {label}" for label, n in moved.items())
                            or _("nothing pointed at the others"),
                        },
                        messages.SUCCESS,
                    )
                    return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Merge organisations"),
            "organisations": [
                (o, organisation_merge_counts(organisation=o)) for o in organisations
            ],
            "conflicts": organisation_merge_conflicts(
                keep=organisations[0], duplicates=organisations[1:]
            ),
            "errors": errors,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "kept": request.POST.get("keep", ""),
        }
        return TemplateResponse(request, "admin/coalitions/organisation/merge.html", context)


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
