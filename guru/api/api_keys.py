"""Admin API for Guru public API keys: issue (the key is shown once), list, revoke."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from config.pagination import PagePagination
from config.serializers import StrictSerializer
from guru.admin_base import AdminAPIView
from guru.api.common import paginated_response, parse_body
from guru.models import ApiKey
from guru.selectors import api_key_get, api_key_list
from guru.services.api_keys import api_key_issue, api_key_revoke
from guru.services.audit import AuditActor


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


class ApiKeyCollectionApi(AdminAPIView):
    pagination_class = PagePagination

    class InputSerializer(StrictSerializer):
        name = serializers.CharField(max_length=100)
        scopes = serializers.ListField(
            child=serializers.ChoiceField(choices=ApiKey.Scope.choices),
            min_length=1,
            max_length=len(ApiKey.Scope.choices),
        )
        expires_at = serializers.DateTimeField(required=False, allow_null=True)

        class Meta:
            ref_name = "ApiKeyCreate"

    @extend_schema(operation_id="admin_api_key_list", responses=ApiKeyOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return paginated_response(
            view=self,
            request=request,
            queryset=api_key_list(),
            serializer_class=ApiKeyOutputSerializer,
        )

    @extend_schema(
        operation_id="admin_api_key_issue",
        request=InputSerializer,
        responses={201: IssuedApiKeyOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        fields = parse_body(self.InputSerializer, request)
        issued = api_key_issue(actor=AuditActor.from_request(request), **fields)
        body = ApiKeyOutputSerializer(issued.api_key).data | {"key": issued.plain_key}
        return Response(body, status=201)


class ApiKeyRevokeApi(AdminAPIView):
    @extend_schema(
        operation_id="admin_api_key_revoke", request=None, responses=ApiKeyOutputSerializer
    )
    def post(self, request: Request, key_id: int) -> Response:
        revoked = api_key_revoke(
            actor=AuditActor.from_request(request), api_key=api_key_get(key_id=key_id)
        )
        return Response(ApiKeyOutputSerializer(revoked).data)
