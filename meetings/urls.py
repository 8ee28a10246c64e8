from django.urls import path

from .views import agenda, calendar_feed, documents, hold, meetings, minutes, summary

app_name = "meetings"

prefix = "coalitions/<slug:slug>/meetings/"
meeting = prefix + "<int:pk>/"

urlpatterns = [
    path(prefix, meetings.meeting_list, name="list"),
    path(prefix + "new/", meetings.meeting_new, name="new"),
    path(prefix + "calendar/", calendar_feed.calendar_feed_page, name="calendar"),
    path(meeting, meetings.meeting_detail, name="detail"),
    path(meeting + "edit/", meetings.meeting_edit, name="edit"),
    path(
        meeting + "invitations/send/",
        meetings.meeting_send_invitations,
        name="send_invitations",
    ),
    path(meeting + "update/send/", meetings.meeting_send_update, name="send_update"),
    path(meeting + "cancel/", meetings.meeting_cancel, name="cancel"),
    path(meeting + "held/", meetings.meeting_held, name="held"),
    path(meeting + "held/undo/", meetings.meeting_reopen, name="reopen"),
    path(meeting + "hold/", hold.hold, name="hold"),
    path(meeting + "hold/attendance/", hold.hold_attendance, name="hold_attendance"),
    path(meeting + "hold/notes/", hold.hold_notes, name="hold_notes"),
    path(
        meeting + "hold/agenda/<int:item_pk>/minutes/",
        hold.hold_item_minutes,
        name="hold_item_minutes",
    ),
    path(
        meeting + "hold/agenda/<int:item_pk>/decisions/",
        hold.hold_decision,
        name="hold_decision",
    ),
    path(meeting + "meeting.ics", meetings.meeting_ics, name="ics"),
    path(meeting + "agenda/new/", agenda.agenda_item_new, name="agenda_item_new"),
    path(meeting + "agenda/<int:item_pk>/edit/", agenda.agenda_item_edit, name="agenda_item_edit"),
    path(
        meeting + "agenda/<int:item_pk>/delete/",
        agenda.agenda_item_delete,
        name="agenda_item_delete",
    ),
    path(meeting + "agenda/<int:item_pk>/move/", agenda.agenda_item_move, name="agenda_item_move"),
    path(meeting + "attendance/", minutes.attendance, name="attendance"),
    path(meeting + "minutes/", minutes.minutes, name="minutes"),
    path(meeting + "decisions/new/", minutes.decision_new, name="decision_new"),
    path(
        meeting + "decisions/<int:decision_pk>/delete/",
        minutes.decision_delete,
        name="decision_delete",
    ),
    path(meeting + "documents/new/", documents.document_upload, name="document_upload"),
    path(
        meeting + "documents/<int:document_pk>/",
        documents.document_download,
        name="document_download",
    ),
    path(
        meeting + "documents/<int:document_pk>/delete/",
        documents.document_delete,
        name="document_delete",
    ),
    path(meeting + "summary/publish/", summary.summary_publish, name="summary_publish"),
    path(meeting + "summary/correct/", summary.summary_amend, name="summary_amend"),
    path(
        meeting + "summary/preview/members.pdf",
        summary.summary_preview,
        {"copy": "members"},
        name="summary_preview_members",
    ),
    path(
        meeting + "summary/preview/restricted.pdf",
        summary.summary_preview,
        {"copy": "restricted"},
        name="summary_preview_restricted",
    ),
    path(meeting + "summary/send-again/", summary.summary_send_again, name="summary_send_again"),
    path(meeting + "summary/status/", summary.summary_status, name="summary_status"),
    path(meeting + "summary.pdf", summary.summary_pdf, name="summary_pdf"),
    path("calendar/<str:token>.ics", calendar_feed.calendar_feed, name="feed"),
]
