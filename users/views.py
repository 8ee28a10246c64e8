from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.i18n import set_language as django_set_language

from config.form_views import submitted

from .forms import ProfileForm
from .models import User
from .services import user_set_language, user_update_profile


@login_required
def profile(request):
    # A copy, so a rejected form never shows its bad values as the signed-in person's own.
    form = ProfileForm(submitted(request), instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        user = user_update_profile(user=request.user, **form.cleaned_data)
        translation.activate(user.preferred_language)
        response = redirect("users:profile")
        response.set_cookie("django_language", user.preferred_language, samesite="Lax")
        messages.success(request, _("Your profile was saved."))
        return response
    return render(request, "users/profile.html", {"form": form})


def set_language(request):
    """The header's language switch; for a signed-in person it also becomes the preferred
    language (the one mails use), applied again at each sign-in."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and language != request.user.preferred_language
    ):
        user_set_language(user=request.user, language=language)
    return response
