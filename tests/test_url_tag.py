"""`{% url %}` remembers its answers (config/url_tag.py) and answers exactly as Django's."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings
from django.urls import NoReverseMatch, path, reverse

from config.url_tag import cached_reverse


def render(text: str, **context) -> str:
    return Template(text).render(Context(context))


def test_each_argument_gets_its_own_address():
    first = render("{% url 'coalitions:detail' slug %}", slug="first")
    second = render("{% url 'coalitions:detail' slug %}", slug="second")
    assert first == reverse("coalitions:detail", args=["first"])
    assert second == reverse("coalitions:detail", args=["second"])


def test_keyword_arguments_as_and_escaping_as_django():
    assert render("{% url 'coalitions:detail' slug='a-b' %}") == reverse(
        "coalitions:detail", kwargs={"slug": "a-b"}
    )
    assert render("{% url 'coalitions:detail' 'x' as link %}[{{ link }}]") == (
        "[" + reverse("coalitions:detail", args=["x"]) + "]"
    )
    assert render("{% url 'no-such-page' as link %}[{{ link }}]") == "[]"


def test_an_unknown_name_fails_as_django_fails():
    with pytest.raises(NoReverseMatch):
        render("{% url 'no-such-page' %}")
    with pytest.raises(TemplateSyntaxError):
        Template("{% url %}")


def test_arguments_of_other_types_are_reversed_each_time():
    class Slug:
        def __init__(self, text):
            self.text = text

        def __str__(self):
            return self.text

    assert cached_reverse("coalitions:detail", args=[Slug("one")]) == reverse(
        "coalitions:detail", args=["one"]
    )
    assert cached_reverse("coalitions:detail", args=[Slug("two")]) == reverse(
        "coalitions:detail", args=["two"]
    )


urlpatterns = [path("elsewhere/<slug:slug>/", lambda request, slug: None, name="detail")]


def test_another_url_configuration_is_not_answered_from_the_first():
    before = cached_reverse("home")
    with override_settings(ROOT_URLCONF=__name__):
        assert cached_reverse("detail", args=["x"]) == "/elsewhere/x/"
        with pytest.raises(NoReverseMatch):
            cached_reverse("home")
    assert cached_reverse("home") == before


@override_settings(FORCE_SCRIPT_NAME="/app/")
def test_the_script_prefix_is_part_of_the_address(client):
    from django.urls import set_script_prefix

    set_script_prefix("/app/")
    try:
        assert cached_reverse("home") == "/app/"
    finally:
        set_script_prefix("/")
    assert cached_reverse("home") == "/"
