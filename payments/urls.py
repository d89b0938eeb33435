"""Payment routes (/api/payments/) and the student's plan (/api/user/subscription, features)."""

from django.urls import path

from payments import api

urlpatterns = [
    path("payments/create-order", api.OrderCreateView.as_view(), name="payments-create-order"),
    path("payments/orders", api.OrderListView.as_view(), name="payments-orders"),
    path("payments/packs", api.PacksView.as_view(), name="payments-packs"),
    path("payments/verify", api.VerifyView.as_view(), name="payments-verify"),
    path("payments/webhook", api.WebhookView.as_view(), name="payments-webhook"),
    path("user/subscription", api.SubscriptionView.as_view(), name="user-subscription"),
    path("user/features", api.FeaturesView.as_view(), name="user-features"),
]
