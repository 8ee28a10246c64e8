"""`manage.py check --database default --fail-level WARNING` fails when the stored permissions drift
from the role table.

A warning, not an error: `migrate` runs the database checks before it migrates, and an error would
stop the very `migrate` whose post-migrate step rewrites the rows from the table.
"""

from django.core import checks
from django.db import DatabaseError


@checks.register(checks.Tags.database)
def stored_permissions_are_the_role_table(app_configs=None, databases=None, **kwargs):
    if not databases:
        return []
    from .permissions import permission_drift

    try:
        drift = permission_drift()
    except DatabaseError:
        # Not migrated yet: nothing stored, nothing to compare.
        return []
    if not drift:
        return []
    return [
        checks.Warning(
            f"{len(drift)} stored permission sets differ from the role table, e.g. {drift[0]}.",
            hint="Run `manage.py check_permissions --repair`.",
            id="coalitions.W001",
        )
    ]
