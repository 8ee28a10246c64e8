"""How long a free text may be, field by field.

Each limit lies far beyond what a real text of its kind needs, and low enough that a page, a mail or
a summary PDF holding several texts at their limit still renders in seconds:

- names and titles: 200 characters (a meeting, an agenda item, a need's activity);
- short notes: 2,000 (an invitation's personal message);
- texts: 5,000 (a decision, an action point's description or update, a concern, notes on an
  obligation or an extension request, a need's description, a coalition's description);
- minutes: 20,000 (the general minutes of a meeting, the minutes of one agenda item).

Forms show the limit as the field's maxlength and answer a longer text with a field error; the
model checks it again in `full_clean`, so a service refuses it too.
"""

from django.core.validators import MaxLengthValidator
from django.db import models

TITLE_MAX_LENGTH = 200
NOTE_MAX_LENGTH = 2_000
TEXT_MAX_LENGTH = 5_000
MINUTES_MAX_LENGTH = 20_000


class BoundedTextField(models.TextField):
    """A TextField whose max_length is checked by the model as well as by its form field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is None:
            raise TypeError("A BoundedTextField needs a max_length.")
        self.validators.append(MaxLengthValidator(self.max_length))
