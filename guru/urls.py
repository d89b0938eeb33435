"""Routes under /api/admin/ (config.urls mounts them when this process serves guru)."""

from django.urls import path

from guru import auth_api
from guru.api import api_keys, assessments, audit, commerce, courses, wallet_grants

urlpatterns = [
    path("auth/login", auth_api.AdminLoginApi.as_view(), name="admin-auth-login"),
    path("auth/verify-otp", auth_api.AdminVerifyOtpApi.as_view(), name="admin-auth-verify-otp"),
    path("auth/refresh", auth_api.AdminTokenRefreshApi.as_view(), name="admin-auth-refresh"),
    path("auth/logout", auth_api.AdminLogoutApi.as_view(), name="admin-auth-logout"),
    path("auth/password", auth_api.AdminPasswordChangeApi.as_view(), name="admin-auth-password"),
    path("course", courses.CourseCollectionApi.as_view(), name="admin-course-collection"),
    path("course/pricing", courses.CoursePricingApi.as_view(), name="admin-course-pricing"),
    path("course/<int:course_id>", courses.CourseItemApi.as_view(), name="admin-course-item"),
    path(
        "course/<int:course_id>/publish",
        courses.CoursePublishApi.as_view(),
        name="admin-course-publish",
    ),
    path(
        "course/<int:course_id>/unpublish",
        courses.CourseUnpublishApi.as_view(),
        name="admin-course-unpublish",
    ),
    path("module", courses.ModuleCollectionApi.as_view(), name="admin-module-collection"),
    path("module/<int:module_id>", courses.ModuleItemApi.as_view(), name="admin-module-item"),
    path("lesson", courses.LessonCollectionApi.as_view(), name="admin-lesson-collection"),
    path("lesson/<int:lesson_id>", courses.LessonItemApi.as_view(), name="admin-lesson-item"),
    path("lab", assessments.LabCollectionApi.as_view(), name="admin-lab-collection"),
    path("lab/<int:lab_id>", assessments.LabItemApi.as_view(), name="admin-lab-item"),
    path("test", assessments.TestCollectionApi.as_view(), name="admin-test-collection"),
    path("test/<int:test_id>", assessments.TestItemApi.as_view(), name="admin-test-item"),
    path("question", assessments.QuestionCollectionApi.as_view(), name="admin-question-collection"),
    path(
        "question/<int:question_id>",
        assessments.QuestionItemApi.as_view(),
        name="admin-question-item",
    ),
    path("project", assessments.ProjectCollectionApi.as_view(), name="admin-project-collection"),
    path(
        "project/<int:project_id>", assessments.ProjectItemApi.as_view(), name="admin-project-item"
    ),
    path(
        "certificate/rules",
        assessments.CertificateRuleCollectionApi.as_view(),
        name="admin-certificate-rule-collection",
    ),
    path(
        "certificate/rules/<int:rule_id>",
        assessments.CertificateRuleItemApi.as_view(),
        name="admin-certificate-rule-item",
    ),
    path(
        "pricing/action",
        commerce.ActionPriceCollectionApi.as_view(),
        name="admin-action-price-collection",
    ),
    path(
        "pricing/action/<int:price_id>",
        commerce.ActionPriceItemApi.as_view(),
        name="admin-action-price-item",
    ),
    path(
        "credit-pack",
        commerce.CreditPackCollectionApi.as_view(),
        name="admin-credit-pack-collection",
    ),
    path(
        "credit-pack/<int:pack_id>",
        commerce.CreditPackItemApi.as_view(),
        name="admin-credit-pack-item",
    ),
    path("plan", commerce.PlanCollectionApi.as_view(), name="admin-plan-collection"),
    path("plan/<int:plan_id>", commerce.PlanItemApi.as_view(), name="admin-plan-item"),
    path("voucher", commerce.VoucherCollectionApi.as_view(), name="admin-voucher-collection"),
    path("voucher/<int:voucher_id>", commerce.VoucherItemApi.as_view(), name="admin-voucher-item"),
    path("settings", commerce.PlatformSettingsApi.as_view(), name="admin-settings"),
    path("audit-log", audit.AuditLogListApi.as_view(), name="admin-audit-log"),
    path("api-keys", api_keys.ApiKeyCollectionApi.as_view(), name="admin-api-key-collection"),
    path(
        "api-keys/<int:key_id>/revoke",
        api_keys.ApiKeyRevokeApi.as_view(),
        name="admin-api-key-revoke",
    ),
    path("wallet/grant", wallet_grants.WalletGrantApi.as_view(), name="admin-wallet-grant"),
    path("wallet/reverse", wallet_grants.WalletReverseApi.as_view(), name="admin-wallet-reverse"),
]
