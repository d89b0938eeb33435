"""The base of every view under /api/admin/: admin JWT authentication, admins only."""

from rest_framework.views import APIView

from guru.permissions import IsGuruAdmin


class AdminAPIView(APIView):
    # The admin JWT authenticator joins this list with the admin login work (issue 3);
    # until then no request authenticates, so every admin route answers 401.
    authentication_classes: list = []
    permission_classes = [IsGuruAdmin]
