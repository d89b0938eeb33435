"""Guru's content version: one row every write bumps (the student side's freshness)."""

from django.db import migrations, models


def create_version_row(apps, schema_editor):
    apps.get_model("guru", "ContentVersion").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("guru", "0009_lab_patterns_checked_for_re2")]

    operations = [
        migrations.CreateModel(
            name="ContentVersion",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(
                        default=1, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("version", models.BigIntegerField(default=1)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="content_version_singleton"
                    )
                ]
            },
        ),
        migrations.RunPython(create_version_row, migrations.RunPython.noop),
    ]
