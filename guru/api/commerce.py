"""Admin API for what things cost (action prices, credit packs, plans, vouchers) and for the
platform settings."""

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from config.priced_actions import CHARGED_AT
from guru.admin_base import AdminAPIView
from guru.api.common import CONFLICT, AdminModelSerializer, parse_body
from guru.api.viewsets import AdminCrudViewSet
from guru.models import ActionPrice, CreditPack, Plan, PlatformSettings, Voucher
from guru.selectors.commerce import (
    action_price_get,
    action_price_list,
    credit_pack_get,
    credit_pack_list,
    plan_get,
    plan_list,
    platform_settings_get,
    voucher_get,
    voucher_list,
)
from guru.services.audit import AuditActor
from guru.services.commerce import platform_settings_update


class ActionPriceOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionPrice
        fields = ["id", "action", "credits", "is_chargeable", "description", "updated_at"]


class ActionPriceFieldsSerializer(AdminModelSerializer):
    class Meta(AdminModelSerializer.Meta):
        model = ActionPrice
        fields = ["action", "credits", "is_chargeable", "description"]
        extra_kwargs = {
            "action": {
                "help_text": "The student action priced: only actions the student side charges "
                "are accepted. Where each is charged: "
                + "; ".join(f"`{action}`: {where}" for action, where in CHARGED_AT.items())
                + "."
            }
        }


class CreditPackOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = CreditPack
        fields = ["id", "name", "credits", "price_paise", "is_active", "updated_at"]


class CreditPackFieldsSerializer(AdminModelSerializer):
    class Meta(AdminModelSerializer.Meta):
        model = CreditPack
        fields = ["name", "credits", "price_paise", "is_active"]


class PlanOutputSerializer(serializers.ModelSerializer):
    features = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Plan
        fields = ["id", "name", "price_paise", "period", "features", "is_active", "updated_at"]


class PlanFieldsSerializer(AdminModelSerializer):
    features = serializers.ListField(child=serializers.CharField(max_length=500), required=False)

    class Meta(AdminModelSerializer.Meta):
        model = Plan
        fields = ["name", "price_paise", "period", "features", "is_active"]


class VoucherOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Voucher
        fields = [
            "id",
            "code",
            "credits",
            "valid_from",
            "valid_until",
            "max_redemptions",
            "is_active",
            "updated_at",
        ]


class VoucherFieldsSerializer(AdminModelSerializer):
    class Meta(AdminModelSerializer.Meta):
        model = Voucher
        fields = ["code", "credits", "valid_from", "valid_until", "max_redemptions", "is_active"]


class ActionPriceViewSet(AdminCrudViewSet[ActionPrice]):
    entity = "action_price"
    model = ActionPrice
    lookup_url_kwarg = "price_id"
    output_serializer = ActionPriceOutputSerializer
    fields_serializer = ActionPriceFieldsSerializer
    list_selector = action_price_list
    get_selector = action_price_get


class CreditPackViewSet(AdminCrudViewSet[CreditPack]):
    entity = "credit_pack"
    model = CreditPack
    lookup_url_kwarg = "pack_id"
    output_serializer = CreditPackOutputSerializer
    fields_serializer = CreditPackFieldsSerializer
    list_selector = credit_pack_list
    get_selector = credit_pack_get


class PlanViewSet(AdminCrudViewSet[Plan]):
    entity = "plan"
    model = Plan
    lookup_url_kwarg = "plan_id"
    output_serializer = PlanOutputSerializer
    fields_serializer = PlanFieldsSerializer
    list_selector = plan_list
    get_selector = plan_get


class VoucherViewSet(AdminCrudViewSet[Voucher]):
    entity = "voucher"
    model = Voucher
    lookup_url_kwarg = "voucher_id"
    output_serializer = VoucherOutputSerializer
    fields_serializer = VoucherFieldsSerializer
    list_selector = voucher_list
    get_selector = voucher_get
    descriptions = {"create": "Codes are stored upper-case and are unique regardless of case."}


class PlatformSettingsOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlatformSettings
        fields = [
            "welcome_credits",
            "tutor_enabled",
            "tutor_daily_question_cap",
            "tutor_model",
            "tutor_max_question_length",
            "updated_at",
        ]


class PlatformSettingsApi(AdminAPIView):
    @extend_schema_serializer(component_name="PlatformSettingsUpdate")
    class InputSerializer(AdminModelSerializer):
        class Meta(AdminModelSerializer.Meta):
            model = PlatformSettings
            fields = [
                "welcome_credits",
                "tutor_enabled",
                "tutor_daily_question_cap",
                "tutor_model",
                "tutor_max_question_length",
            ]

    @extend_schema(operation_id="admin_settings_get", responses=PlatformSettingsOutputSerializer)
    def get(self, request: Request) -> Response:
        return Response(PlatformSettingsOutputSerializer(platform_settings_get()).data)

    @extend_schema(
        operation_id="admin_settings_update",
        request=InputSerializer,
        responses={200: PlatformSettingsOutputSerializer, **CONFLICT},
    )
    def put(self, request: Request) -> Response:
        fields = parse_body(self.InputSerializer, request, instance=platform_settings_get())
        platform_settings = platform_settings_update(
            actor=AuditActor.from_request(request), fields=fields
        )
        return Response(PlatformSettingsOutputSerializer(platform_settings).data)
