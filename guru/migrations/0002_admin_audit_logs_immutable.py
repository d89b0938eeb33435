"""A PostgreSQL trigger rejects UPDATE and DELETE on admin_audit_logs, whoever connects."""

from django.db import migrations


class PostgresRunSQL(migrations.RunSQL):
    """SQLite (development only) has no plpgsql; the model refuses changes there."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("guru", "0001_initial")]

    operations = [
        PostgresRunSQL(
            sql="""
                CREATE FUNCTION admin_audit_logs_immutable() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'admin_audit_logs rows are immutable (% refused)', TG_OP
                        USING ERRCODE = 'insufficient_privilege';
                END;
                $$;
                CREATE TRIGGER admin_audit_logs_no_update_or_delete
                    BEFORE UPDATE OR DELETE ON admin_audit_logs
                    FOR EACH ROW EXECUTE FUNCTION admin_audit_logs_immutable();
            """,
            reverse_sql="""
                DROP TRIGGER admin_audit_logs_no_update_or_delete ON admin_audit_logs;
                DROP FUNCTION admin_audit_logs_immutable();
            """,
        ),
    ]
