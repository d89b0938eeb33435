from django.apps import AppConfig


class MithraConfig(AppConfig):
    name = "mithra"
    default_auto_field = "django.db.models.BigAutoField"
