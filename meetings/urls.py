from django.urls import path

from . import views

app_name = "meetings"

prefix = "coalitions/<slug:slug>/meetings/"
meeting = prefix + "<int:pk>/"

urlpatterns = [
    path(prefix, views.meeting_list, name="list"),
    path(prefix + "new/", views.meeting_new, name="new"),
    path(prefix + "calendar/", views.calendar_feed_page, name="calendar"),
    path(meeting, views.meeting_detail, name="detail"),
    path(meeting + "edit/", views.meeting_edit, name="edit"),
    path(meeting + "cancel/", views.meeting_cancel, name="cancel"),
    path(meeting + "held/", views.meeting_held, name="held"),
    path(meeting + "meeting.ics", views.meeting_ics, name="ics"),
    path(meeting + "agenda/new/", views.agenda_item_new, name="agenda_item_new"),
    path(meeting + "agenda/<int:item_pk>/edit/", views.agenda_item_edit, name="agenda_item_edit"),
    path(
        meeting + "agenda/<int:item_pk>/delete/",
        views.agenda_item_delete,
        name="agenda_item_delete",
    ),
    path(meeting + "agenda/<int:item_pk>/move/", views.agenda_item_move, name="agenda_item_move"),
    path(meeting + "attendance/", views.attendance, name="attendance"),
    path(meeting + "minutes/", views.minutes, name="minutes"),
    path(meeting + "decisions/new/", views.decision_new, name="decision_new"),
    path(
        meeting + "decisions/<int:decision_pk>/delete/",
        views.decision_delete,
        name="decision_delete",
    ),
    path(meeting + "documents/new/", views.document_upload, name="document_upload"),
    path(
        meeting + "documents/<int:document_pk>/",
        views.document_download,
        name="document_download",
    ),
    path(
        meeting + "documents/<int:document_pk>/delete/",
        views.document_delete,
        name="document_delete",
    ),
    path(meeting + "summary/publish/", views.summary_publish, name="summary_publish"),
    path(meeting + "summary/send-again/", views.summary_send_again, name="summary_send_again"),
    path(meeting + "summary/status/", views.summary_status, name="summary_status"),
    path(meeting + "summary.pdf", views.summary_pdf, name="summary_pdf"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
]
