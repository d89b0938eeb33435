from django.apps import AppConfig


class GuruConfig(AppConfig):
    name = "guru"
    default_auto_field = "django.db.models.BigAutoField"
