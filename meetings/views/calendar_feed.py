"""The personal calendar address of a coalition's meetings: the page that shows and renews it,
and the secret feed that calendar programs poll."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from coalitions import permissions as perms
from coalitions.sections import page_context

from .. import selectors, services
from ..ical import feed_ics


@login_required
def calendar_feed_page(request, slug):
    access = perms.require_access(request.user, slug)
    if request.method == "POST":
        services.calendar_feed_renew(coalition=access.coalition, user=request.user)
        messages.success(
            request, _("Your calendar address was renewed; the old one no longer works.")
        )
        return redirect("meetings:calendar", slug=slug)
    feed = services.calendar_feed_for(coalition=access.coalition, user=request.user)
    url = request.build_absolute_uri(
        reverse("meetings:feed", args=[services.calendar_feed_token(feed)])
    )
    return render(
        request, "meetings/calendar_feed.html", page_context(access, "meetings", feed_url=url)
    )


def calendar_feed(request, token):
    """The secret address calendar programs poll; it works only while the person is a member."""
    feed = services.calendar_feed_from_token(token)
    if feed is None:
        raise Http404
    if perms.VIEW not in perms.access_for(feed.user, feed.coalition).perms:
        raise Http404
    response = HttpResponse(
        feed_ics(
            selectors.calendar_feed_meetings(coalition=feed.coalition), name=feed.coalition.name
        ),
        content_type="text/calendar; charset=utf-8",
    )
    response["Cache-Control"] = "private, max-age=900"
    return response
