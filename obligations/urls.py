from django.urls import path

from . import views
from .article7 import views as article7
from .assistance import views as assistance

app_name = "obligations"

base = "coalitions/<slug:slug>/obligations/"
a7 = "coalitions/<slug:slug>/article7/<int:year>"
urlpatterns = [
    path(base, views.dashboard, name="dashboard"),
    path(f"{base}new/", views.obligation_new, name="new"),
    path(f"{base}<int:pk>/", views.obligation_detail, name="detail"),
    path(f"{base}<int:pk>/edit/", views.obligation_edit, name="edit"),
    path(f"{base}<int:pk>/extension-pack.pdf", views.extension_pack, name="extension_pack"),
    path(f"{base}<int:pk>/extensions/new/", views.extension_new, name="extension_new"),
    path(
        f"{base}<int:pk>/extensions/<int:request_pk>/decide/",
        views.extension_decide,
        name="extension_decide",
    ),
    path(f"{base}<int:pk>/indicators/new/", views.indicator_new, name="indicator_new"),
    path(
        f"{base}<int:pk>/indicators/<int:indicator_pk>/edit/",
        views.indicator_edit,
        name="indicator_edit",
    ),
    path(f"{base}<int:pk>/progress/new/", views.progress_new, name="progress_new"),
    path(
        f"{base}progress/<int:entry_pk>/validate/",
        views.progress_validate,
        name="progress_validate",
    ),
    path(f"{base}progress/<int:entry_pk>/delete/", views.progress_delete, name="progress_delete"),
    path(f"{base}progress.csv", views.progress_export, name="progress_export"),
    path(f"{base}progress.xlsx", views.progress_export_xlsx, name="progress_export_xlsx"),
    path(f"{base}progress/import/", views.progress_import, name="progress_import"),
    path("coalitions/<slug:slug>/needs/", assistance.needs, name="needs"),
    path("coalitions/<slug:slug>/needs/new/", assistance.need_new, name="need_new"),
    path("coalitions/<slug:slug>/needs/offers/new/", assistance.offer_new, name="offer_new"),
    path(
        "coalitions/<slug:slug>/needs/offers/<int:pk>/status/",
        assistance.offer_status,
        name="offer_status",
    ),
    path("coalitions/<slug:slug>/article7/", article7.reports, name="article7"),
    path("coalitions/<slug:slug>/article7/new/", article7.report_start, name="article7_start"),
    path(
        "coalitions/<slug:slug>/article7/reminder/",
        article7.calendar_edit,
        name="article7_calendar",
    ),
    path(f"{a7}/", article7.report_detail, name="article7_report"),
    path(f"{a7}/cover/", article7.contact_edit, name="article7_contact"),
    path(f"{a7}/forms/<letter>/", article7.section_edit, name="article7_section"),
    path(f"{a7}/comments/", article7.comment_add, name="article7_comment"),
    path(f"{a7}/submit/", article7.report_submit, name="article7_submit"),
    path(f"{a7}/report.pdf", article7.report_pdf, name="article7_pdf"),
    path(f"{a7}/report.docx", article7.report_docx, name="article7_docx"),
]
