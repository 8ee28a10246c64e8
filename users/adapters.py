from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.name = form.cleaned_data.get("name", "").strip()
        user.timezone = form.cleaned_data.get("timezone") or "UTC"
        user.preferred_language = getattr(request, "LANGUAGE_CODE", "en") or "en"
        user.email = user.email.lower()
        if commit:
            user.save()
        return user

    def get_login_redirect_url(self, request):
        next_invitation = request.session.get("pending_invitation")
        if next_invitation:
            from django.urls import reverse

            return reverse("coalitions:invitation_open", args=[next_invitation])
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        return self.get_login_redirect_url(request)

    def format_email_subject(self, subject):
        return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + str(subject)
