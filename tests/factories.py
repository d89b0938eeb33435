"""Test data, one factory per model (factory_boy): students, admins and enrollments on the
student side; Guru's content and commerce. A Guru row is saved straight through its model:
the admin API that writes them has tests of its own."""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import User
from guru.models import (
    ActionPrice,
    CertificateRule,
    Course,
    CreditPack,
    Lab,
    Lesson,
    Module,
    Plan,
    Project,
    Question,
    Test,
    Voucher,
)
from learning.enrollment.services import WAIVED_FREE_COURSE
from learning.models import Enrollment
from tests.wallets import fund

PASSWORD = "correct-horse-battery"
# An admin's password must pass createadmin's rules (tests/guru/test_createadmin.py).
ADMIN_PASSWORD = "correct-horse-battery-staple-42"
ADMIN_EMAIL = "asha.admin@ourshiksha.ai"


class StudentFactory(DjangoModelFactory):
    """A student who can log in with PASSWORD; verified=True for one who confirmed their
    email (signup's last step, which also settles their welcome credits); credits=N for one
    an admin granted N credits."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        verified = factory.Trait(email_verified_at=factory.LazyFunction(timezone.now))

    email = factory.Sequence(lambda n: f"student{n}@example.com")
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Through the manager, as signup does: the email normalized, the password hashed,
        # the row validated.
        return model_class.objects.create_user(**kwargs)

    @factory.post_generation
    def credits(user, create, amount, **kwargs):
        if create and amount:
            fund(user, amount)


class AdminFactory(StudentFactory):
    """An admin who signs in with ADMIN_PASSWORD; verified=True for one whose email an earlier
    sign-in proved (createadmin leaves it unproven)."""

    email = factory.Sequence(lambda n: f"admin{n}@ourshiksha.ai")
    password = ADMIN_PASSWORD
    role = User.Role.ADMIN


class EnrollmentFactory(DjangoModelFactory):
    """An enrollment that charged nothing, as a free course's does (waived_by="free"); the
    charges themselves are the enroll endpoint's tests."""

    class Meta:
        model = Enrollment

    user = factory.SubFactory(StudentFactory)
    waived_by = WAIVED_FREE_COURSE


class CourseFactory(DjangoModelFactory):
    """A published course (published=False for a draft); modules=N gives it N modules of
    three lessons each (modules__lessons=M for M)."""

    class Meta:
        model = Course
        skip_postgeneration_save = True

    class Params:
        published = True

    title = "Python"
    skills = factory.LazyFunction(lambda: ["python"])
    credit_cost = 30
    academic_credits = 4
    is_published = factory.SelfAttribute("published")
    first_published_at = factory.Maybe(
        "published", yes_declaration=factory.LazyFunction(timezone.now), no_declaration=None
    )

    @factory.post_generation
    def modules(course, create, count, lessons=3, **kwargs):
        for order in range(count or 0):
            ModuleFactory(course=course, order=order, lessons=lessons)


class ModuleFactory(DjangoModelFactory):
    """lessons=N gives the module N lessons."""

    class Meta:
        model = Module
        skip_postgeneration_save = True

    course = factory.SubFactory(CourseFactory)
    order = factory.Sequence(int)
    title = factory.LazyAttribute(lambda module: f"Module {module.order}")

    @factory.post_generation
    def lessons(module, create, count, **kwargs):
        for order in range(count or 0):
            LessonFactory(module=module, order=order)


class LessonFactory(DjangoModelFactory):
    """Named by place ("Lesson 0.1" is the second lesson of the first module), so a test can
    find any of its texts in a response."""

    class Meta:
        model = Lesson

    module = factory.SubFactory(ModuleFactory)
    order = factory.Sequence(int)
    title = factory.LazyAttribute(lambda lesson: f"Lesson {lesson.module.order}.{lesson.order}")
    content = factory.LazyAttribute(lambda lesson: f"Content {lesson.module.order}.{lesson.order}")
    tutor_context = factory.LazyAttribute(
        lambda lesson: f"Explain {lesson.module.order}.{lesson.order} simply"
    )


class TestFactory(DjangoModelFactory):
    """A ten-minute quiz passed at 60 %; questions=N gives it N single-choice questions."""

    __test__ = False  # not a pytest test class

    class Meta:
        model = Test
        skip_postgeneration_save = True

    course = factory.SubFactory(CourseFactory)
    title = "Quiz"
    time_limit_minutes = 10
    pass_percentage = 60

    @factory.post_generation
    def questions(test, create, count, **kwargs):
        for order in range(count or 0):
            QuestionFactory(test=test, order=order)


class QuestionFactory(DjangoModelFactory):
    """Single choice unless told; the answer is the second option."""

    class Meta:
        model = Question

    test = factory.SubFactory(TestFactory)
    order = factory.Sequence(int)
    type = Question.Type.SINGLE_CHOICE
    prompt = "2+2?"
    options = factory.LazyFunction(lambda: ["3", "4"])
    correct_answer = 1
    explanation = "Because arithmetic."


class LabFactory(DjangoModelFactory):
    """A Python lab checked on its output, open from the start."""

    class Meta:
        model = Lab

    course = factory.SubFactory(CourseFactory)
    title = "Hello"
    order = factory.Sequence(int)
    language = Lab.Language.PYTHON
    instructions = "Print hi"
    starter_code = "print()"
    solution_code = "print('hi')"
    validation_type = Lab.ValidationType.STDOUT
    expected_output = "hi"
    hints = factory.LazyFunction(lambda: ["use print"])


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    course = factory.SubFactory(CourseFactory)
    title = "Build"
    description = "Build a thing"
    evaluation_notes = "Secret rubric"


class CertificateRuleFactory(DjangoModelFactory):
    """required_tests=[...], required_labs=[...], required_projects=[...] name what the
    certificate needs."""

    class Meta:
        model = CertificateRule
        skip_postgeneration_save = True

    course = factory.SubFactory(CourseFactory)

    @factory.post_generation
    def required_tests(rule, create, tests, **kwargs):
        rule.required_tests.set(tests or [])

    @factory.post_generation
    def required_labs(rule, create, labs, **kwargs):
        rule.required_labs.set(labs or [])

    @factory.post_generation
    def required_projects(rule, create, projects, **kwargs):
        rule.required_projects.set(projects or [])


class ActionPriceFactory(DjangoModelFactory):
    class Meta:
        model = ActionPrice

    action = ActionPrice.Action.LAB_RUN
    credits = 1


class CreditPackFactory(DjangoModelFactory):
    class Meta:
        model = CreditPack

    name = "Starter"
    credits = 100
    price_paise = 9900


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = Plan

    name = "Pro"
    price_paise = 49900
    period = Plan.Period.MONTHLY
    features = factory.LazyFunction(lambda: ["tutor_unlimited"])


class VoucherFactory(DjangoModelFactory):
    """Valid from yesterday for thirty days."""

    class Meta:
        model = Voucher

    code = "WELCOME10"
    credits = 10
    valid_from = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    valid_until = factory.LazyAttribute(lambda voucher: voucher.valid_from + timedelta(days=31))
    max_redemptions = 100
