"""On PostgreSQL the database itself refuses to change or remove a ledger row."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION wallet_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'wallet_ledgerentry is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER wallet_ledger_append_only
    BEFORE UPDATE OR DELETE ON wallet_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION wallet_ledger_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS wallet_ledger_append_only ON wallet_ledgerentry;
DROP FUNCTION IF EXISTS wallet_ledger_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("wallet", "0001_ledger")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
