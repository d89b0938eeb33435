"""An admin session holds the credentials version it was opened under instead of a password
fingerprint: email, role and activity changes end it too. Sessions open at this migration
end (they hold version 0), so every admin signs in once more."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_user_credentials_version"),
        ("guru", "0007_audit_wallet_reversals"),
    ]

    operations = [
        migrations.RemoveField(model_name="adminsession", name="password_fingerprint"),
        migrations.AddField(
            model_name="adminsession",
            name="credentials_version",
            field=models.PositiveIntegerField(default=0),
            preserve_default=False,
        ),
    ]
