"""The coalition home as every reader saw it before its champions came with the members' query
and its obligations panel was kept rendered: the same page, reader by reader."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.template import engines
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coalitions.models import Organisation, Role
from coalitions.selectors import members_on_home
from coalitions.tests.factories import CoalitionFactory, add_member
from coalitions.views import MEMBERS_ON_HOME
from meetings.tests.factories import make_meeting
from obligations.status_cache import obligation_statuses
from obligations.tests.factories import make_indicator, make_obligation, report

TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")([A-Za-z0-9]+)')

# templates/coalitions/coalition_detail.html as it was, with the champions as organisations.
BEFORE = """{% extends "coalitions/base_coalition.html" %}{% load i18n %}
{% block title %}{{ coalition.name }}{% endblock %}
{% block content %}
<div class="page-head">
  <h1>{{ coalition.name }}</h1>
  <p class="muted">{% blocktranslate with role=access.membership.get_role_display org=access.membership.organisation.name %}You take part as {{ role }} for {{ org }}.{% endblocktranslate %}</p>
</div>
{% if coalition.description %}<p class="lead">{{ coalition.description|linebreaksbr }}</p>{% endif %}
<div class="grid">
  <section class="panel" aria-labelledby="facts-h">
    <h2 id="facts-h">{% translate "The coalition" %}</h2>
    <dl class="facts">
      <div><dt>{% translate "State Party" %}</dt><dd>{{ coalition.state_party.name }}</dd></div>
      <div><dt>{% translate "National authority" %}</dt><dd>{{ coalition.national_authority.name }}</dd></div>
      <div><dt>{% translate "Champion State" %}</dt><dd>{% for champion in champions %}{{ champion.name }}{% if not forloop.last %}, {% endif %}{% empty %}—{% endfor %}</dd></div>
      <div><dt>{% translate "Conventions" %}</dt><dd>{{ coalition.conventions_label }}</dd></div>
      <div><dt>{% translate "Meets" %}</dt><dd>{{ coalition.get_cadence_display }}</dd></div>
      <div><dt>{% translate "Time zone" %}</dt><dd>{{ coalition.timezone }}</dd></div>
    </dl>
    <p><a href="{% url 'coalitions:checklist' coalition.slug %}">{% translate "First steps" %}</a></p>
  </section>
  {% for panel in home_panels %}{% include panel.template with panel=panel.context %}{% endfor %}
  {% if not home_panels %}
  <section class="panel" aria-labelledby="next-h">
    <h2 id="next-h">{% translate "Next meeting" %}</h2>
    <p class="muted">{% translate "No meeting is planned yet." %}</p>
  </section>
  {% endif %}
  <section class="panel wide" aria-labelledby="members-h">
    <h2 id="members-h">{% blocktranslate count n=member_count %}{{ n }} member{% plural %}{{ n }} members{% endblocktranslate %}</h2>
    {% for organisation, members in by_organisation %}
      <h3 class="org">{{ organisation.name }} <span class="muted">· {{ organisation.kind_label }}</span></h3>
      <ul class="people">
        {% for m in members %}<li>{{ m.name }} <span class="badge">{{ m.role_label }}</span></li>{% endfor %}
      </ul>
    {% endfor %}
    <p><a href="{% url 'coalitions:members' coalition.slug %}">{% translate "All members" %}</a>
      {% if access.can_invite_members %} · <a href="{% url 'coalitions:invitation_new' coalition.slug %}">{% translate "Invite someone" %}</a>{% endif %}</p>
  </section>
</div>
{% endblock %}
"""


def _before(response) -> str:
    context = next(c for c in response.context if "home_panels" in c).flatten()
    coalition = context["coalition"]
    context["champions"] = list(coalition.champions.order_by("name"))
    context["by_organisation"], context["member_count"], _ = members_on_home(
        coalition=coalition, first=MEMBERS_ON_HOME
    )
    home_panels = []
    for panel in context["home_panels"]:
        if panel["template"] == "obligations/_home_panel_kept.html":
            panel = {
                "template": "obligations/_home_panel.html",
                "context": {
                    "coalition": coalition,
                    "statuses": obligation_statuses(coalition=coalition),
                    "today": timezone.localdate(),
                },
            }
        home_panels.append(panel)
    context["home_panels"] = home_panels
    html = engines["django"].from_string(BEFORE).render(context, response.wsgi_request)
    return TOKEN.sub(r"\1TOKEN", html)


@pytest.mark.django_db
@pytest.mark.parametrize("champions", [0, 2])
def test_every_reader_sees_the_home_they_saw_before(champions):
    cache.clear()
    coalition = CoalitionFactory()
    coalition.champions.set(
        Organisation.objects.create(name=name, kind=Organisation.Kind.DONOR_STATE)
        for name in ["Norway & <Co>", "Austria"][:champions]
    )
    obligation = make_obligation(coalition, entry_into_force=date(2016, 1, 1))
    indicator = make_indicator(obligation, target=Decimal(1_000_000))
    report(indicator, start=date(2024, 1, 1), end=date(2024, 3, 31), value=123_456)
    readers = {
        role: add_member(coalition, role)
        for role in (Role.NATIONAL_AUTHORITY, Role.OBSERVER, Role.FACILITATOR)
    }
    make_meeting(coalition, readers[Role.FACILITATOR], days=5)
    url = reverse("coalitions:detail", args=[coalition.slug])
    seen = set()
    for role, language in [
        (Role.NATIONAL_AUTHORITY, "en"),
        (Role.OBSERVER, "fr"),
        (Role.FACILITATOR, "es"),
        (Role.OBSERVER, "en"),
    ] * 2:
        client = Client()
        client.force_login(readers[role])
        client.cookies["django_language"] = language
        response = client.get(url)
        assert response.status_code == 200
        page = TOKEN.sub(r"\1TOKEN", response.content.decode())
        assert page == _before(response)
        if champions:
            assert "Austria, Norway &amp; &lt;Co&gt;" in page
        seen.add(page)
    assert len(seen) == 4
    # What the remembered parts show changes: each reader sees it at once.
    coalition.description = "Now <described>"
    coalition.save(update_fields=["description"])
    add_member(coalition, Role.DONOR)
    client = Client()
    client.force_login(readers[Role.OBSERVER])
    response = client.get(url)
    page = TOKEN.sub(r"\1TOKEN", response.content.decode())
    assert page == _before(response)
    assert "Now &lt;described&gt;" in page
    assert page not in seen
