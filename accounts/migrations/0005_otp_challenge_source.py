from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_user_credentials_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="otpchallenge",
            name="source",
            field=models.CharField(blank=True, default="", max_length=80),
        ),
    ]
