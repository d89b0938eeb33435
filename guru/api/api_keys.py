"""Admin API for Guru public API keys: issue (the key is shown once), list, revoke."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from config.serializers import StrictSerializer
from guru.api.common import parse_body
from guru.api.viewsets import AdminEntityViewSet, ListMixin, path_id
from guru.models import ApiKey
from guru.selectors.api_keys import api_key_get, api_key_list
from guru.services.api_keys import api_key_issue, api_key_revoke


class ApiKeyOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiKey
        fields = [
            "id",
            "name",
            "prefix",
            "scopes",
            "expires_at",
            "revoked_at",
            "last_used_at",
            "created_at",
        ]


class IssuedApiKeyOutputSerializer(ApiKeyOutputSerializer):
    key = serializers.CharField(help_text="The whole key. Shown once: store it now.")

    class Meta(ApiKeyOutputSerializer.Meta):
        fields = [*ApiKeyOutputSerializer.Meta.fields, "key"]


class ApiKeyIssueSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ApiKey.Scope.choices),
        min_length=1,
        max_length=len(ApiKey.Scope.choices),
    )
    expires_at = serializers.DateTimeField(required=False, allow_null=True)

    class Meta:
        ref_name = "ApiKeyCreate"


class ApiKeyViewSet(ListMixin, AdminEntityViewSet[ApiKey]):
    entity = "api_key"
    model = ApiKey
    lookup_url_kwarg = "key_id"
    output_serializer = ApiKeyOutputSerializer
    list_selector = api_key_list
    get_selector = api_key_get

    @extend_schema(
        operation_id="admin_api_key_issue",
        request=ApiKeyIssueSerializer,
        responses={201: IssuedApiKeyOutputSerializer},
    )
    def create(self, request: Request) -> Response:
        fields = parse_body(ApiKeyIssueSerializer, request)
        issued = api_key_issue(actor=self.actor(), **fields)
        return Response(self.output(issued.api_key) | {"key": issued.plain_key}, status=201)

    @extend_schema(
        operation_id="admin_api_key_revoke",
        parameters=path_id("key_id"),
        request=None,
        responses=ApiKeyOutputSerializer,
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, key_id: int) -> Response:
        return Response(self.output(api_key_revoke(actor=self.actor(), api_key=self.get_object())))
