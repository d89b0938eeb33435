"""What someone who opens the server's root finds: `/api/` names the docs, the schema, the
health check and the systems this process serves; `/` sends a browser to the docs."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class ApiIndexOutput(serializers.Serializer):
    name = serializers.CharField()
    docs = serializers.CharField(help_text="The interactive API docs (a page).")
    schema = serializers.CharField(help_text="The OpenAPI 3 schema.")
    health = serializers.CharField()
    systems = serializers.ListField(
        child=serializers.ChoiceField(choices=["guru", "shishya"]),
        help_text="The URL sets this process serves (SERVED_SYSTEMS).",
    )


class ApiIndexView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(operation_id="api_index", responses=ApiIndexOutput)
    def get(self, request: Request) -> Response:
        index = {
            "name": settings.SPECTACULAR_SETTINGS["TITLE"],
            "docs": reverse("docs"),
            "schema": reverse("schema"),
            "health": reverse("health"),
            "systems": sorted(settings.SERVED_SYSTEMS),
        }
        return Response(ApiIndexOutput(index).data)
