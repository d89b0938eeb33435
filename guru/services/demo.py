"""Demo content for a development database: one published course with everything a student
can do, its prices and welcome credits, written through Guru's own services and audited
under a named system actor that can never sign in."""

from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import User
from guru.models import ActionPrice, Course, CreditPack, Lab, Lesson, Module, Project
from guru.services.audit import AuditActor
from guru.services.commerce import platform_settings_update
from guru.services.content import certificate_rule_set, course_publish, test_create
from guru.services.entities import audited_create

DEMO_ACTOR_EMAIL = "demo-content@system.ourshiksha.invalid"

_LESSONS = [
    ("Values and names", "A name points at a value: `greeting = 'namaste'`."),
    ("Lists and loops", "`for city in ['Pune', 'Chennai', 'Lucknow']: print(city)`"),
    ("Functions", "`def greet(name): return f'Namaste, {name}'`"),
    ("Dictionaries", "`marks = {'Asha': 91, 'Ravi': 78}` maps names to marks."),
]


def demo_actor() -> User:
    """The system actor demo content is audited under: inactive, with no usable password
    (no one can sign in as it), never a default credential."""
    actor, _ = User.objects.get_or_create(
        email=DEMO_ACTOR_EMAIL,
        defaults={
            "name": "Demo content (bash .ci/serve)",
            "role": User.Role.ADMIN,
            "is_active": False,
            "password": make_password(None),
        },
    )
    return actor


@transaction.atomic
def demo_content_load() -> Course | None:
    """Loads the demo course on a database with no course yet; returns it, or None when
    there was content already (nothing is touched then)."""
    if Course.objects.exists():
        return None
    actor = AuditActor(admin=demo_actor(), ip_address=None)
    course = audited_create(
        actor=actor,
        model=Course,
        fields={
            "title": "Python from scratch",
            "description": "Values, loops, functions and dictionaries, with a lab, a test "
            "and a small project.",
            "skills": ["python", "problem solving"],
            "credit_cost": 20,
            "academic_credits": 3,
        },
    )
    modules = [
        audited_create(
            actor=actor, model=Module, fields={"course": course, "title": title, "order": order}
        )
        for order, title in enumerate(["Foundations", "Building blocks"])
    ]
    for order, (title, content) in enumerate(_LESSONS):
        audited_create(
            actor=actor,
            model=Lesson,
            fields={
                "module": modules[order // 2],
                "title": title,
                "content": content,
                "order": order % 2,
                "tutor_context": f"A first lesson on {title.lower()} for new programmers.",
            },
        )
    lab = audited_create(
        actor=actor,
        model=Lab,
        fields={
            "course": course,
            "title": "Greet a city",
            "order": 0,
            "language": "python",
            "instructions": "Write a function greet(city) that returns 'Namaste, <city>!'.",
            "starter_code": "def greet(city):\n    ...\n",
            "solution_code": "def greet(city):\n    return f'Namaste, {city}!'\n",
            "validation_type": "contains",
            "expected_output": "def greet(",
            "hints": ["f-strings put a value inside text: f'{city}'"],
        },
    )
    test = test_create(
        actor=actor,
        fields={
            "course": course,
            "title": "Foundations check",
            "time_limit_minutes": 10,
            "pass_percentage": 60,
        },
        questions=[
            {
                "order": 0,
                "type": "single_choice",
                "prompt": "What does len(['a', 'b', 'c']) return?",
                "options": ["2", "3", "'abc'"],
                "correct_answer": 1,
                "explanation": "len counts the items of a list.",
            },
            {
                "order": 1,
                "type": "true_false",
                "prompt": "A dictionary maps keys to values.",
                "correct_answer": True,
                "explanation": "{'Asha': 91} maps the key 'Asha' to 91.",
            },
        ],
    )
    project = audited_create(
        actor=actor,
        model=Project,
        fields={
            "course": course,
            "title": "Marks report",
            "description": "Read names and marks, print each student's grade.",
            "evaluation_notes": "Grades follow the marksheet bands.",
        },
    )
    certificate_rule_set(
        actor=actor,
        course=course,
        test_pass_percentage=None,
        min_lab_weight=0,
        required_tests=[test],
        required_labs=[lab],
        required_projects=[project],
    )
    course = course_publish(actor=actor, course=course)
    for action, credits, chargeable in [
        ("tutor_question", 2, False),
        ("lab_run", 1, True),
        ("certificate_issue", 10, False),
    ]:
        audited_create(
            actor=actor,
            model=ActionPrice,
            fields={"action": action, "credits": credits, "is_chargeable": chargeable},
        )
    audited_create(
        actor=actor,
        model=CreditPack,
        fields={"name": "Starter", "credits": 100, "price_paise": 9900},
    )
    platform_settings_update(actor=actor, fields={"welcome_credits": 50})
    return course
