"""Routes under /api/admin/ (config.urls mounts them when this process serves guru)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from guru.api import api_keys, assessments, audit, auth, commerce, courses, wallet_grants

# One viewset per entity: /<prefix> (list, create), /<prefix>/<id> and its actions.
router = SimpleRouter(trailing_slash=False, use_regex_path=False)
router.register("course", courses.CourseViewSet, basename="admin-course")
router.register("module", courses.ModuleViewSet, basename="admin-module")
router.register("lesson", courses.LessonViewSet, basename="admin-lesson")
router.register("lab", assessments.LabViewSet, basename="admin-lab")
router.register("test", assessments.TestViewSet, basename="admin-test")
router.register("question", assessments.QuestionViewSet, basename="admin-question")
router.register("project", assessments.ProjectViewSet, basename="admin-project")
router.register(
    "certificate/rules", assessments.CertificateRuleViewSet, basename="admin-certificate-rule"
)
router.register("pricing/action", commerce.ActionPriceViewSet, basename="admin-action-price")
router.register("credit-pack", commerce.CreditPackViewSet, basename="admin-credit-pack")
router.register("plan", commerce.PlanViewSet, basename="admin-plan")
router.register("voucher", commerce.VoucherViewSet, basename="admin-voucher")
router.register("api-keys", api_keys.ApiKeyViewSet, basename="admin-api-key")
router.register("audit-log", audit.AuditLogViewSet, basename="admin-audit-log")

urlpatterns = [
    *router.urls,
    path("auth/login", auth.AdminLoginApi.as_view(), name="admin-auth-login"),
    path("auth/verify-otp", auth.AdminVerifyOtpApi.as_view(), name="admin-auth-verify-otp"),
    path("auth/refresh", auth.AdminTokenRefreshApi.as_view(), name="admin-auth-refresh"),
    path("auth/logout", auth.AdminLogoutApi.as_view(), name="admin-auth-logout"),
    path("auth/password", auth.AdminPasswordChangeApi.as_view(), name="admin-auth-password"),
    path("settings", commerce.PlatformSettingsApi.as_view(), name="admin-settings"),
    path("wallet/grant", wallet_grants.WalletGrantApi.as_view(), name="admin-wallet-grant"),
    path("wallet/reverse", wallet_grants.WalletReverseApi.as_view(), name="admin-wallet-reverse"),
]
