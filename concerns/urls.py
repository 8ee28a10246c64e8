from django.urls import path

from . import views

app_name = "concerns"

prefix = "coalitions/<slug:slug>/concerns/"
concern = prefix + "<int:pk>/"

urlpatterns = [
    path(prefix, views.concern_raise, name="raise"),
    path(prefix + "inbox/", views.concern_inbox, name="inbox"),
    path(concern, views.concern_detail, name="detail"),
    path(concern + "acknowledge/", views.concern_acknowledge, name="acknowledge"),
    path(concern + "note/", views.concern_note, name="note"),
    path(concern + "close/", views.concern_close, name="close"),
    path(concern + "agenda/", views.concern_agenda, name="agenda"),
]
