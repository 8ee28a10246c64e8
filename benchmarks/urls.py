"""The site's URLs plus the floor: the least a signed-in page costs through the same stack.

Routed only under config.settings.benchmark. Its time (session, user, middleware, a template, the
WSGI server) is what every page pays before its own work, so each page is measured as a multiple
of it, in the same run.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

FLOOR_PATH = "/benchmark/floor/"


@login_required
def floor(request):
    return render(request, "benchmarks/floor.html")


urlpatterns = [path(FLOOR_PATH.lstrip("/"), floor, name="benchmark_floor"), *site_urlpatterns]
