from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from learning.models import Certificate

        # A certificate's history (issue, revocation and who revoked it) in auditlog's log.
        auditlog.register(Certificate)
