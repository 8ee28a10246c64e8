"""Records the admin shows and never changes: they change only through the services."""


class ReadOnlyAdmin:
    """ModelAdmin mixin (put it first): no add, change or delete in the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
