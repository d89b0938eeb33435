from django.urls import path

from wallet import api

urlpatterns = [
    path("balance", api.BalanceView.as_view(), name="wallet-balance"),
    path("transactions", api.TransactionsView.as_view(), name="wallet-transactions"),
    path("deduct", api.DeductView.as_view(), name="wallet-deduct"),
    path("add", api.SystemAddView.as_view(), name="wallet-system-add"),
    path("reverse", api.SystemReverseView.as_view(), name="wallet-system-reverse"),
    path("voucher/redeem", api.VoucherRedeemView.as_view(), name="wallet-voucher-redeem"),
]
