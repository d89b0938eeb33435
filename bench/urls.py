"""The project's URLs plus /bench/minimal: the cheapest DRF view, the baseline of the ratios."""

from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class MinimalView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [
    path("bench/minimal", MinimalView.as_view()),
    path("", include("config.urls")),
]
