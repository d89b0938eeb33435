"""The student's marksheet identity: its public verification id, created once."""

from django.db import IntegrityError, transaction

from accounts.models import User
from learning.models import MarksheetIdentity
from learning.verification_ids import MARKSHEET_PREFIX, verification_id_new


def marksheet_identity_get_or_create(*, user: User) -> MarksheetIdentity:
    identity = MarksheetIdentity.objects.filter(user=user).first()
    if identity is not None:
        return identity
    try:
        with transaction.atomic():
            return MarksheetIdentity.objects.create(
                user=user, verification_id=verification_id_new(MARKSHEET_PREFIX)
            )
    except IntegrityError:
        # Created by a concurrent request (or, at 80 bits, practically never, an id taken).
        identity = MarksheetIdentity.objects.filter(user=user).first()
        if identity is not None:
            return identity
        return MarksheetIdentity.objects.create(
            user=user, verification_id=verification_id_new(MARKSHEET_PREFIX)
        )
