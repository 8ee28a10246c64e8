from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect, render
from django.urls import include, path


def home(request):
    if request.user.is_authenticated:
        return redirect("coalitions:list")
    return render(request, "home.html")


urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("outbox/", include("outbox.urls")),
    path("", include("users.urls")),
    path("", include("meetings.urls")),
    path("", include("obligations.urls")),
    path("", include("actions.urls")),
    path("", include("concerns.urls")),
    path("", include("coalitions.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
