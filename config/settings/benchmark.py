"""The benchmark's settings: production's, plus the floor view (benchmarks/urls.py).

Used only by the benchmark harness (`python -m benchmarks.run`), which starts gunicorn with them;
no deployment uses them, so the floor is never routed in production.
"""

from .production import *  # noqa: F403
from .production import BASE_DIR, TEMPLATES

ROOT_URLCONF = "benchmarks.urls"
TEMPLATES = [
    {**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "benchmarks" / "templates"]}
]
