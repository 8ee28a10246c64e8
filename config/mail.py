"""Sending a mail from templates: a plain-text body that says everything, and an HTML twin."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation


def build_mail(
    *,
    to: str,
    template: str,
    context: dict,
    language: str | None = None,
    attachments: Iterable[tuple[str, bytes, str]] = (),
    headers: dict | None = None,
    connection=None,
) -> EmailMultiAlternatives:
    """`template` names `email/<template>_subject.txt`, `_body.txt` and `_body.html`."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_subject(f"email/{template}_subject.txt", context)
        text = render_to_string(f"email/{template}_body.txt", context)
        html = render_to_string(f"email/{template}_body.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers or {},
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message


def render_subject(name: str, context: dict) -> str:
    """A subject is a header, not HTML: rendered without autoescaping ("Norway's", not "Norway&#x27;s")."""
    return get_template(name).template.render(Context(context, autoescape=False)).strip()


def open_connection():
    return get_connection(fail_silently=False)
