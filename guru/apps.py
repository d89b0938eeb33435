from django.apps import AppConfig


class GuruConfig(AppConfig):
    name = "guru"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from guru.services.audit import ENTITY_TYPES

        # Field-level history beside admin_audit_logs; the actor comes from admin_write.
        for model in ENTITY_TYPES:
            many_to_many = {field.name for field in model._meta.many_to_many}
            auditlog.register(model, m2m_fields=many_to_many)
