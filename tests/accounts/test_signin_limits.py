"""Sign-up and sign-in limits keyed where the attack is: per source (an IPv4 address or an
IPv6 /64, with a /48 budget above it), per (account, source) pair, per account only for
browsers and sources that never signed in to it; inboxes behind an hourly cap that never
answers differently. Time is simulated (a clock the rate-limit windows read), never slept."""

import ipaddress
import itertools
import time

import django_ratelimit.core
import pytest
from django.test.client import ClientHandler

from tests.accounts.helpers import PASSWORD, Browser, code_in
from tests.accounts.test_login_and_passwords import NEW_PASSWORD, forgot, reset
from tests.accounts.test_signup_flow import sign_up, verify

# Transactional: codes are emailed once the request's transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)


class Clock:
    """Stands in for time.time (rate-limit windows, cache expiry, the browser's cooldown)."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def clock(monkeypatch, rate_clock_held) -> Clock:
    """Frozen unless a test advances it: a fixed window's edge never falls inside a test.
    (After `rate_clock_held`, whose clock this one replaces.)"""
    clock = Clock()
    monkeypatch.setattr(time, "time", clock)
    monkeypatch.setattr(django_ratelimit.core, "time", time)  # in place of the held clock
    return clock


# One request handler for the many browsers these tests open (each keeps its own cookies):
# loading the middleware afresh per browser would make the thousand-address test crawl.
_HANDLER = ClientHandler(enforce_csrf_checks=True)


def browser_at(address: str) -> Browser:
    browser = Browser()
    browser.client.handler = _HANDLER
    browser.client.defaults["REMOTE_ADDR"] = address
    return browser


def log_in(browser: Browser, email: str, password: str = PASSWORD):
    return browser.post("/api/auth/login", {"email": email, "password": password})


def assert_rate_limited(response) -> None:
    assert response.status_code == 429, response.json()
    assert response.json()["error"]["code"] == "rate_limited"
    assert int(response["Retry-After"]) >= 1


def classroom_signs_up_verifies_and_logs_in(addresses, clock, fake_resend) -> None:
    """Students one after another within 10 simulated minutes, each in their own browser."""
    for n, address in enumerate(addresses):
        email = f"student{n}@college.example"
        browser = browser_at(address)
        assert sign_up(browser, email).status_code == 202
        fake_resend.settle()
        assert verify(browser, email, code_in(fake_resend.last_email_to(email))).status_code == 200
        browser.post("/api/auth/logout")
        assert log_in(browser_at(address), email).status_code == 200
        clock.advance(600 / len(addresses))


def test_sixty_students_behind_one_ipv4_address_sign_up_verify_and_log_in(clock, fake_resend):
    classroom_signs_up_verifies_and_logs_in(["203.0.113.7"] * 60, clock, fake_resend)


def test_sixty_students_in_one_ipv6_64_sign_up_verify_and_log_in(clock, fake_resend):
    addresses = [f"2001:db8:1:2::{n + 1:x}" for n in range(60)]
    classroom_signs_up_verifies_and_logs_in(addresses, clock, fake_resend)


def test_a_thousand_addresses_in_one_64_get_one_64s_budget(settings):
    settings.AUTH_SEND_RATE_PER_SOURCE = "5/h"
    answers = [
        forgot(browser_at(f"2001:db8:1:2:{n // 65536:x}:{n % 65536:x}::1"), "x@example.com")
        for n in range(1000)
    ]
    statuses = [response.status_code for response in answers]
    assert statuses.count(202) == 5, [n for n, status in enumerate(statuses) if status == 202]
    assert_rate_limited(answers[-1])
    # Another /64 has its own budget.
    assert forgot(browser_at("2001:db8:1:3::1"), "x@example.com").status_code == 202


def test_a_48_bounds_how_many_64_budgets_one_site_gets(settings):
    settings.AUTH_SEND_RATE_PER_SOURCE = "1/h"
    settings.RATE_LIMIT_IPV6_WIDE_FACTOR = 4
    answers = [forgot(browser_at(f"2001:db8:1:{n:x}::1"), "x@example.com") for n in range(6)]
    assert [response.status_code for response in answers] == [202] * 4 + [429] * 2
    assert forgot(browser_at("2001:db8:2:1::1"), "x@example.com").status_code == 202


def test_an_ipv4_mapped_address_counts_as_the_ipv4_address(settings):
    settings.AUTH_SEND_RATE_PER_SOURCE = "1/h"
    assert forgot(browser_at("203.0.113.9"), "x@example.com").status_code == 202
    assert_rate_limited(forgot(browser_at("::ffff:203.0.113.9"), "x@example.com"))


def test_a_password_guessed_from_fifty_addresses_is_stopped_but_the_owner_signs_in(student, clock):
    owner = browser_at("198.51.100.20")
    assert log_in(owner, student.email).status_code == 200
    owner.post("/api/auth/logout")

    answers = []
    for n, _ in itertools.product(range(50), range(3)):
        answers.append(log_in(browser_at(f"192.0.2.{n + 1}"), student.email, "guess-123456"))
    statuses = [response.status_code for response in answers]
    # The account's budget of wrong passwords from unknown places is spent, then refused.
    assert statuses.count(401) == 30 and statuses[30:] == [429] * 120
    assert_rate_limited(log_in(browser_at("192.0.2.200"), student.email))

    # The owner's browser signed in before: its own budget, from wherever it is now.
    owner.client.defaults["REMOTE_ADDR"] = "100.64.0.9"
    assert log_in(owner, student.email).status_code == 200
    # So does a new browser at the place the owner signed in from.
    assert log_in(browser_at("198.51.100.20"), student.email).status_code == 200


def test_one_pair_spends_only_its_own_budget(student):
    for _ in range(10):
        assert log_in(browser_at("192.0.2.1"), student.email, "guess-123456").status_code == 401
    assert_rate_limited(log_in(browser_at("192.0.2.1"), student.email))
    assert log_in(browser_at("192.0.2.2"), student.email).status_code == 200


def test_successful_sign_ins_never_count(student):
    for _ in range(40):
        assert log_in(browser_at("203.0.113.7"), student.email).status_code == 200
    assert log_in(browser_at("203.0.113.7"), student.email, "guess-123456").status_code == 401


def test_wrong_passwords_per_source_are_classroom_sized_and_bounded(settings):
    settings.AUTH_LOGIN_FAILURE_RATE_PER_SOURCE = "20/15m"
    for n in range(20):
        assert log_in(browser_at("203.0.113.7"), f"s{n}@example.com").status_code == 401
    assert_rate_limited(log_in(browser_at("203.0.113.7"), "late@example.com"))


def test_trusted_networks_get_higher_sign_up_and_sign_in_budgets_only(settings, student):
    settings.TRUSTED_NETWORKS = [ipaddress.ip_network("198.51.100.0/24")]
    settings.AUTH_SEND_RATE_PER_SOURCE = "1/h"
    settings.AUTH_SEND_RATE_PER_TRUSTED_SOURCE = "3/h"
    settings.AUTH_CODE_FAILURE_RATE_PER_SOURCE = "2/15m"
    partner, elsewhere = "198.51.100.5", "203.0.113.7"
    assert [forgot(browser_at(partner), "x@example.com").status_code for _ in range(4)] == [
        202,
        202,
        202,
        429,
    ]
    assert [forgot(browser_at(elsewhere), "x@example.com").status_code for _ in range(2)] == [
        202,
        429,
    ]
    # Guessing codes is never given more room, trusted or not.
    guesser = browser_at(partner)
    answers = [verify(guesser, "x@example.com", "000000").status_code for _ in range(3)]
    assert answers[:2] == [400, 400]
    assert_rate_limited(verify(guesser, "x@example.com", "000000"))


def test_a_stranger_asking_for_the_address_never_locks_the_owner_out_of_a_reset(
    student, fake_resend, clock
):
    owner = browser_at("198.51.100.20")
    assert log_in(owner, student.email).status_code == 200
    owner.post("/api/auth/logout")
    # Once a minute for an hour, from new browsers and places: the inbox cap silently
    # holds most of these sends back.
    for n in range(60):
        assert forgot(browser_at(f"192.0.2.{n + 1}"), student.email).status_code == 202
        clock.advance(60)
        fake_resend.settle()
    sent_to_strangers = len(fake_resend.emails)
    assert sent_to_strangers <= 10  # two windows of the hourly cap at most
    # The owner's own browser asks: 202 and a code, then the reset works.
    assert forgot(owner, student.email).status_code == 202
    fake_resend.settle()
    assert len(fake_resend.emails) == sent_to_strangers + 1
    code = code_in(fake_resend.last_email_to(student.email))
    assert reset(owner, student.email, code).status_code == 200
    assert log_in(Browser(), student.email, NEW_PASSWORD).status_code == 200


def test_a_strangers_signups_never_make_the_owners_browser_wait_or_its_code_invalid(
    fake_resend, clock
):
    owner, stranger = browser_at("198.51.100.20"), browser_at("192.0.2.1")
    assert sign_up(owner, "new@example.com").status_code == 202
    for _ in range(3):
        clock.advance(30)
        # From a fresh browser each time: no cookie, no cooldown of its own.
        assert (
            sign_up(browser_at("192.0.2.1"), "new@example.com", "strangers-99-x").status_code == 202
        )
    assert stranger.post("/api/auth/resend-otp", {"email": "new@example.com"}).status_code == 202
    # The owner's browser waited its own minute: a new code, which verifies.
    assert owner.post("/api/auth/resend-otp", {"email": "new@example.com"}).status_code == 202
    fake_resend.settle()
    owners_code = code_in(fake_resend.last_email_to("new@example.com"))
    assert verify(owner, "new@example.com", owners_code).status_code == 200


def test_every_address_answers_202_when_its_inbox_cap_is_spent(student, fake_resend, settings):
    settings.EMAIL_RATE_PER_ADDRESS = "1/h"
    for email in (student.email, "nobody@example.com"):
        for path, body in (
            ("/api/auth/signup", {"email": email, "password": PASSWORD, "name": "S"}),
            ("/api/auth/resend-otp", {"email": email}),
            ("/api/auth/password/forgot", {"email": email}),
        ):
            for _ in range(3):
                assert Browser().post(path, body).status_code == 202
    fake_resend.settle()
    assert len(fake_resend.emails) == 2, [(e["to"], e["subject"]) for e in fake_resend.emails]


def test_the_global_email_budget_skips_sends_silently(fake_resend, settings):
    settings.EMAIL_RATE_GLOBAL = "3/h"
    for n in range(5):
        assert sign_up(Browser(), f"s{n}@example.com").status_code == 202
    fake_resend.settle()
    assert len(fake_resend.emails) == 3


def test_the_resend_cooldown_is_the_browsers_own(fake_resend):
    browser = Browser()
    assert sign_up(browser, "tara@example.com").status_code == 202
    waiting = browser.post("/api/auth/resend-otp", {"email": "tara@example.com"})
    assert waiting.status_code == 429 and waiting.json()["error"]["code"] == "otp_cooldown"
    assert sign_up(Browser(), "tara@example.com").status_code == 202
