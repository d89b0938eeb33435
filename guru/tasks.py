"""Guru's background work: the admin sign-in code, created and emailed after the answer."""

import uuid

from celery import shared_task

from guru.services.admin_auth import admin_login_code_send


@shared_task(name="guru.admin_login_code_send")
def admin_login_code_send_task(challenge_id: str, admin_id: int | None) -> bool:
    return admin_login_code_send(challenge_id=uuid.UUID(challenge_id), admin_id=admin_id)
