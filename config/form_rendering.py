"""How every form of the site renders its fields: labels without a trailing colon (a label is a
heading of its box, and in French a colon needs a space before it), and the name of each field's
kind on its box, so the shared form template can put a date and its time on one row."""

from django import forms
from django.forms.renderers import DjangoTemplates


class BoundField(forms.BoundField):
    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None):
        return super().label_tag(
            contents, attrs, "" if label_suffix is None else label_suffix, tag=tag
        )


class FormRenderer(DjangoTemplates):
    bound_field_class = BoundField
