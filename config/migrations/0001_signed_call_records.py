from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="SignedCallRecord",
            fields=[
                (
                    "signature",
                    models.CharField(max_length=64, primary_key=True, serialize=False),
                ),
                ("key_id", models.CharField(max_length=64)),
                ("expires_at", models.DateTimeField(db_index=True)),
            ],
        ),
    ]
