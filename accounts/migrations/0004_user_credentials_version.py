"""Every user gets a credentials version; on PostgreSQL a trigger bumps it whenever a
credential column changes and the writer did not bump it itself (queryset updates, SQL)."""

from django.db import migrations, models

CREATE = """
CREATE OR REPLACE FUNCTION accounts_user_credentials_version() RETURNS trigger AS $$
BEGIN
    IF NEW.credentials_version = OLD.credentials_version AND (
        NEW.email IS DISTINCT FROM OLD.email
        OR NEW.password IS DISTINCT FROM OLD.password
        OR NEW.role IS DISTINCT FROM OLD.role
        OR NEW.is_active IS DISTINCT FROM OLD.is_active
    ) THEN
        NEW.credentials_version := OLD.credentials_version + 1;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_user_credentials_version
    BEFORE UPDATE ON accounts_user
    FOR EACH ROW EXECUTE FUNCTION accounts_user_credentials_version();
"""
DROP = """
DROP TRIGGER IF EXISTS accounts_user_credentials_version ON accounts_user;
DROP FUNCTION IF EXISTS accounts_user_credentials_version();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_otp_challenge_pending_name")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="credentials_version",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
