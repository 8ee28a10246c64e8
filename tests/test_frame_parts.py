"""The page frame's remembered parts (config/remember_tag.py) and the remembered `{% translate %}`
(config/i18n_tags.py): each reader gets exactly what a fresh render gives them, whoever came
before, and what is per request (the CSRF token) is never remembered."""

import re

import pytest
from django.middleware.csrf import CSRF_TOKEN_LENGTH
from django.template import Context, Template, TemplateSyntaxError, engines
from django.test import Client
from django.urls import reverse
from django.utils import translation

from coalitions.models import Role
from coalitions.permissions import ROLE_PERMISSIONS

TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")([A-Za-z0-9]+)')


def render(text: str, **context) -> str:
    return Template(text).render(Context(context))


def test_a_part_is_kept_for_the_same_values_and_made_afresh_for_others():
    template = Template(
        "{% load remember %}{% remember name %}{{ name }} {{ extra }}{% endremember %}"
    )
    assert template.render(Context({"name": "Ana", "extra": 1})) == "Ana 1"
    # Kept: what the part depends on is its arguments only.
    assert template.render(Context({"name": "Ana", "extra": 2})) == "Ana 1"
    assert template.render(Context({"name": "Bea", "extra": 2})) == "Bea 2"


def test_each_language_has_its_own_part():
    template = Template(
        '{% load remember i18n %}{% remember %}{% translate "Sign out" %}{% endremember %}'
    )
    with translation.override("fr"):
        french = template.render(Context())
    with translation.override("es"):
        spanish = template.render(Context())
    english = template.render(Context())
    assert english == "Sign out"
    assert len({english, french, spanish}) == 3


def test_escaping_is_part_of_the_key():
    template = Template("{% load remember %}{% remember %}{{ text }}{% endremember %}")
    assert template.render(Context({"text": "<b>"})) == "&lt;b&gt;"
    assert template.render(Context({"text": "<b>"}, autoescape=False)) == "<b>"


@pytest.mark.parametrize(
    "inside",
    [
        "{% csrf_token %}",
        "{{ csrf_token }}",
        "{% if x %}{{ csrf_token|safe }}{% endif %}",
        "{% block content %}{% endblock %}",
    ],
)
def test_the_csrf_token_and_blocks_are_refused_when_the_template_is_read(inside):
    with pytest.raises(TemplateSyntaxError):
        Template("{% load remember %}{% remember %}" + inside + "{% endremember %}")


def test_values_that_cannot_be_a_key_render_each_time():
    template = Template(
        "{% load remember %}{% remember items %}{{ items|length }}{% endremember %}"
    )
    assert template.render(Context({"items": [1]})) == "1"
    assert template.render(Context({"items": [1, 2]})) == "2"


def test_a_part_leaves_nothing_in_the_page_context():
    template = Template(
        "{% load remember i18n %}{% remember %}{% get_current_language as code %}{% endremember %}"
        "[{{ code }}]"
    )
    assert template.render(Context()) == "[]"
    assert template.render(Context()) == "[]"


def test_translate_answers_as_djangos_tag_in_each_language():
    written = (
        '{% translate "Sign out" %}|{% translate "May" context "month name" %}|'
        '{% translate "Today" as today %}{{ today }}|{% translate "<b>&" %}|'
        '{% translate "100%% sure" %}|{% translate "Sign out" noop %}|{% translate word %}'
    )
    ours = engines["django"].from_string("{% load i18n_remembered %}" + written)
    django = Template(
        "{% load i18n %}" + written,
        engine=type(engines["django"].engine)(libraries={"i18n": "django.templatetags.i18n"}),
    )
    for language in ("en", "fr", "es", "en", "fr"):
        for word in ("Today", "Members"):
            with translation.override(language):
                assert ours.render({"word": word}) == django.render(Context({"word": word}))


def _page(client: Client, url: str, **headers) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200
    return TOKEN.sub(r"\1TOKEN", response.content.decode())


@pytest.mark.django_db
def test_readers_in_turn_each_see_their_own_frame(coalition, members):
    """Readers of different roles, names, staff status and languages, each after the others:
    each page is what that reader is shown with nothing remembered; tokens stay per request."""
    staff = members[Role.FACILITATOR]
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    url = reverse("coalitions:detail", args=[coalition.slug])
    readers = [
        (Role.NATIONAL_AUTHORITY, "en"),
        (Role.OBSERVER, "en"),
        (Role.FACILITATOR, "fr"),
        (Role.NATIONAL_AUTHORITY, "es"),
        (Role.DONOR, "fr"),
    ]
    from config import remember_tag

    seen, tokens = [], set()
    for role, language in readers * 2:
        user = members[role]
        client = Client()
        client.force_login(user)
        client.cookies["django_language"] = language
        page = _page(client, url)
        tokens.update(
            token
            for _, token in TOKEN.findall(client.get(url).content.decode())
            if len(token) == CSRF_TOKEN_LENGTH
        )
        remember_tag._parts.clear()
        assert _page(client, url) == page  # the same as when nothing was remembered
        assert (reverse("coalitions:settings", args=[coalition.slug]) in page) == (
            "manage_coalition" in ROLE_PERMISSIONS[role]
        )
        assert (reverse("outbox:list") in page) == user.is_staff
        assert f'title="{user.email}"' in page
        assert f'<html lang="{language}"' in page
        assert f'<option value="{language}" selected' in page
        seen.append(page)
    assert len(tokens) > len(readers)  # every request its own masked token
    for first, again in zip(seen, seen[len(readers) :], strict=False):
        assert first == again


def test_pagination_links_follow_the_page_the_query_and_the_parameter():
    from django.core.paginator import Paginator
    from django.template.loader import get_template

    template = get_template("_pagination.html")
    paginator = Paginator(range(30), 10)
    seen = set()
    for number in (1, 2, 3, 2):
        for query_string in ("", "q=x"):
            for param in ("", "members"):
                html = template.render(
                    {"page": paginator.page(number), "query_string": query_string, "param": param}
                )
                p = param or "page"
                head = f"?{query_string}&amp;" if query_string else "?"
                assert f"Page {number} of 3" in html
                assert (f'href="{head}{p}={number - 1}"' in html) == (number > 1)
                assert (f'href="{head}{p}={number + 1}"' in html) == (number < 3)
                seen.add(html)
    assert len(seen) == 3 * 2 * 2
    assert template.render({"page": Paginator(range(5), 10).page(1)}).strip() == ""


def test_per_language_answers_in_each_language_and_forgets_on_new_settings(settings):
    from django.utils.translation import gettext

    from config.per_language import per_language

    made = []

    @per_language
    def word():
        made.append(1)
        return gettext("Sign out")

    with translation.override("fr"):
        french = word()
        assert word() == french
    assert word() == "Sign out"
    assert word() != french
    assert len(made) == 2
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS]  # the translations are chosen anew
    word()
    assert len(made) == 3
