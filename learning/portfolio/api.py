"""Portfolio endpoints: /api/portfolio/me (the student's own) and /api/portfolio/:username
(public, rate limited per source)."""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.permissions import student_of
from config.ratelimit import source_limit
from learning.models import ProjectSubmission
from learning.portfolio.selectors import portfolio_own, portfolio_owner, portfolio_public


class CertificateCard(serializers.Serializer):
    id = serializers.CharField(help_text="The certificate's public verification id.")
    course_title = serializers.CharField()
    skills = serializers.ListField(child=serializers.CharField())
    issued_at = serializers.DateTimeField()
    verification_url = serializers.CharField()
    verification_page_url = serializers.CharField()


class CompletedCourse(serializers.Serializer):
    title = serializers.CharField()
    completed_at = serializers.DateTimeField()
    certificate_id = serializers.CharField()


class ShownProject(serializers.Serializer):
    title = serializers.CharField(allow_null=True)
    course_title = serializers.CharField(allow_null=True)
    repo_url = serializers.CharField()
    live_url = serializers.CharField()
    status = serializers.ChoiceField(choices=ProjectSubmission.Status.choices)
    submitted_at = serializers.DateTimeField()


class PortfolioOutput(serializers.Serializer):
    username = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    headline = serializers.CharField()
    bio = serializers.CharField()
    links = serializers.ListField(child=serializers.CharField())
    avatar_url = serializers.CharField()
    skills = serializers.ListField(child=serializers.CharField())
    certificates = CertificateCard(many=True)
    completed_courses = CompletedCourse(many=True)
    projects = ShownProject(many=True)


class PortfolioStats(serializers.Serializer):
    enrolled_courses = serializers.IntegerField()
    lessons_completed = serializers.IntegerField()
    labs_completed = serializers.IntegerField()
    tests_passed = serializers.IntegerField()
    projects_submitted = serializers.IntegerField()


class MyPortfolioOutput(serializers.Serializer):
    portfolio_visibility = serializers.ChoiceField(choices=User.PortfolioVisibility.choices)
    public_url = serializers.CharField(
        allow_null=True, help_text="Where others see it; null while private or without username."
    )
    portfolio = PortfolioOutput(help_text="Exactly what others see when it is public.")
    stats = PortfolioStats(help_text="Private: only the student sees these.")


class MyPortfolioView(APIView):
    @extend_schema(operation_id="portfolio_me", responses=MyPortfolioOutput)
    def get(self, request: Request) -> Response:
        data = portfolio_own(user=student_of(request))
        return Response(MyPortfolioOutput(data).data)


class PublicPortfolioView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(operation_id="portfolio_public", responses=PortfolioOutput)
    def get(self, request: Request, username: str) -> Response:
        # Per source: enumerating usernames is slow, reading portfolios is not.
        source_limit(request, group="portfolio", rate=settings.PORTFOLIO_RATE_PER_SOURCE)
        owner = portfolio_owner(username=username)
        return Response(PortfolioOutput(portfolio_public(user=owner)).data)
