from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.shortcuts import redirect, render
from django.urls import include, path
from django.utils.translation import gettext_lazy as _


def home(request):
    if request.user.is_authenticated:
        return redirect("coalitions:today")
    return render(request, "home.html")


# The admin's own sign-in form would skip the second factor and the rate limits: signing in to the
# admin goes through allauth's sign-in page and comes back with next=.
admin.site.login = secure_admin_login(admin.site.login)
# The admin names the product, not Django or a "Site".
admin.site.site_header = _("Country Coalitions: administration")
admin.site.site_title = _("Country Coalitions")
admin.site.index_title = _("Accounts, organisations and the outbox")

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # Django's own switch (django.conf.urls.i18n holds only it), which also saves a signed-in
    # person's preferred language.
    path("i18n/", include("users.language_urls")),
    path("outbox/", include("outbox.urls")),
    path("", include("users.urls")),
    path("", include("meetings.urls")),
    path("", include("obligations.urls")),
    path("", include("actions.urls")),
    path("", include("concerns.urls")),
    path("", include("coalitions.urls")),
]

# No route serves MEDIA_ROOT, not even with DEBUG on: documents and summary PDFs reach people only
# through the views that check who may read them.
