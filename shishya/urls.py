"""Notification routes (/api/notifications)."""

from django.urls import path

from shishya import api

urlpatterns = [
    path("notifications", api.NotificationListView.as_view(), name="notifications"),
    path(
        "notifications/read-all",
        api.NotificationReadAllView.as_view(),
        name="notifications-read-all",
    ),
    path(
        "notifications/<uuid:notification_id>/read",
        api.NotificationReadView.as_view(),
        name="notification-read",
    ),
]
