"""The one platform settings row, with its defaults."""

from django.db import migrations


def create_settings_row(apps, schema_editor):
    apps.get_model("guru", "PlatformSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("guru", "0002_admin_audit_logs_immutable")]

    operations = [migrations.RunPython(create_settings_row, migrations.RunPython.noop)]
