# Codes are derived from their challenge's id (accounts.otp_codes) instead of stored as a
# keyed hash; challenges open at the deploy (5 minutes' worth) name no live key and are
# refused. Every email goes through the outbox.

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_otp_challenge_source'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='otpchallenge',
            name='code_hash',
        ),
        migrations.AddField(
            model_name='otpchallenge',
            name='code_key_version',
            field=models.CharField(default='retired', max_length=16),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='otpchallenge',
            name='delivered_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name='OutboxEmail',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('to', models.EmailField(max_length=254)),
                ('subject', models.CharField(max_length=200)),
                ('template', models.CharField(max_length=100)),
                ('context', models.JSONField(blank=True, default=dict)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('expires_at', models.DateTimeField(blank=True, null=True)),
                ('status', models.CharField(choices=[('pending', 'Waiting to be sent'), ('sent', 'Sent'), ('expired', 'Not sent: its code expired or was replaced first'), ('failed', 'Not sent: refused by the provider, or too old to try again')], default='pending', max_length=16)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('claimed_until', models.DateTimeField(blank=True, null=True)),
                ('sent_at', models.DateTimeField(blank=True, null=True)),
                ('provider_message_id', models.CharField(blank=True, max_length=100)),
                ('last_error', models.CharField(blank=True, max_length=64)),
                ('otp_challenge', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='emails', to='accounts.otpchallenge')),
            ],
            options={
                'indexes': [models.Index(fields=['status', 'created_at'], name='accounts_ou_status_255c52_idx')],
            },
        ),
    ]
