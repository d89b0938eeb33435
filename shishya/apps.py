from django.apps import AppConfig


class ShishyaConfig(AppConfig):
    name = "shishya"
    default_auto_field = "django.db.models.BigAutoField"
