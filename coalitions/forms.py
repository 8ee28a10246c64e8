from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Invitation, Membership, Organisation, Role
from .permissions import INVITABLE_ROLES
from .submissions import SubmittedOnce


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj.name} ({obj.short_name})" if obj.short_name else obj.name


class InvitationForm(SubmittedOnce, forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "role", "organisation", "message"]
        help_texts = {
            "organisation": _("The organisation the person will represent in this coalition."),
            "message": _("Optional: a line of your own, included in the invitation mail."),
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"organisation": OrganisationChoiceField}

    def __init__(self, *args, inviter_role: str, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = INVITABLE_ROLES.get(inviter_role, frozenset())
        self.fields["role"].choices = [("", "---------")] + [
            c for c in Role.choices if c[0] in allowed
        ]
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")


class MembershipRoleForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "organisation"]
        field_classes = {"organisation": OrganisationChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
