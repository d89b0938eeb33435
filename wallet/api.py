"""Wallet endpoints: balance, ledger, charging a priced action, vouchers, system grants."""

from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import student_of
from config.errors import VoucherNotFound
from config.pagination import NewestFirstCursorPagination
from config.ratelimit import (
    rate_limit_check,
    rate_limit_count,
    source_limit_check,
    source_limit_count,
)
from config.serializers import StrictSerializer
from config.system_signature import SystemSignatureAuthentication, system_caller
from wallet.idempotency import idempotency_key_parameter, idempotent, student_caller
from wallet.models import LedgerEntry
from wallet.selectors import ledger_entries, wallet_balance
from wallet.services import (
    voucher_redeem,
    wallet_deduct_action,
    wallet_open,
    wallet_system_grant,
    wallet_system_reverse,
    wallet_welcome_settle,
)

IDEMPOTENCY_KEY = idempotency_key_parameter(
    "Unique per intended charge (8-200 of letters, digits, . _ : -); "
    "a retry with the same key and body replays the first response."
)


class LedgerEntryOutput(serializers.ModelSerializer):
    class Meta:
        model = LedgerEntry
        fields = ["id", "amount", "balance_after", "kind", "reference", "created_at"]


class BalanceOutput(serializers.Serializer):
    balance = serializers.IntegerField()


class BalanceView(APIView):
    @extend_schema(operation_id="wallet_balance", responses=BalanceOutput)
    def get(self, request: Request) -> Response:
        balance = wallet_balance(user_id=student_of(request).pk)
        return Response(BalanceOutput({"balance": balance}).data)


class TransactionsView(ListAPIView):
    serializer_class = LedgerEntryOutput
    pagination_class = NewestFirstCursorPagination

    @extend_schema(
        operation_id="wallet_transactions",
        parameters=[OpenApiParameter("kind", str, enum=LedgerEntry.Kind.values)],
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[LedgerEntry]:
        kind = self.request.query_params.get("kind") or None
        if kind is not None and kind not in LedgerEntry.Kind.values:
            raise serializers.ValidationError({"kind": ["Unknown ledger entry kind."]})
        return ledger_entries(user_id=student_of(self.request).pk, kind=kind)


class DeductInput(StrictSerializer):
    action = serializers.SlugField(max_length=64)
    reference = serializers.CharField(max_length=120)


class DeductOutput(serializers.Serializer):
    entry = LedgerEntryOutput()
    balance = serializers.IntegerField()


_DATETIME = serializers.DateTimeField()


def charge_output(entry: LedgerEntry) -> dict:
    """DeductOutput's body, built directly: on the charge's hot path a serializer costs
    twenty times more (the schema test holds the two together)."""
    return {
        "entry": {
            "id": entry.pk,
            "amount": entry.amount,
            "balance_after": entry.balance_after,
            "kind": entry.kind,
            "reference": entry.reference,
            "created_at": _DATETIME.to_representation(entry.created_at),
        },
        "balance": entry.balance_after,
    }


class DeductView(APIView):
    def initial(self, request: Request, *args: object, **kwargs: object) -> None:
        super().initial(request, *args, **kwargs)
        # Welcome credits are granted before, and apart from, the charge's transaction.
        wallet_welcome_settle(user=student_of(request))

    @extend_schema(
        operation_id="wallet_deduct",
        request=DeductInput,
        responses={200: DeductOutput},
        parameters=[IDEMPOTENCY_KEY],
    )
    @idempotent(student_caller)
    def post(self, request: Request) -> Response:
        data = DeductInput(data=request.data)
        data.is_valid(raise_exception=True)
        entry = wallet_deduct_action(
            user=student_of(request),
            action=data.validated_data["action"],
            reference=data.validated_data["reference"],
            idempotency_key=request.headers["Idempotency-Key"],
        )
        return Response(charge_output(entry))


class StrictIntegerField(serializers.IntegerField):
    """An integer in the JSON: "10", 10.0 and true are refused, not coerced."""

    def to_internal_value(self, data: object) -> int:
        if not isinstance(data, int) or isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


class SystemAddInput(StrictSerializer):
    student_email = serializers.EmailField()
    credits = StrictIntegerField(min_value=1, max_value=settings.WALLET_SYSTEM_MAX_CREDITS)
    reason = serializers.CharField(max_length=200)


class SystemAddView(APIView):
    """POST /api/wallet/add: only for our own systems, signed; never a student session."""

    authentication_classes = [SystemSignatureAuthentication]
    permission_classes = [IsAuthenticated]
    change = staticmethod(wallet_system_grant)

    @extend_schema(
        operation_id="wallet_system_add",
        request=SystemAddInput,
        responses={200: DeductOutput},
        parameters=[IDEMPOTENCY_KEY],
    )
    @idempotent(system_caller)
    def post(self, request: Request) -> Response:
        data = SystemAddInput(data=request.data)
        data.is_valid(raise_exception=True)
        entry = self.change(
            **data.validated_data, idempotency_key=request.headers["Idempotency-Key"]
        )
        return Response(charge_output(entry))


class SystemReverseView(SystemAddView):
    """POST /api/wallet/reverse: our own systems take credits back (signed, never below 0)."""

    change = staticmethod(wallet_system_reverse)

    @extend_schema(
        operation_id="wallet_system_reverse",
        request=SystemAddInput,
        responses={200: DeductOutput},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


class VoucherRedeemInput(StrictSerializer):
    code = serializers.CharField(min_length=3, max_length=64)


class VoucherRedeemOutput(serializers.Serializer):
    code = serializers.CharField()
    credits = serializers.IntegerField()
    balance = serializers.IntegerField()


class VoucherRedeemView(APIView):
    @extend_schema(
        operation_id="wallet_voucher_redeem",
        request=VoucherRedeemInput,
        responses={200: VoucherRedeemOutput},
    )
    def post(self, request: Request) -> Response:
        # Unknown codes count per student and per source (a classroom redeeming one real
        # code meets neither): guessing is slow, and spends little of Guru's key quota.
        student = student_of(request)
        unknown_by_student = {
            "group": "voucher-unknown:student",
            "key": str(student.pk),
            "rate": settings.VOUCHER_UNKNOWN_RATE_PER_STUDENT,
        }
        unknown_by_source = {
            "group": "voucher-unknown",
            "rate": settings.VOUCHER_UNKNOWN_RATE_PER_SOURCE,
        }
        rate_limit_check(request, **unknown_by_student)
        source_limit_check(request, **unknown_by_source)
        data = VoucherRedeemInput(data=request.data)
        data.is_valid(raise_exception=True)
        wallet_open(user=student)
        try:
            redemption = voucher_redeem(user=student, code=data.validated_data["code"])
        except VoucherNotFound:
            rate_limit_count(request, **unknown_by_student)
            source_limit_count(request, **unknown_by_source)
            raise
        return Response(
            VoucherRedeemOutput(
                {
                    "code": redemption.code,
                    "credits": redemption.credits,
                    "balance": redemption.ledger_entry.balance_after,
                }
            ).data
        )
