"""student_of: the signed-in student of a request, or a 401 where there is none."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from accounts.permissions import student_of
from config.errors import NotAuthenticated


def test_a_signed_in_student_is_the_request_s_student(student):
    request = RequestFactory().get("/")
    request.user = student

    assert student_of(request) == student


def test_an_anonymous_request_has_no_student():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    with pytest.raises(NotAuthenticated):
        student_of(request)
