"""The project's URLs plus the baselines the benchmarks compare against (never in production):
/bench/minimal, the cheapest DRF view, and /bench/bare-deduct, only the wallet's locked
update and ledger insert."""

import uuid

from django.db import transaction
from django.db.models import F
from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from wallet.models import LedgerEntry, Wallet


class MinimalView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"ok": True})


class BareDeductView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def post(self, request):
        with transaction.atomic():
            wallet = Wallet.objects.select_for_update().get(pk=request.data["wallet"])
            Wallet.objects.filter(pk=wallet.pk).update(balance=F("balance") - 1)
            LedgerEntry.objects.create(
                wallet=wallet,
                amount=-1,
                balance_after=wallet.balance - 1,
                kind=LedgerEntry.Kind.DEDUCTION,
                reference="bench",
                idempotency_key=uuid.uuid4().hex,
            )
        return Response({"ok": True})


urlpatterns = [
    path("bench/minimal", MinimalView.as_view()),
    path("bench/bare-deduct", BareDeductView.as_view()),
    path("", include("config.urls")),
]
