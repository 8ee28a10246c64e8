from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoalitionsConfig(AppConfig):
    name = "coalitions"
    verbose_name = _("Coalitions")

    def ready(self):
        from mail.pipeline import MailKind, register

        from .models import Invitation
        from .services import invitations_to_send, queue_invitations

        register(MailKind("invitation", Invitation, queue_invitations, invitations_to_send))
