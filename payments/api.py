"""Payment endpoints (/api/payments/: orders, checkout verification, the Razorpay webhook)
and the student's plan (/api/user/subscription, /api/user/features)."""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsStudent, student_of
from config.openapi import ErrorSerializer
from config.ratelimit import rate_limit
from config.serializers import StrictSerializer
from payments import selectors, services
from payments.models import Order

BRAND_NAME = "OurShiksha"
# Statuses beyond the shared ones (config.openapi): a conflict with the order's state or a
# busy wallet (409), Razorpay not answering (502).
PAYMENT_ERRORS = {409: ErrorSerializer, 502: ErrorSerializer}


class OrderOutput(serializers.ModelSerializer):
    class Meta:
        ref_name = "PaymentOrder"
        model = Order
        fields = [
            "id",
            "product",
            "item_id",
            "item_name",
            "credits",
            "period_days",
            "amount_paise",
            "currency",
            "status",
            "razorpay_order_id",
            "refunded_paise",
            "created_at",
            "paid_at",
        ]
        read_only_fields = fields


class CheckoutOutput(serializers.Serializer):
    """Razorpay Checkout's options, ready to pass to it."""

    class Meta:
        ref_name = "PaymentCheckout"

    key = serializers.CharField(help_text="Razorpay key id.")
    order_id = serializers.CharField(help_text="Razorpay order id.")
    amount = serializers.IntegerField(help_text="In paise.")
    currency = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    prefill = serializers.DictField(child=serializers.CharField())


class OrderCreateView(APIView):
    permission_classes = [IsStudent]

    class InputSerializer(StrictSerializer):
        class Meta:
            ref_name = "PaymentOrderCreateInput"

        pack_id = serializers.IntegerField(min_value=1, required=False)
        plan_id = serializers.IntegerField(min_value=1, required=False)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            # The client names what it buys; Guru says what it costs (DESIGN 3.2).
            unknown = set(self.initial_data) - {"pack_id", "plan_id"}
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Not accepted: prices come from Guru."] for name in sorted(unknown)}
                )
            if ("pack_id" in attrs) == ("plan_id" in attrs):
                raise serializers.ValidationError("Send exactly one of pack_id and plan_id.")
            return attrs

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "PaymentOrderCreated"

        order = OrderOutput()
        checkout = CheckoutOutput()

    @extend_schema(
        operation_id="payments_create_order",
        request=InputSerializer,
        responses={201: OutputSerializer, **PAYMENT_ERRORS},
    )
    def post(self, request: Request) -> Response:
        student = student_of(request)
        rate_limit(
            request,
            group="payments:order",
            key=str(student.pk),
            rate=settings.PAYMENT_ORDER_RATE,
        )
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.order_create(user=student, **data.validated_data)
        checkout = {
            "key": settings.RAZORPAY_KEY_ID,
            "order_id": order.razorpay_order_id,
            "amount": order.amount_paise,
            "currency": order.currency,
            "name": BRAND_NAME,
            "description": order.item_name,
            "prefill": {"email": student.email},
        }
        return Response(
            self.OutputSerializer({"order": order, "checkout": checkout}).data, status=201
        )


class OrderListView(ListAPIView):
    permission_classes = [IsStudent]
    serializer_class = OrderOutput

    @extend_schema(operation_id="payments_orders")
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Order]:
        return selectors.order_list(user=student_of(self.request))


class VerifyView(APIView):
    permission_classes = [IsStudent]

    class InputSerializer(StrictSerializer):
        class Meta:
            ref_name = "PaymentVerifyInput"

        razorpay_order_id = serializers.RegexField(r"^order_[A-Za-z0-9]{1,40}$")
        razorpay_payment_id = serializers.RegexField(r"^pay_[A-Za-z0-9]{1,40}$")
        razorpay_signature = serializers.RegexField(r"^[0-9a-f]{64}$")

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "PaymentVerified"

        order = OrderOutput()

    @extend_schema(
        operation_id="payments_verify",
        request=InputSerializer,
        responses={200: OutputSerializer, **PAYMENT_ERRORS},
    )
    def post(self, request: Request) -> Response:
        student = student_of(request)
        rate_limit(
            request,
            group="payments:verify",
            key=str(student.pk),
            rate=settings.PAYMENT_VERIFY_RATE,
        )
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.payment_verify(user=student, **data.validated_data)
        return Response(self.OutputSerializer({"order": order}).data)


