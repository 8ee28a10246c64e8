"""The language switch at Django's usual name (`set_language`), outside the `users` namespace:
the view also saves a signed-in person's preferred language."""

from django.urls import path

from . import views

urlpatterns = [path("setlang/", views.set_language, name="set_language")]
