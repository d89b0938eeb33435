from django.urls import path

from wallet import api

urlpatterns = [
    path("balance", api.BalanceView.as_view(), name="wallet-balance"),
    path("transactions", api.TransactionsView.as_view(), name="wallet-transactions"),
    path("deduct", api.DeductView.as_view(), name="wallet-deduct"),
]
