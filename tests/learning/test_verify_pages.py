"""Public verification: the JSON endpoints and the HTML pages people open (a certificate's QR
code points at its page), rendered in a real headless browser."""

import json
import os
import select
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.utils import timezone

from learning.certificates.document import certificate_page_url
from learning.models import Certificate
from learning.verification_ids import CERTIFICATE_PREFIX, verification_id_new
from tests.chromium import headless_chromium, needs_chromium
from tests.factories import StudentFactory
from tests.learning.test_marksheet import course_with_tests, sit_all

pytestmark = pytest.mark.usefixtures("guru_in_process")


def rendered_dom(url: str) -> str:
    """The page's DOM after a real browser loaded it and ran it."""
    with headless_chromium(
        "--dump-dom", url, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as browser:
        dom, errors = browser.communicate(timeout=90)
    assert browser.returncode == 0, errors
    return dom


class DevTools:
    """Chromium driven over its DevTools pipe (fds 3 and 4, NUL-separated JSON): enough to
    open a page and ask which fonts the browser drew an element's text with."""

    def __init__(self, *, to_browser: int, from_browser: int) -> None:
        self._to_browser, self._from_browser = to_browser, from_browser
        self._buffer = b""
        self._next_id = 0
        self._session: str | None = None

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([self._from_browser], [], [], max(remaining, 0))
            if not ready:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self._from_browser, 65536)
            if not chunk:
                raise ConnectionError("chromium closed the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, **params) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if self._session:
            message["sessionId"] = self._session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + 60
        while True:
            answer = self._read_message(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise RuntimeError(answer["error"])
                return answer["result"]

    def open(self, url: str) -> None:
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        self.call("Page.enable")
        self.call("Page.navigate", url=url)
        # Loaded, and every web font it asked for loaded (or failed).
        self.call(
            "Runtime.evaluate",
            expression=(
                "new Promise(done => document.readyState === 'complete' ? done() :"
                " addEventListener('load', () => done())).then(() => document.fonts.ready)"
                ".then(() => true)"
            ),
            awaitPromise=True,
        )

    def fonts_of(self, selector: str) -> list[dict]:
        """The fonts the browser drew the element's text with: family, whether a web font
        (isCustomFont) and how many glyphs."""
        self.call("DOM.enable")
        self.call("CSS.enable")
        root = self.call("DOM.getDocument")["root"]["nodeId"]
        node = self.call("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
        return self.call("CSS.getPlatformFontsForNode", nodeId=node)["fonts"]


@contextmanager
def devtools() -> Iterator[DevTools]:
    """A headless Chromium on about:blank, driven over its DevTools pipe."""
    to_browser_read, to_browser = os.pipe()
    from_browser, from_browser_write = os.pipe()

    def child_fds() -> None:  # the child's fds 3 and 4 are the pipe
        os.dup2(to_browser_read, 3)
        os.dup2(from_browser_write, 4)

    try:
        with headless_chromium(
            "--remote-debugging-pipe",
            "about:blank",
            pass_fds=(3, 4, to_browser_read, from_browser_write),
            preexec_fn=child_fds,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ):
            os.close(to_browser_read)
            os.close(from_browser_write)
            yield DevTools(to_browser=to_browser, from_browser=from_browser)
    finally:
        os.close(to_browser)
        os.close(from_browser)


def fonts_drawing(url: str, selectors: list[str]) -> dict[str, set[tuple[str, bool]]]:
    """For each element, the (family, is a web font) pairs its text was drawn with."""
    with devtools() as browser:
        browser.open(url)
        return {
            selector: {
                (font["familyName"], font["isCustomFont"]) for font in browser.fonts_of(selector)
            }
            for selector in selectors
        }


def issue(
    student, *, course_id: int = 4242, course_title: str = "Python", revoked: bool = False
) -> Certificate:
    return Certificate.objects.create(
        id=verification_id_new(CERTIFICATE_PREFIX),
        user=student,
        course_id=course_id,
        student_name=student.name,
        course_title=course_title,
        skills=["python", "testing"],
        revoked_at=timezone.now() if revoked else None,
        revoked_reason="Plagiarised project" if revoked else "",
    )


class TestCertificateJson:
    def test_a_valid_certificate_shows_only_what_a_verifier_needs(self, client, student):
        certificate = issue(student)
        response = client.get(f"/api/verify/certificate/{certificate.id.lower()}")
        assert response.status_code == 200
        body = response.json()
        assert body == {
            "certificate_id": certificate.id,
            "student_name": "Asha Rao",
            "course_title": "Python",
            "issued_on": certificate.issued_at.date().isoformat(),
            "skills": ["python", "testing"],
            "status": "valid",
        }
        text = response.content.decode().replace(certificate.id, "")  # its id is random
        assert student.email not in text and "4242" not in text and "user" not in text

    def test_a_revoked_certificate_is_410_certificate_revoked(self, client, student):
        certificate = issue(student, revoked=True)
        response = client.get(f"/api/verify/certificate/{certificate.id}")
        assert response.status_code == 410
        error = response.json()["error"]
        assert error["code"] == "certificate_revoked"
        assert error["details"]["status"] == "revoked"
        assert error["details"]["student_name"] == "Asha Rao"
        text = response.content.decode().replace(certificate.id, "")  # its id is random
        assert student.email not in text and "4242" not in text
        assert "Plagiarised" not in text  # the reason stays with the student and staff

    def test_unknown_or_malformed_ids_are_404(self, client):
        for certificate_id in ("OSC-0000-0000-0000-0000", "OSM-0000-0000-0000-0000", "nope"):
            response = client.get(f"/api/verify/certificate/{certificate_id}")
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "not_found"

    def test_lookups_are_rate_limited_per_client(self, client, student, settings):
        settings.VERIFY_RATE_PER_IP = "3/m"
        certificate = issue(student)
        for _ in range(3):
            assert client.get(f"/api/verify/certificate/{certificate.id}").status_code == 200
        limited = client.get(f"/api/verify/certificate/{certificate.id}")
        assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
        page = client.get(f"/verify/certificate/{certificate.id}")
        assert page.status_code == 429 and "Too many lookups" in page.content.decode()

    def test_addresses_of_one_ipv6_64_share_one_budget(self, client, student, settings):
        settings.VERIFY_RATE_PER_IP = "3/m"
        url = f"/api/verify/certificate/{issue(student).id}"
        statuses = [
            client.get(url, REMOTE_ADDR=f"2001:db8:0:1::{n:x}").status_code for n in range(1, 5)
        ]
        assert statuses == [200, 200, 200, 429]
        assert client.get(url, REMOTE_ADDR="2001:db8:0:2::1").status_code == 200


class TestPagesWithoutABrowser:
    def test_page_statuses_and_no_email(self, client, student):
        valid, revoked = (
            issue(student),
            issue(student, course_id=4243, course_title="Go", revoked=True),
        )
        page = client.get(f"/verify/certificate/{valid.id}")
        assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
        assert student.email not in page.content.decode()
        assert client.get(f"/verify/certificate/{revoked.id}").status_code == 410
        missing = client.get("/verify/certificate/OSC-0000-0000-0000-0000")
        assert missing.status_code == 404 and "Nothing to verify" in missing.content.decode()
        assert client.get("/verify/marksheet/OSM-0000-0000-0000-0000").status_code == 404

    def test_the_qr_target_is_this_page(self, student, settings):
        settings.PUBLIC_BASE_URL = "https://ourshiksha.ai"
        certificate = issue(student)
        assert certificate_page_url(certificate.id) == (
            f"https://ourshiksha.ai/verify/certificate/{certificate.id}"
        )


@needs_chromium
@pytest.mark.django_db(transaction=True)
class TestPagesInChromium:
    def test_a_valid_certificate_page_shows_name_course_and_status(self, live_server, student):
        certificate = issue(student)
        dom = rendered_dom(f"{live_server.url}/verify/certificate/{certificate.id}")
        assert 'id="student-name">Asha Rao<' in dom
        assert 'id="course-title">Python<' in dom
        assert 'id="status" class="status status-valid">Valid<' in dom
        assert student.email not in dom

    def test_a_revoked_certificate_page_says_so(self, live_server, student):
        certificate = issue(student, revoked=True)
        dom = rendered_dom(f"{live_server.url}/verify/certificate/{certificate.id}")
        assert 'id="student-name">Asha Rao<' in dom and 'id="course-title">Python<' in dom
        assert 'class="status status-revoked">Revoked<' in dom
        assert "no longer valid" in dom and "Plagiarised" not in dom

    def test_the_marksheet_page_shows_the_student_grades_and_classification(
        self, live_server, client, student
    ):
        course, tests = course_with_tests("Algebra", credits=4, tests=1)
        sit_all(student, course, tests, [91])
        client.force_login(student)
        verification_id = client.get("/api/marksheet").json()["verification_id"]
        dom = rendered_dom(f"{live_server.url}/verify/marksheet/{verification_id}")
        assert 'id="student-name">Asha Rao<' in dom
        assert 'id="classification">Distinction<' in dom
        assert "<td>Algebra</td><td>4</td><td>O</td>" in dom
        assert student.email not in dom

    @pytest.mark.parametrize(
        ("name", "families"),
        [
            ("अनन्या शर्मा", {"Noto Sans Devanagari"}),
            ("محمد عمران خان", {"Noto Nastaliq Urdu"}),
            ("Łukasz ਹਰਪ੍ਰੀਤ", {"Noto Sans", "Noto Sans Gurmukhi"}),
        ],
    )
    def test_names_and_titles_are_drawn_in_the_projects_web_fonts(
        self, live_server, name, families
    ):
        # Whatever fonts this machine has: every glyph comes from the fonts the page serves.
        student = StudentFactory(email="names@example.com", name=name)
        certificate = issue(student, course_title="கணினி அறிவியல்")
        drawn = fonts_drawing(
            f"{live_server.url}/verify/certificate/{certificate.id}",
            ["#student-name", "#course-title"],
        )
        for selector, wanted in (
            ("#student-name", families),
            ("#course-title", {"Noto Sans Tamil"}),
        ):
            assert all(web_font for _, web_font in drawn[selector]), drawn
            # A space between words may come from the Latin face of the same web font.
            used = {family for family, _ in drawn[selector]}
            assert wanted <= used <= wanted | {"Noto Sans"}, drawn
