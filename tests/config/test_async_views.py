"""AsyncAPIView: DRF's checks and a handler's first database step share one thread step."""

import pytest
from asgiref.sync import async_to_sync
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from config.async_views import AsyncAPIView
from tests.factories import StudentFactory


class BegunView(AsyncAPIView):
    permission_classes = [IsAuthenticated]
    begun_in: list[int] = []

    def begin_post(self, request: Request) -> str:
        self.begun_in.append(request.user.pk)
        return f"begun for {request.user.pk}"

    async def post(self, request: Request, begun: str) -> Response:
        return Response({"begun": begun})


@pytest.mark.django_db
def test_the_first_step_runs_with_the_checks_in_one_hop_and_is_handed_to_the_handler(thread_hops):
    student = StudentFactory()
    request = APIRequestFactory().post("/begun", {}, format="json")
    force_authenticate(request, user=student)
    BegunView.begun_in.clear()

    response = async_to_sync(BegunView.as_view())(request)

    assert response.status_code == 200
    assert response.data == {"begun": f"begun for {student.pk}"}
    # One thread step for DRF's checks and the first step together (there were two).
    assert thread_hops == ["db_step.<locals>.step"]
    assert len(BegunView.begun_in) == 1


def test_a_refused_request_never_runs_the_first_step(thread_hops):
    BegunView.begun_in.clear()

    response = async_to_sync(BegunView.as_view())(APIRequestFactory().post("/begun", {}))

    assert response.status_code in (401, 403)
    assert BegunView.begun_in == []


def test_a_method_without_a_handler_is_405_and_runs_no_step(thread_hops):
    request = APIRequestFactory().put("/begun", {})
    force_authenticate(request, user=StudentFactory.build())
    BegunView.begun_in.clear()

    response = async_to_sync(BegunView.as_view())(request)

    assert response.status_code == 405
    assert BegunView.begun_in == []
