from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation

from .hooks import after_sign_up

LANDING_KEY = "signed_up_into"


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.name = form.cleaned_data.get("name", "").strip()
        user.timezone = form.cleaned_data.get("timezone") or "UTC"
        user.preferred_language = getattr(request, "LANGUAGE_CODE", "en") or "en"
        user.email = user.email.lower()
        if commit:
            user.save()
            # Joining is one step: the invitation that brought the person is accepted with the
            # sign-up itself (see the hooks the other apps register).
            landing = after_sign_up(request, user)
            if landing:
                request.session[LANDING_KEY] = landing
        return user

    def get_login_redirect_url(self, request):
        next_invitation = request.session.get("pending_invitation")
        if next_invitation:
            from django.urls import reverse

            return reverse("coalitions:invitation_open", args=[next_invitation])
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        return request.session.pop(LANDING_KEY, None) or self.get_login_redirect_url(request)

    def post_login(self, request, user, **kwargs):
        """The language the person chose is applied again at each sign-in."""
        response = super().post_login(request, user, **kwargs)
        language = getattr(user, "preferred_language", "")
        if language and language in dict(settings.LANGUAGES):
            translation.activate(language)
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
        return response

    def format_email_subject(self, subject):
        return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + str(subject)
