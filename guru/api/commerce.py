"""Admin API for what things cost (action prices, credit packs, plans, vouchers) and for the
platform settings."""

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from config.pagination import PagePagination
from config.priced_actions import CHARGED_AT
from guru.admin_base import AdminAPIView
from guru.api.common import CONFLICT, AdminModelSerializer, paginated_response, parse_body
from guru.models import ActionPrice, CreditPack, Plan, PlatformSettings, Voucher
from guru.selectors import (
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
from guru.services.commerce import (
    action_price_create,
    action_price_delete,
    action_price_update,
    credit_pack_create,
    credit_pack_delete,
    credit_pack_update,
    plan_create,
    plan_delete,
    plan_update,
    platform_settings_update,
    voucher_create,
    voucher_delete,
    voucher_update,
)


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


class ActionPriceCollectionApi(AdminAPIView):
    pagination_class = PagePagination

    @extend_schema_serializer(component_name="ActionPriceCreate")
    class InputSerializer(ActionPriceFieldsSerializer):
        pass

    @extend_schema(
        operation_id="admin_action_price_list", responses=ActionPriceOutputSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        return paginated_response(
            view=self,
            request=request,
            queryset=action_price_list(),
            serializer_class=ActionPriceOutputSerializer,
        )

    @extend_schema(
        operation_id="admin_action_price_create",
        request=InputSerializer,
        responses={201: ActionPriceOutputSerializer, **CONFLICT},
    )
    def post(self, request: Request) -> Response:
        fields = parse_body(self.InputSerializer, request)
        price = action_price_create(actor=AuditActor.from_request(request), fields=fields)
        return Response(ActionPriceOutputSerializer(price).data, status=201)


class ActionPriceItemApi(AdminAPIView):
    @extend_schema_serializer(component_name="ActionPriceUpdate")
    class InputSerializer(ActionPriceFieldsSerializer):
        pass

    @extend_schema(operation_id="admin_action_price_get", responses=ActionPriceOutputSerializer)
    def get(self, request: Request, price_id: int) -> Response:
        return Response(ActionPriceOutputSerializer(action_price_get(price_id=price_id)).data)

    @extend_schema(
        operation_id="admin_action_price_update",
        request=InputSerializer,
        responses={200: ActionPriceOutputSerializer, **CONFLICT},
    )
    def put(self, request: Request, price_id: int) -> Response:
        price = action_price_get(price_id=price_id)
        fields = parse_body(self.InputSerializer, request, instance=price)
        price = action_price_update(
            actor=AuditActor.from_request(request), price=price, fields=fields
        )
        return Response(ActionPriceOutputSerializer(price).data)

    @extend_schema(operation_id="admin_action_price_delete", responses={204: None, **CONFLICT})
    def delete(self, request: Request, price_id: int) -> Response:
        price = action_price_get(price_id=price_id)
        action_price_delete(actor=AuditActor.from_request(request), price=price)
        return Response(status=204)


class CreditPackOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = CreditPack
        fields = ["id", "name", "credits", "price_paise", "is_active", "updated_at"]


class CreditPackFieldsSerializer(AdminModelSerializer):
    class Meta(AdminModelSerializer.Meta):
        model = CreditPack
        fields = ["name", "credits", "price_paise", "is_active"]


class CreditPackCollectionApi(AdminAPIView):
    pagination_class = PagePagination

    @extend_schema_serializer(component_name="CreditPackCreate")
    class InputSerializer(CreditPackFieldsSerializer):
        pass

    @extend_schema(
        operation_id="admin_credit_pack_list", responses=CreditPackOutputSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        return paginated_response(
            view=self,
            request=request,
            queryset=credit_pack_list(),
            serializer_class=CreditPackOutputSerializer,
        )

    @extend_schema(
        operation_id="admin_credit_pack_create",
        request=InputSerializer,
        responses={201: CreditPackOutputSerializer, **CONFLICT},
    )
    def post(self, request: Request) -> Response:
        fields = parse_body(self.InputSerializer, request)
        pack = credit_pack_create(actor=AuditActor.from_request(request), fields=fields)
        return Response(CreditPackOutputSerializer(pack).data, status=201)


class CreditPackItemApi(AdminAPIView):
    @extend_schema_serializer(component_name="CreditPackUpdate")
    class InputSerializer(CreditPackFieldsSerializer):
        pass

    @extend_schema(operation_id="admin_credit_pack_get", responses=CreditPackOutputSerializer)
    def get(self, request: Request, pack_id: int) -> Response:
        return Response(CreditPackOutputSerializer(credit_pack_get(pack_id=pack_id)).data)

    @extend_schema(
        operation_id="admin_credit_pack_update",
        request=InputSerializer,
        responses={200: CreditPackOutputSerializer, **CONFLICT},
    )
    def put(self, request: Request, pack_id: int) -> Response:
        pack = credit_pack_get(pack_id=pack_id)
        fields = parse_body(self.InputSerializer, request, instance=pack)
        pack = credit_pack_update(actor=AuditActor.from_request(request), pack=pack, fields=fields)
        return Response(CreditPackOutputSerializer(pack).data)

    @extend_schema(operation_id="admin_credit_pack_delete", responses={204: None, **CONFLICT})
    def delete(self, request: Request, pack_id: int) -> Response:
        pack = credit_pack_get(pack_id=pack_id)
        credit_pack_delete(actor=AuditActor.from_request(request), pack=pack)
        return Response(status=204)


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


class PlanCollectionApi(AdminAPIView):
    pagination_class = PagePagination

    @extend_schema_serializer(component_name="PlanCreate")
    class InputSerializer(PlanFieldsSerializer):
        pass

    @extend_schema(operation_id="admin_plan_list", responses=PlanOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return paginated_response(
            view=self, request=request, queryset=plan_list(), serializer_class=PlanOutputSerializer
        )

    @extend_schema(
        operation_id="admin_plan_create",
        request=InputSerializer,
        responses={201: PlanOutputSerializer, **CONFLICT},
    )
    def post(self, request: Request) -> Response:
        fields = parse_body(self.InputSerializer, request)
        plan = plan_create(actor=AuditActor.from_request(request), fields=fields)
        return Response(PlanOutputSerializer(plan).data, status=201)


class PlanItemApi(AdminAPIView):
    @extend_schema_serializer(component_name="PlanUpdate")
    class InputSerializer(PlanFieldsSerializer):
        pass

    @extend_schema(operation_id="admin_plan_get", responses=PlanOutputSerializer)
    def get(self, request: Request, plan_id: int) -> Response:
        return Response(PlanOutputSerializer(plan_get(plan_id=plan_id)).data)

    @extend_schema(
        operation_id="admin_plan_update",
        request=InputSerializer,
        responses={200: PlanOutputSerializer, **CONFLICT},
    )
    def put(self, request: Request, plan_id: int) -> Response:
        plan = plan_get(plan_id=plan_id)
        fields = parse_body(self.InputSerializer, request, instance=plan)
        plan = plan_update(actor=AuditActor.from_request(request), plan=plan, fields=fields)
        return Response(PlanOutputSerializer(plan).data)

    @extend_schema(operation_id="admin_plan_delete", responses={204: None, **CONFLICT})
    def delete(self, request: Request, plan_id: int) -> Response:
        plan = plan_get(plan_id=plan_id)
        plan_delete(actor=AuditActor.from_request(request), plan=plan)
        return Response(status=204)


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


class VoucherCollectionApi(AdminAPIView):
    pagination_class = PagePagination

    @extend_schema_serializer(component_name="VoucherCreate")
    class InputSerializer(VoucherFieldsSerializer):
        pass

    @extend_schema(operation_id="admin_voucher_list", responses=VoucherOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return paginated_response(
            view=self,
            request=request,
            queryset=voucher_list(),
            serializer_class=VoucherOutputSerializer,
        )

    @extend_schema(
        operation_id="admin_voucher_create",
        description="Codes are stored upper-case and are unique regardless of case.",
        request=InputSerializer,
        responses={201: VoucherOutputSerializer, **CONFLICT},
    )
    def post(self, request: Request) -> Response:
        fields = parse_body(self.InputSerializer, request)
        voucher = voucher_create(actor=AuditActor.from_request(request), fields=fields)
        return Response(VoucherOutputSerializer(voucher).data, status=201)


class VoucherItemApi(AdminAPIView):
    @extend_schema_serializer(component_name="VoucherUpdate")
    class InputSerializer(VoucherFieldsSerializer):
        pass

    @extend_schema(operation_id="admin_voucher_get", responses=VoucherOutputSerializer)
    def get(self, request: Request, voucher_id: int) -> Response:
        return Response(VoucherOutputSerializer(voucher_get(voucher_id=voucher_id)).data)

    @extend_schema(
        operation_id="admin_voucher_update",
        request=InputSerializer,
        responses={200: VoucherOutputSerializer, **CONFLICT},
    )
    def put(self, request: Request, voucher_id: int) -> Response:
        voucher = voucher_get(voucher_id=voucher_id)
        fields = parse_body(self.InputSerializer, request, instance=voucher)
        voucher = voucher_update(
            actor=AuditActor.from_request(request), voucher=voucher, fields=fields
        )
        return Response(VoucherOutputSerializer(voucher).data)

    @extend_schema(operation_id="admin_voucher_delete", responses={204: None, **CONFLICT})
    def delete(self, request: Request, voucher_id: int) -> Response:
        voucher = voucher_get(voucher_id=voucher_id)
        voucher_delete(actor=AuditActor.from_request(request), voucher=voucher)
        return Response(status=204)


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
