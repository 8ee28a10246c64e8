from django.urls import path

from . import views

app_name = "actions"

urlpatterns = [
    path("action-points/", views.my_action_points, name="mine_everywhere"),
    path("action-points/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("coalitions/<slug:slug>/action-points/", views.action_point_list, name="list"),
    path(
        "coalitions/<slug:slug>/action-points/export.csv",
        views.action_point_export,
        name="export",
    ),
    path(
        "coalitions/<slug:slug>/action-points/export.xlsx",
        views.action_point_export_xlsx,
        name="export_xlsx",
    ),
    path("coalitions/<slug:slug>/action-points/new/", views.action_point_new, name="new"),
    path(
        "coalitions/<slug:slug>/action-points/reminders/",
        views.reminder_settings,
        name="reminders",
    ),
    path("coalitions/<slug:slug>/action-points/mails/", views.preferences, name="preferences"),
    path(
        "coalitions/<slug:slug>/action-points/<int:pk>/", views.action_point_detail, name="detail"
    ),
    path(
        "coalitions/<slug:slug>/action-points/<int:pk>/edit/",
        views.action_point_edit,
        name="edit",
    ),
    path(
        "coalitions/<slug:slug>/action-points/<int:pk>/update/",
        views.action_point_update,
        name="update",
    ),
    path(
        "coalitions/<slug:slug>/action-points/<int:pk>/status/",
        views.action_point_status,
        name="status",
    ),
    path(
        "coalitions/<slug:slug>/meetings/<int:pk>/action-points/",
        views.meeting_action_points,
        name="meeting_action_points",
    ),
    path(
        "coalitions/<slug:slug>/meetings/<int:pk>/action-points/add/",
        views.meeting_quick_entry,
        name="meeting_quick_entry",
    ),
    path(
        "coalitions/<slug:slug>/meetings/<int:pk>/agenda/<int:item_pk>/action-points/add/",
        views.item_quick_entry,
        name="item_quick_entry",
    ),
]
