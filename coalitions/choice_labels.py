"""Choice labels for pages that show many rows."""

from django.utils.encoding import force_str


class ChoiceLabels:
    """`get_<field>_display()` that translates one label, the one shown.

    Django's own builds a dict of every (value, label) pair of the field on each call, hashing
    each pair and so translating every label of the field: a list of fifty action points paid
    two hundred catalogue lookups for fifty statuses. Here the table is built once per field,
    with the labels left lazy.
    """

    def _get_FIELD_display(self, field):  # noqa: N802 (Django's name)
        value = getattr(self, field.attname)
        labels = _labels.get(field)
        if labels is None:
            labels = _labels[field] = dict(field.flatchoices)
        try:
            label = labels.get(value, value)
        except TypeError:  # an unhashable value: Django's way
            return super()._get_FIELD_display(field)
        return force_str(label, strings_only=True)


_labels: dict = {}
