"""Every filter and tag of the project's template libraries renders for any value a template can
hand it: a missing variable (""), None, text, numbers of any size, dates at the ends of the
calendar, aware moments in any zone. Libraries and their filters and tags are found, not listed,
so a new one is covered without anyone adding it here."""

import importlib
import inspect
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.template import Context, Template
from django.template.backends.django import get_installed_libraries
from hypothesis import given
from hypothesis import strategies as st

# The project's own apps sit at the top of the repository (installed packages sit deeper).
PROJECT_APPS = {
    config.name
    for config in apps.get_app_configs()
    if Path(config.path).parent == Path(settings.BASE_DIR)
}


def project_libraries() -> dict[str, object]:
    libraries = {}
    for name, module_path in get_installed_libraries().items():
        if module_path.split(".")[0] in PROJECT_APPS:
            libraries[name] = importlib.import_module(module_path)
    return libraries


def positional_count(function, *, skip_context: bool) -> tuple[int, int]:
    """(required, total) positional parameters, without the template context."""
    parameters = list(inspect.signature(function).parameters.values())
    if skip_context:
        parameters = parameters[1:]
    required = sum(1 for p in parameters if p.default is inspect.Parameter.empty)
    return required, len(parameters)


def filter_cases():
    for library, module in project_libraries().items():
        for name, function in module.register.filters.items():
            required, total = positional_count(function, skip_context=False)
            yield pytest.param(library, name, total, id=f"{library}|{name}")


def tag_cases():
    for library, module in project_libraries().items():
        for name in module.register.tags:
            function = getattr(module, name)
            takes_context = "context" in inspect.signature(function).parameters
            _required, total = positional_count(function, skip_context=takes_context)
            yield pytest.param(library, name, total, id=f"{library}|{name}")


values = st.one_of(
    st.sampled_from(["", None, "abc", "0", "-1", "NaN", "1e999", [], {}, True]),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=Decimal("-1e40"), max_value=Decimal("1e40")),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.timezones()),
    st.text(max_size=40),
)


def test_the_project_has_template_libraries_to_check():
    assert {"obligation_tags", "meeting_tags", "coalition_tags"} <= set(project_libraries())
    assert list(filter_cases()) and list(tag_cases())


@pytest.mark.parametrize(("library", "name", "arity"), list(filter_cases()))
@given(value=values, argument=values)
def test_every_filter_renders_for_any_value(library, name, arity, value, argument):
    expression = "value|" + name + (":argument" if arity == 2 else "")
    template = Template("{% load " + library + " %}{{ " + expression + " }}")
    assert isinstance(template.render(Context({"value": value, "argument": argument})), str)


@pytest.mark.parametrize(("library", "name", "arity"), list(tag_cases()))
@given(arguments=st.lists(values, min_size=3, max_size=3))
def test_every_tag_renders_for_any_value(library, name, arity, arguments):
    names = [f"a{i}" for i in range(arity)]
    template = Template("{% load " + library + " %}{% " + " ".join([name, *names]) + " %}")
    assert isinstance(template.render(Context(dict(zip(names, arguments, strict=False)))), str)
