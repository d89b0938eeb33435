"""The base of every view under /api/admin/: admin JWT authentication, admins only."""

from typing import Any

from rest_framework.exceptions import MethodNotAllowed
from rest_framework.metadata import SimpleMetadata
from rest_framework.request import Request
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from guru.authentication import AdminJWTAuthentication
from guru.permissions import IsGuruAdmin


class AdminAccess(APIView):
    # Bearer tokens only: a student's (or anyone's) session cookie never authenticates here.
    authentication_classes = [AdminJWTAuthentication]
    permission_classes = [IsGuruAdmin]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # DRF checks credentials before it looks for a handler; a method the route does not
        # have is a 405 whoever asks, as the OpenAPI schema promises.
        method = request.method or ""  # (a request a server received always has one)
        if method.lower() not in self.http_method_names or not hasattr(self, method.lower()):
            raise MethodNotAllowed(method)
        super().initial(request, *args, **kwargs)


class AdminAPIView(AdminAccess):
    pass


class AdminMetadata(SimpleMetadata):
    # OPTIONS names renderers and parsers, as it does for the API views; input shapes are
    # documented once, in the OpenAPI schema (a viewset has no single serializer to describe).
    def determine_actions(self, request: Request, view: Any) -> dict[str, Any]:
        return {}


class AdminViewSet(AdminAccess, GenericViewSet):
    # DRF instantiates the class; its stubs type the attribute as an instance.
    metadata_class = AdminMetadata  # type: ignore[assignment]
