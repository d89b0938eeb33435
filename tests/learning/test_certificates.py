"""Certificates: Guru's rules checked on our records, Guru's price charged once, one per
student and course, revocable by staff, downloadable as a PDF whose QR opens the page."""

import io
import re
import threading

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import connection, connections
from pypdf import PdfReader

from guru.models import ActionPrice, CertificateRule, Lab, PlatformSettings, Test
from learning.certificates import document
from learning.certificates.document import QR_BORDER, QR_SCALE, certificate_page_url
from learning.certificates.services import certificate_issue, certificate_price
from learning.models import Certificate
from learning.selectors import course_content_get
from learning.verification_ids import (
    CERTIFICATE_PREFIX,
    verification_id_new,
    verification_id_normalize,
)
from shishya.models import Notification
from tests.factories import ActionPriceFactory, EnrollmentFactory, StudentFactory
from tests.guru.catalogue import assessments_for, course_with_content
from tests.learning.records import complete_lab, sit_test
from tests.wallets import balance, fund
from wallet.models import LedgerEntry

pytestmark = pytest.mark.usefixtures("guru_in_process")
PRICE = 25
ID_SHAPE = re.compile(r"^OSC-[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)


@pytest.fixture
def course():
    """A course with a quiz, a lab and a project (assessments_for); its certificate costs
    PRICE credits."""
    course = course_with_content()
    assessments_for(course)  # the rule: pass the quiz (its own 60 %) and complete the lab
    ActionPriceFactory(action="certificate_issue", credits=PRICE, is_chargeable=False)
    return course


def make_eligible(student, course, *, percent: int = 75) -> None:
    EnrollmentFactory(user=student, course_id=course.pk)
    sit_test(student, course.pk, Test.objects.get(course=course).pk, percent)
    complete_lab(student, course.pk, Lab.objects.get(course=course).pk)


@pytest.fixture
def eligible(student, course) -> None:
    """The student has met the course's rule and has 100 credits."""
    make_eligible(student, course)
    fund(student, 100)


def generate(client, course):
    return client.post(
        "/api/certificates/generate", {"course_id": course.pk}, content_type="application/json"
    )


def deductions(student) -> int:
    return LedgerEntry.objects.filter(wallet__user=student, kind="deduction").count()


class TestGenerate:
    def test_issues_once_charging_gurus_price_and_keeps_what_it_was_issued_on(
        self, student_client, student, eligible, course
    ):
        first = generate(student_client, course)
        assert first.status_code == 201, first.content
        body = first.json()
        assert ID_SHAPE.match(body["id"])
        assert body["student_name"] == "Asha Rao" and body["course_title"] == "Python"
        assert body["skills"] == ["python"] and body["status"] == "valid"
        assert body["credits_charged"] == PRICE and balance(student) == 100 - PRICE
        assert body["verification_url"] == f"http://127.0.0.1:8000/verify/certificate/{body['id']}"
        test = Test.objects.get(course=course)
        assert body["requirements"]["required_test_ids"] == [test.pk]
        assert body["scores"]["tests"] == [
            {"test_id": test.pk, "title": "Quiz", "best_percent": 75}
        ]
        assert Notification.objects.filter(user=student, kind="certificate_issued").count() == 1

        again = generate(student_client, course)
        assert again.status_code == 200 and again.json()["id"] == body["id"]
        assert balance(student) == 100 - PRICE and deductions(student) == 1
        assert Certificate.objects.count() == 1

    def test_later_rule_changes_do_not_rewrite_an_issued_certificate(
        self, student_client, eligible, course
    ):
        issued = generate(student_client, course).json()
        CertificateRule.objects.filter(course=course).update(test_pass_percentage=95)
        assert (
            student_client.get(f"/api/certificates/{issued['id']}").json()["requirements"][
                "test_pass_percentage"
            ]
            is None
        )

    def test_unmet_requirements_are_listed_and_nothing_is_charged(self, client, course):
        student = StudentFactory(email="b@example.com", name="Bala")
        EnrollmentFactory(user=student, course_id=course.pk)
        fund(student, 100)
        test = Test.objects.get(course=course)
        sit_test(student, course.pk, test.pk, 50)
        client.force_login(student)
        response = generate(client, course)
        assert response.status_code == 403
        error = response.json()["error"]
        assert error["code"] == "certificate_requirements_unmet"
        lab = Lab.objects.get(course=course)
        assert error["details"]["missing"] == [
            {"kind": "test", "id": test.pk, "title": "Quiz", "required": 60, "achieved": 50},
            {"kind": "lab", "id": lab.pk, "title": "Hello", "required": None, "achieved": None},
        ]
        assert balance(student) == 100 and not Certificate.objects.exists()

    def test_the_rules_own_mark_is_applied_on_the_server(
        self, student_client, student, eligible, course
    ):
        CertificateRule.objects.filter(course=course).update(test_pass_percentage=80)
        response = generate(student_client, course)
        assert response.status_code == 403
        assert response.json()["error"]["details"]["missing"][0]["required"] == 80

    def test_too_few_credits_is_402_and_issues_nothing(self, client, course):
        student = StudentFactory(email="c@example.com", name="Chitra")
        make_eligible(student, course)
        fund(student, PRICE - 1)
        client.force_login(student)
        response = generate(client, course)
        assert response.status_code == 402
        assert response.json()["error"]["code"] == "insufficient_credits"
        assert not Certificate.objects.exists() and balance(student) == PRICE - 1

    def test_a_free_certificate_writes_no_ledger_entry(
        self, student_client, student, eligible, course
    ):
        ActionPrice.objects.filter(action="certificate_issue").update(credits=0)
        assert generate(student_client, course).status_code == 201
        assert deductions(student) == 0 and balance(student) == 100

    def test_without_a_price_in_guru_nothing_is_issued(self, student_client, eligible, course):
        ActionPrice.objects.filter(action="certificate_issue").delete()
        response = generate(student_client, course)
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "certificate_price_unavailable"
        assert not Certificate.objects.exists()

    def test_a_course_without_rules_offers_no_certificate(self, client):
        course = course_with_content(title="No rules")
        student = StudentFactory(name="Asha Rao")
        EnrollmentFactory(user=student, course_id=course.pk)
        client.force_login(student)
        response = generate(client, course)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "certificate_not_offered"

    def test_not_enrolled_is_403_and_a_nameless_student_is_asked_for_a_name(self, client, course):
        stranger = StudentFactory(email="d@example.com", name="")
        client.force_login(stranger)
        assert generate(client, course).json()["error"]["code"] == "not_enrolled"
        make_eligible(stranger, course)
        response = generate(client, course)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "student_name_required"

    def test_a_name_no_shipped_font_prints_is_refused_before_any_charge(self, client, course):
        # Chinese, Japanese and Korean are out: their fonts would be 15-20 MB a weight.
        student = StudentFactory(email="li@example.com", name="Li 李小龍")
        make_eligible(student, course)
        fund(student, 100)
        client.force_login(student)
        response = generate(client, course)
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "certificate_text_unprintable"
        assert error["details"] == {"field": "student_name", "characters": ["小", "李", "龍"]}
        assert deductions(student) == 0 and not Certificate.objects.filter(user=student).exists()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_generates_issue_one_certificate_and_charge_once(course):
    student = StudentFactory(name="Asha Rao")
    make_eligible(student, course)
    fund(student, 100)
    # Guru's answers are cached first, so the threads race on the database alone.
    course_content_get(course_id=course.pk, fresh_rules=True)
    certificate_price()
    results: list[tuple[str, bool]] = []
    errors: list[Exception] = []
    start = threading.Barrier(8)

    def issue() -> None:
        try:
            start.wait()
            certificate, issued_now = certificate_issue(user=student, course_id=course.pk)
            results.append((certificate.id, issued_now))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({certificate_id for certificate_id, _ in results}) == 1
    assert [issued_now for _, issued_now in results].count(True) == 1
    assert Certificate.objects.count() == 1
    assert deductions(student) == 1 and balance(student) == 100 - PRICE


class TestReading:
    def test_list_and_detail_show_only_the_students_own(
        self, student_client, eligible, course, client
    ):
        mine = generate(student_client, course).json()
        listed = student_client.get("/api/certificates").json()
        assert [row["id"] for row in listed["results"]] == [mine["id"]]
        assert student_client.get(f"/api/certificates/{mine['id']}").status_code == 200

        other = StudentFactory(email="e@example.com", name="Esha")
        client.force_login(other)
        assert client.get("/api/certificates").json()["results"] == []
        for path in (f"/api/certificates/{mine['id']}", f"/api/certificates/{mine['id']}/pdf"):
            response = client.get(path)
            assert response.status_code == 404, path
            assert response.json()["error"]["code"] == "not_found"

    def test_every_lookup_by_id_forgives_case_and_look_alike_letters(
        self, student_client, eligible, course, client
    ):
        certificate_id = generate(student_client, course).json()["id"]
        # As a person types it: lowercase, with o for 0 and l for 1 where the id has them.
        typed = certificate_id.lower().replace("0", "o").replace("1", "l")
        for path in (
            f"/api/certificates/{typed}",
            f"/api/certificates/{typed}/pdf",
            f"/api/verify/certificate/{typed}",
            f"/verify/certificate/{typed}",
        ):
            assert student_client.get(path).status_code == 200, path
        assert student_client.get(f"/api/certificates/{typed}").json()["id"] == certificate_id
        # Forgiving the typing never widens whose certificate it is.
        other = StudentFactory(email="f@example.com", name="Farah")
        client.force_login(other)
        assert client.get(f"/api/certificates/{typed}").status_code == 404


def pdf_text(pdf: bytes) -> str:
    """The page's text as a reader copies it (through each font's ToUnicode map)."""
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def qr_modules_in_pdf(pdf: bytes) -> list[list[bool]]:
    """The dark/light modules of the QR image embedded in the PDF, read pixel by pixel."""
    (image,) = PdfReader(io.BytesIO(pdf)).pages[0].images
    pixels = image.image.convert("L")
    modules = pixels.width // QR_SCALE - 2 * QR_BORDER
    offset = QR_BORDER * QR_SCALE + QR_SCALE // 2  # the centre of each module
    return [
        [
            pixels.getpixel((offset + col * QR_SCALE, offset + row * QR_SCALE)) < 128
            for col in range(modules)
        ]
        for row in range(modules)
    ]


class TestPdf:
    def test_the_pdf_names_the_student_and_its_qr_code_opens_the_verification_page(
        self, student_client, eligible, course, monkeypatch
    ):
        certificate_id = generate(student_client, course).json()["id"]
        encoded: list[str] = []
        real_make_qr = document.segno.make_qr
        monkeypatch.setattr(
            document.segno,
            "make_qr",
            lambda payload, **kwargs: encoded.append(payload) or real_make_qr(payload, **kwargs),
        )
        response = student_client.get(f"/api/certificates/{certificate_id}/pdf")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        pdf = response.content
        assert pdf.startswith(b"%PDF")
        page_url = f"http://127.0.0.1:8000/verify/certificate/{certificate_id}"
        assert encoded == [page_url] == [certificate_page_url(certificate_id)]
        text = pdf_text(pdf)
        for printed in ("Asha Rao", "Python", certificate_id, page_url):
            assert printed in text, printed
        # Read back from the embedded image: the very QR code of the page's URL.
        expected = [
            [bool(cell) for cell in row]
            for row in real_make_qr(page_url, error=document.QR_ERROR_LEVEL).matrix
        ]
        assert qr_modules_in_pdf(pdf) == expected

    def test_a_certificate_whose_text_no_font_draws_answers_400_not_boxes(
        self, student_client, student, eligible
    ):
        certificate = Certificate.objects.create(
            id=verification_id_new(CERTIFICATE_PREFIX),
            user=student,
            course_id=4242,
            student_name="李小龍",
            course_title="Python",
            skills=[],
        )
        response = student_client.get(f"/api/certificates/{certificate.id}/pdf")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "certificate_text_unprintable"

    def test_the_page_url_follows_the_public_base_url_setting(self, settings):
        settings.PUBLIC_BASE_URL = "https://ourshiksha.ai"
        assert certificate_page_url("OSC-1") == "https://ourshiksha.ai/verify/certificate/OSC-1"


class TestRevoke:
    def test_staff_revoke_with_a_reason_recorded_and_audited(
        self, student_client, student, eligible, course, admin
    ):
        certificate_id = generate(student_client, course).json()["id"]
        call_command(
            "revoke_certificate",
            certificate_id.lower(),
            "--reason",
            "Plagiarised project",
            "--by",
            admin.email,
        )
        certificate = Certificate.objects.get(pk=certificate_id)
        assert certificate.revoked_at is not None and certificate.revoked_by == admin
        assert certificate.revoked_reason == "Plagiarised project"
        change = LogEntry.objects.get_for_object(certificate).filter(actor=admin).get()
        assert "revoked_reason" in change.changes_dict
        assert Notification.objects.filter(user=student, kind="certificate_revoked").exists()
        detail = student_client.get(f"/api/certificates/{certificate_id}").json()
        assert detail["status"] == "revoked" and detail["revoked_reason"] == "Plagiarised project"
        assert student_client.get(f"/api/certificates/{certificate_id}/pdf").status_code == 410
        # A revoked certificate is not issued (or charged) again.
        assert generate(student_client, course).json()["status"] == "revoked"
        assert deductions(student) == 1

        with pytest.raises(CommandError, match="certificate_already_revoked"):
            call_command("revoke_certificate", certificate_id, "--reason", "x", "--by", admin.email)

    def test_only_staff_may_revoke_and_a_reason_is_required(
        self, student_client, student, eligible, course, admin
    ):
        certificate_id = generate(student_client, course).json()["id"]
        with pytest.raises(CommandError, match="revoker_not_staff"):
            call_command(
                "revoke_certificate", certificate_id, "--reason", "x", "--by", student.email
            )
        with pytest.raises(CommandError, match="reason"):
            call_command("revoke_certificate", certificate_id, "--reason", " ", "--by", admin.email)
        with pytest.raises(CommandError, match="not_found"):
            call_command("revoke_certificate", "OSC-NOPE", "--reason", "x", "--by", admin.email)
        assert Certificate.objects.get(pk=certificate_id).revoked_at is None


def test_ids_are_readable_random_and_forgiving_to_type():
    ids = {verification_id_new(CERTIFICATE_PREFIX) for _ in range(2000)}
    assert len(ids) == 2000 and all(ID_SHAPE.match(i) for i in ids)
    sample = next(iter(ids))
    assert verification_id_normalize(sample.lower()) == sample
    assert verification_id_normalize("osc-0000-1111-oooo-llll") == "OSC-0000-1111-0000-1111"
    assert verification_id_normalize("OSC-123") is None
    assert verification_id_normalize("../../etc") is None


def test_a_certificate_as_the_first_spend_gets_the_welcome_grant_that_waited_on_guru(
    course, client
):
    PlatformSettings.objects.update_or_create(
        pk=PlatformSettings.SINGLETON_ID, defaults={"welcome_credits": 30}
    )
    # Verified while Guru could not answer: the welcome grant was never settled.
    student = StudentFactory(name="Asha Rao", verified=True)
    make_eligible(student, course)
    client.force_login(student)
    assert generate(client, course).status_code == 201
    welcome = LedgerEntry.objects.filter(wallet__user=student, kind="welcome")
    assert list(welcome.values_list("amount", flat=True)) == [30]
    assert balance(student) == 30 - PRICE
