"""Prices only for the actions the student side charges (config.priced_actions): a price for
test_attempt or project_submission charged nothing, so it goes, and the student side's copies
are dropped through the content version."""

from django.db import migrations, models
from django.db.models import F

CHARGED = ("tutor_question", "lab_run", "certificate_issue")


def drop_uncharged_prices(apps, schema_editor):
    removed, _ = apps.get_model("guru", "ActionPrice").objects.exclude(action__in=CHARGED).delete()
    if removed:
        apps.get_model("guru", "ContentVersion").objects.filter(pk=1).update(
            version=F("version") + 1
        )


class Migration(migrations.Migration):
    dependencies = [("guru", "0010_content_version")]

    operations = [
        migrations.RunPython(drop_uncharged_prices, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="actionprice",
            name="action",
            field=models.CharField(
                choices=[
                    ("tutor_question", "A question to the AI tutor"),
                    ("lab_run", "Running lab code"),
                    ("certificate_issue", "Issuing a certificate"),
                ],
                max_length=32,
                unique=True,
            ),
        ),
    ]