class WebhookView(APIView):
    """Razorpay's webhook: no session and no CSRF; the signature over the raw body is the
    authentication."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "PaymentWebhookReceived"

        event_id = serializers.CharField()
        outcome = serializers.CharField(help_text="How the event was handled; empty while pending.")

    @extend_schema(
        operation_id="payments_webhook",
        description="Razorpay's event notifications (its event format). The body is verified "
        "byte for byte against X-Razorpay-Signature (HMAC-SHA256 under the webhook secret) "
        "before anything is read: 400 invalid_signature otherwise, 400 invalid_payload for a "
        "signed body that is not an event. An event id seen before changes nothing again.",
        request={"application/json": OpenApiTypes.OBJECT},
        parameters=[
            OpenApiParameter(
                "X-Razorpay-Signature",
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="Hex HMAC-SHA256 of the raw body under the webhook secret.",
            ),
            OpenApiParameter(
                "X-Razorpay-Event-Id",
                str,
                OpenApiParameter.HEADER,
                description="Razorpay's id of the event: one event is handled once.",
            ),
        ],
        responses={200: OutputSerializer},
    )
    def post(self, request: Request) -> Response:
        event = services.webhook_receive(
            body=request.body,
            signature=request.headers.get("X-Razorpay-Signature", ""),
            event_id=request.headers.get("X-Razorpay-Event-Id", ""),
        )
        return Response(
            self.OutputSerializer({"event_id": event.event_id, "outcome": event.outcome}).data
        )


class PlanOutput(serializers.Serializer):
    class Meta:
        ref_name = "SubscriptionPlan"

    id = serializers.IntegerField()
    name = serializers.CharField()
    price_paise = serializers.IntegerField(allow_null=True)
    currency = serializers.CharField(allow_null=True)
    period_days = serializers.IntegerField(allow_null=True)
    features = serializers.DictField()


class CreditPackOutput(serializers.Serializer):
    class Meta:
        ref_name = "CreditPackForSale"

    id = serializers.IntegerField()
    name = serializers.CharField()
    credits = serializers.IntegerField()
    price_paise = serializers.IntegerField()
    currency = serializers.CharField()


class PlanForSaleOutput(serializers.Serializer):
    class Meta:
        ref_name = "PlanForSale"

    id = serializers.IntegerField()
    name = serializers.CharField()
    price_paise = serializers.IntegerField()
    currency = serializers.CharField()
    period = serializers.CharField(help_text="monthly, quarterly or yearly")
    period_days = serializers.IntegerField()
    features = serializers.DictField(child=serializers.BooleanField())


class PacksView(APIView):
    """What a student can buy: Guru's active credit packs and plans (create-order names one)."""

    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "OffersForSale"

        credit_packs = CreditPackOutput(many=True)
        plans = PlanForSaleOutput(many=True)

    @extend_schema(operation_id="payments_packs", responses={200: OutputSerializer})
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(selectors.offers_for_sale()).data)


class SubscriptionView(APIView):
    permission_classes = [IsStudent]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "StudentSubscription"

        status = serializers.ChoiceField(choices=["active", "expired", "none"])
        plan = PlanOutput(allow_null=True)
        started_at = serializers.DateTimeField(allow_null=True)
        current_period_end = serializers.DateTimeField(allow_null=True)

    @extend_schema(operation_id="user_subscription", responses={200: OutputSerializer})
    def get(self, request: Request) -> Response:
        return Response(
            self.OutputSerializer(selectors.subscription_summary(user=student_of(request))).data
        )


class FeaturesView(APIView):
    permission_classes = [IsStudent]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "StudentFeatures"

        plan_id = serializers.IntegerField(allow_null=True)
        features = serializers.DictField(
            help_text="What the active plan unlocks (feature -> value); defaults without one."
        )

    @extend_schema(operation_id="user_features", responses={200: OutputSerializer})
    def get(self, request: Request) -> Response:
        student = student_of(request)
        subscription = selectors.subscription_active(user=student)
        return Response(
            self.OutputSerializer(
                {
                    "plan_id": subscription.plan_id if subscription else None,
                    "features": selectors.student_features(user=student),
                }
            ).data
        )
