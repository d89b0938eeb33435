"""Idempotency records are now written with their request's effect, completed: earlier
in-flight rows (transient, kept 24 h) are dropped before the columns they used go."""

from django.db import migrations, models


def drop_incomplete_records(apps, schema_editor):
    apps.get_model("wallet", "IdempotencyRecord").objects.filter(
        response_status__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("wallet", "0004_vouchers")]

    operations = [
        migrations.RunPython(drop_incomplete_records, migrations.RunPython.noop),
        migrations.RemoveField(model_name="idempotencyrecord", name="state"),
        migrations.RemoveField(model_name="idempotencyrecord", name="completed_at"),
        migrations.AlterField(
            model_name="idempotencyrecord",
            name="response_status",
            field=models.PositiveSmallIntegerField(),
        ),
        migrations.AlterField(
            model_name="idempotencyrecord",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True),
        ),
    ]
