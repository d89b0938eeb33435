"""Test data, one factory per model: students and admins, enrollments (factory_boy)."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import User
from learning.models import Enrollment

PASSWORD = "correct-horse-battery"


class StudentFactory(DjangoModelFactory):
    """A student who can log in with PASSWORD; verified=True for one who confirmed their
    email (signup's last step, which also settles their welcome credits)."""

    class Meta:
        model = User

    class Params:
        verified = factory.Trait(email_verified_at=factory.LazyFunction(timezone.now))

    email = factory.Sequence(lambda n: f"student{n}@example.com")
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Through the manager, as signup does: the email normalized, the password hashed,
        # the row validated.
        return model_class.objects.create_user(**kwargs)


class AdminFactory(StudentFactory):
    email = factory.Sequence(lambda n: f"admin{n}@ourshiksha.ai")
    role = User.Role.ADMIN


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrollment

    user = factory.SubFactory(StudentFactory)
