"""The base of every view under /api/admin/: admin JWT authentication, admins only."""

from rest_framework.views import APIView

from guru.authentication import AdminJWTAuthentication
from guru.permissions import IsGuruAdmin


class AdminAPIView(APIView):
    # Bearer tokens only: a student's (or anyone's) session cookie never authenticates here.
    authentication_classes = [AdminJWTAuthentication]
    permission_classes = [IsGuruAdmin]
