"""Student wallet endpoints: balance, ledger, and charging a directly priced action."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.pagination import NewestFirstCursorPagination
from wallet.idempotency import idempotent, student_caller
from wallet.models import LedgerEntry
from wallet.selectors import ledger_entries
from wallet.services import wallet_deduct_action, wallet_open

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="Unique per intended charge (8-200 of letters, digits, . _ : -); "
    "a retry with the same key and body replays the first response.",
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
        wallet = wallet_open(user=request.user)
        return Response(BalanceOutput({"balance": wallet.balance}).data)


class TransactionsView(ListAPIView):
    serializer_class = LedgerEntryOutput
    pagination_class = NewestFirstCursorPagination

    @extend_schema(
        operation_id="wallet_transactions",
        parameters=[OpenApiParameter("kind", str, enum=LedgerEntry.Kind.values)],
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        kind = self.request.query_params.get("kind") or None
        if kind is not None and kind not in LedgerEntry.Kind.values:
            raise serializers.ValidationError({"kind": ["Unknown ledger entry kind."]})
        return ledger_entries(wallet=wallet_open(user=self.request.user), kind=kind)


class DeductInput(serializers.Serializer):
    action = serializers.SlugField(max_length=64)
    reference = serializers.CharField(max_length=120)


class DeductOutput(serializers.Serializer):
    entry = LedgerEntryOutput()
    balance = serializers.IntegerField()


class DeductView(APIView):
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
        wallet_open(user=request.user)
        entry = wallet_deduct_action(
            user=request.user,
            action=data.validated_data["action"],
            reference=data.validated_data["reference"],
            idempotency_key=request.headers["Idempotency-Key"],
        )
        return Response(DeductOutput({"entry": entry, "balance": entry.balance_after}).data)
