from django.urls import path

from . import views
from .search import search_options

app_name = "coalitions"

urlpatterns = [
    path("today/", views.today, name="today"),
    path("coalitions/", views.coalition_list, name="list"),
    path("coalitions/new/", views.coalition_new, name="new"),
    path("coalitions/<slug:slug>/start/", views.coalition_checklist, name="checklist"),
    path("coalitions/<slug:slug>/settings/", views.coalition_settings, name="settings"),
    path("coalitions/<slug:slug>/settings/archive/", views.coalition_archive_view, name="archive"),
    path("coalitions/<slug:slug>/settings/restore/", views.coalition_restore_view, name="restore"),
    path("coalitions/<slug:slug>/", views.coalition_detail, name="detail"),
    path("coalitions/<slug:slug>/members/", views.member_list, name="members"),
    path("coalitions/<slug:slug>/leave/", views.membership_leave_view, name="leave"),
    path("coalitions/<slug:slug>/hand-over/", views.membership_hand_over_view, name="hand_over"),
    path("coalitions/<slug:slug>/organisations/", views.organisation_list, name="organisations"),
    path(
        "coalitions/<slug:slug>/organisations/new/",
        views.organisation_new,
        name="organisation_new",
    ),
    path(
        "coalitions/<slug:slug>/organisations/<int:pk>/edit/",
        views.organisation_edit,
        name="organisation_edit",
    ),
    path("coalitions/<slug:slug>/search/<str:kind>/", search_options, name="search"),
    path("coalitions/<slug:slug>/members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path(
        "coalitions/<slug:slug>/members/<int:pk>/remove/", views.member_remove, name="member_remove"
    ),
    path("coalitions/<slug:slug>/invitations/", views.invitation_list, name="invitations"),
    path("coalitions/<slug:slug>/invitations/new/", views.invitation_new, name="invitation_new"),
    path(
        "coalitions/<slug:slug>/invitations/<int:pk>/resend/",
        views.invitation_resend_view,
        name="invitation_resend",
    ),
    path(
        "coalitions/<slug:slug>/invitations/<int:pk>/revoke/",
        views.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", views.invitation_open, name="invitation_open"),
    path("invitations/<str:token>/accept/", views.invitation_accept_view, name="invitation_accept"),
]
