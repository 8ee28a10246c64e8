"""The notification choice is a cadence (each mail, daily, weekly, none): the column says so.
"Delivery" is left to the meetings app's record of one mail to one participant."""

from django.db import migrations, models

CADENCES = [
    ("immediate", "Each mail as it happens"),
    ("daily", "A daily digest"),
    ("weekly", "A weekly digest (Mondays)"),
    ("none", "No mails"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0006_remindersent_without_claim"),
    ]

    operations = [
        migrations.RenameField(
            model_name="historicalnotificationpreference", old_name="delivery", new_name="cadence"
        ),
        migrations.RenameField(
            model_name="notificationpreference", old_name="delivery", new_name="cadence"
        ),
        migrations.AlterField(
            model_name="historicalnotificationpreference",
            name="cadence",
            field=models.CharField(
                choices=CADENCES, default="immediate", max_length=10, verbose_name="cadence"
            ),
        ),
        migrations.AlterField(
            model_name="notificationpreference",
            name="cadence",
            field=models.CharField(
                choices=CADENCES, default="immediate", max_length=10, verbose_name="cadence"
            ),
        ),
    ]
