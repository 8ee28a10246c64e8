from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _store_the_role_table(sender, using="default", **kwargs) -> None:
    """After each migrate the stored rows follow the role table, so a deploy that changes the table
    needs no further step (`check_permissions` proves it)."""
    from .permissions import repair_permission_drift

    repair_permission_drift()


class CoalitionsConfig(AppConfig):
    name = "coalitions"
    verbose_name = _("Coalitions")

    def ready(self):
        from mail.pipeline import MailKind, register

        from .models import HandOver, Invitation
        from .services import invitations_to_send, queue_hand_overs, queue_invitations

        register(MailKind("invitation", Invitation, queue_invitations, invitations_to_send))
        register(MailKind("hand_over", HandOver, queue_hand_overs))

        from users.hooks import register_after_sign_up

        from . import checks  # noqa: F401
        from .views import join_on_sign_up

        register_after_sign_up(join_on_sign_up)

        post_migrate.connect(_store_the_role_table, sender=self)

        from .home_members import connect_signals

        connect_signals()

        from .permissions import INVITE_MEMBERS
        from .search import Search, register_search
        from .selectors import coalition_organisations

        register_search(
            "coalition_organisations",
            Search(
                queryset=lambda access, _params: coalition_organisations(
                    coalition=access.coalition
                ),
                fields=("name", "short_name"),
                label=lambda o: f"{o.name} ({o.short_name})" if o.short_name else o.name,
                perm=INVITE_MEMBERS,
            ),
        )
