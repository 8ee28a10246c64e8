"""The meetings list's cards and rows, written in Python (meetings/rows.py), and its remembered
parts: every reader gets the page the template loops gave them, whatever came before."""

import re

import pytest
from django.db.models import Q
from django.template import engines
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coalitions.models import Role
from meetings import selectors
from meetings.models import AgendaItem, Meeting
from meetings.tests.factories import make_meeting
from tests.fixtures import committed

TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")([A-Za-z0-9]+)')

# templates/meetings/meeting_list.html as it was before its cards and rows were written in Python.
BEFORE = """{% extends "coalitions/base_coalition.html" %}{% load i18n meeting_tags %}
{% block title %}{% translate "Meetings" %} · {{ coalition.name }}{% endblock %}
{% block content %}
<div class="page-head">
  <h1>{% translate "Meetings" %}</h1>
  <p>
  {% if access.can_manage_meetings %}<a class="button primary" href="{% url 'meetings:new' coalition.slug %}">{% translate "Schedule a meeting" %}</a>{% endif %}
  <a class="button" href="{% url 'meetings:calendar' coalition.slug %}">{% translate "Subscribe in your calendar" %}</a>
  </p>
</div>
<section aria-labelledby="upcoming-h">
<h2 id="upcoming-h">{% translate "Upcoming" %}</h2>
{% if upcoming %}
<ul class="cards meeting-cards">
  {% for meeting in upcoming %}
  <li class="card">
    <h3><a href="{% url 'meetings:detail' coalition.slug meeting.pk %}">{{ meeting.title }}</a></h3>
    <p><span class="badge">{{ meeting.get_kind_display }}</span>{% if meeting.is_draft %} <span class="status {{ meeting.status_css }}">{{ meeting.status_label }}</span>{% endif %}</p>
    <p>{% meeting_when meeting %}</p>
    <p class="muted">{{ meeting.venue|default:_("Online") }}</p>
  </li>
  {% endfor %}
</ul>
{% else %}
<p class="empty">{% translate "No meeting is planned." %}{% if access.can_manage_meetings %} <a href="{% url 'meetings:new' coalition.slug %}">{% translate "Schedule the next one" %}</a>.{% endif %}</p>
{% endif %}
</section>
<section aria-labelledby="past-h">
<h2 id="past-h">{% translate "Past, held and cancelled" %}</h2>
{% if page.object_list %}
<div class="table-wrap">
<table>
  <caption class="visually-hidden">{% translate "Past meetings" %}</caption>
  <thead><tr><th scope="col">{% translate "Meeting" %}</th><th scope="col">{% translate "When" %}</th><th scope="col">{% translate "Kind" %}</th><th scope="col">{% translate "Agenda items" %}</th><th scope="col">{% translate "Status" %}</th></tr></thead>
  <tbody>
  {% for meeting in page.object_list %}
    <tr>
      <td><a href="{% url 'meetings:detail' coalition.slug meeting.pk %}">{{ meeting.title }}</a></td>
      <td>{{ meeting.starts_at|in_coalition_zone:coalition.timezone }}</td>
      <td>{{ meeting.get_kind_display }}</td>
      <td>{{ meeting.agenda_count }}</td>
      <td><span class="status {{ meeting.status_css }}">{{ meeting.status_label }}</span></td>
    </tr>
  {% endfor %}
  </tbody>
</table>
</div>
{% include "_pagination.html" %}
{% else %}
<p class="empty">{% translate "No past meetings yet." %}</p>
{% endif %}
</section>
{% endblock %}
"""


def _before(response) -> str:
    """The page as the template loops rendered it, from the same request and page."""
    context = response.context[0].flatten()
    access = context["access"]
    listed = selectors.meeting_list(coalition=access.coalition, drafts=access.sees_draft_meetings)
    context["upcoming"] = list(
        listed.filter(ends_at__gte=timezone.now(), status=Meeting.Status.PLANNED).order_by(
            "starts_at"
        )[:20]
    )
    past = listed.filter(
        Q(ends_at__lt=timezone.now()) | ~Q(status=Meeting.Status.PLANNED)
    ).order_by("-starts_at")
    page = context["page"]
    start = (page.number - 1) * 20
    page.object_list = list(past[start : start + 20])
    html = engines["django"].from_string(BEFORE).render(context, response.wsgi_request)
    return TOKEN.sub(r"\1TOKEN", html)


@pytest.mark.django_db
def test_every_reader_sees_the_list_the_template_loops_gave(coalition, members):
    facilitator = members[Role.FACILITATOR]
    coalition.timezone = "Asia/Beirut"
    coalition.save(update_fields=["timezone"])
    make_meeting(coalition, facilitator, days=3, title="Draft <b> & \"quotes\" 'n'", venue="")
    make_meeting(coalition, facilitator, days=9, send_invitations=True, kind=Meeting.Kind.AD_HOC)
    for days in range(1, 24):
        meeting = make_meeting(
            coalition,
            facilitator,
            days=-days * 5,
            send_invitations=days % 3 > 0,
            title=f"Past <{days}>",
            kind=Meeting.Kind.TECHNICAL_WORKING_GROUP,
        )
        with committed():
            for n in range(days % 4):
                AgendaItem.objects.create(meeting=meeting, title=f"Item {n}", position=n)
    Meeting.objects.filter(title="Past <2>").update(status=Meeting.Status.CANCELLED)
    Meeting.objects.filter(title="Past <4>").update(status=Meeting.Status.HELD)
    Meeting.objects.filter(title="Past <5>").update(status=Meeting.Status.SUMMARY_PUBLISHED)
    observer = members[Role.OBSERVER]
    observer.timezone = "America/Bogota"
    observer.save(update_fields=["timezone"])
    url = reverse("meetings:list", args=[coalition.slug])
    readers = [
        (Role.FACILITATOR, "en", ""),
        (Role.OBSERVER, "fr", ""),
        (Role.OBSERVER, "es", "?page=2"),
        (Role.FACILITATOR, "es", "?page=2"),
        (Role.NATIONAL_AUTHORITY, "en", "?page=9"),
    ]
    seen = set()
    for role, language, query in readers * 2:
        client = Client()
        client.force_login(members[role])
        client.cookies["django_language"] = language
        response = client.get(url + query)
        assert response.status_code == 200
        page = TOKEN.sub(r"\1TOKEN", response.content.decode())
        assert page == _before(response)
        if role == Role.FACILITATOR:
            assert "Draft &lt;b&gt; &amp; &quot;quotes&quot; &#x27;n&#x27;" in page
        seen.add(page)
    assert len(seen) == len(readers)
