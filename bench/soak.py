"""The soak: deploy/'s layout on this machine under a mixed, bounded load while its parts fail.

Brings up HAProxy (deploy/haproxy.cfg), one Guru process, two student-side processes, a Celery
worker and beat (commands from deploy/Procfile), on their own PostgreSQL database and their own
Redis (append-only, its own port), with the local fakes of Resend, Razorpay, OpenAI and Judge0.
The load is locust (bench/soak_load.py, another process): virtual students sign up, redeem a
voucher, buy packs (Razorpay fake, webhooks), enroll, complete lessons, run the lab, take the
test, ask the tutor (streamed), submit the project and generate certificates; an admin edits
the lab's price and grants credits (Guru's signed call into the student side). Faults: kill -9
of one student process (back after 20 s), the worker stopped 30 s, Guru stopped 60 s, Redis
restarted. At the end it checks, prints the figures, and exits 1 when a check fails.

    .venv/bin/python bench/soak.py [--seconds 300] [--students 6]

Ports 9100-9199 (SOAK_PORT_BASE), database os_soak (SOAK_DATABASE_URL); both recreated.
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
BASE = int(os.environ.get("SOAK_PORT_BASE", "9100"))
PORTS = {
    "public": BASE + 1,
    "internal": BASE + 2,
    "guru": BASE + 21,
    "shishya1": BASE + 11,
    "shishya2": BASE + 12,
    "resend": BASE + 41,
    "razorpay": BASE + 42,
    "openai": BASE + 43,
    "judge0": BASE + 44,
    "harness": BASE + 45,
    "redis": BASE + 79,
}
DATABASE_URL = os.environ.get("SOAK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/os_soak")
WEBHOOK_SECRET = "soak-webhook-secret"
SYSTEM_KEY = "soak-system-key"
# A proxy 502 (or a connection cut mid-answer) is allowed this long after a student process is
# killed: the requests in flight on it, until two failed health checks 2 s apart take it out.
KILL_502_GRACE_SECONDS = 8
# 503s are documented while Guru or Redis is down and until the processes notice they are
# back (Guru's probe interval, the proxy's two passing checks).
RECOVERY_GRACE_SECONDS = 10
# The contract (DESIGN "Freshness"): a decision reflects every Guru change committed a second
# before the request; the request itself takes up to this long again.
PRICE_STALENESS_SECONDS = 1.0 + 1.0
DOCUMENTED_503 = {
    "cache_unavailable",
    "service_unavailable",
    "guru_unavailable",
    "unhealthy",
}


@dataclass
class Sample:
    at: float
    endpoint: str
    status: int
    code: str
    seconds: float


@dataclass
class Run:
    samples: list[Sample] = field(default_factory=list)
    timeline: list[tuple[float, str]] = field(default_factory=list)
    price_changes: list[tuple[float, int]] = field(default_factory=list)
    # Grants Guru confirmed: (Idempotency-Key, the ledger entry id of the first answer and of
    # its retry with the same key).
    grants: list[tuple[str, int, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    t0: float = 0.0

    def event(self, what: str) -> None:
        with self.lock:
            self.timeline.append((time.time(), what))
        print(f"[{time.time() - self.t0:6.1f}s] {what}", flush=True)


# --- The layout --------------------------------------------------------------------------
def soak_env() -> dict[str, str]:
    internal = f"http://127.0.0.1:{PORTS['internal']}"
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ENV": "development",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECRET_KEY": "soak-" + "s" * 50,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": f"redis://127.0.0.1:{PORTS['redis']}/0",
        "DB_POOL_MAX_SIZE": "8",
        "TRUSTED_PROXY_COUNT": "1",
        "GURU_BASE_URL": internal,
        "SHISHYA_BASE_URL": internal,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{PORTS['public']}",
        "IN_PROCESS_CALLS": "false",
        "SYSTEM_KEYS": f"guru:{SYSTEM_KEY}",
        "GURU_SYSTEM_KEY_ID": "guru",
        "GURU_SYSTEM_KEY": SYSTEM_KEY,
        "RESEND_API_KEY": "re_test_key_for_the_fake_server",
        "RESEND_API_URL": f"http://127.0.0.1:{PORTS['resend']}",
        "RAZORPAY_KEY_ID": "rzp_test_fakekeyid0001",
        "RAZORPAY_KEY_SECRET": "fake_key_secret_for_tests",
        "RAZORPAY_BASE_URL": f"http://127.0.0.1:{PORTS['razorpay']}",
        "RAZORPAY_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "OPENAI_API_KEY": "sk-test-fakeopenai0123456789abcdef",
        "OPENAI_BASE_URL": f"http://127.0.0.1:{PORTS['openai']}/v1",
        "JUDGE0_URL": f"http://127.0.0.1:{PORTS['judge0']}",
        "JUDGE0_AUTH_TOKEN": "judge0-test-token",
        # Every virtual student comes from this machine's one address: the per-source limits
        # would refuse the load itself (the per-student ones stay as shipped).
        "AUTH_SEND_RATE_PER_SOURCE": "100000/h",
        "AUTH_SEND_RATE_PER_TRUSTED_SOURCE": "100000/h",
        "AUTH_LOGIN_FAILURE_RATE_PER_SOURCE": "100000/15m",
        "AUTH_CODE_FAILURE_RATE_PER_SOURCE": "100000/15m",
        "EMAIL_RATE_GLOBAL": "100000/h",
        "GURU_PUBLIC_API_RATE": "100000/m",
        "ADMIN_AUTH_RATE_PER_IP": "1000/10m",
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": "1",
        "WORKER_CONCURRENCY": "2",
        "HEALTH_CHECK_HOST": "localhost",
        "PUBLIC_BIND": f"127.0.0.1:{PORTS['public']}",
        "INTERNAL_BIND": f"127.0.0.1:{PORTS['internal']}",
        "SHISHYA_1": f"127.0.0.1:{PORTS['shishya1']}",
        "SHISHYA_2": f"127.0.0.1:{PORTS['shishya2']}",
        "GURU_1": f"127.0.0.1:{PORTS['guru']}",
        # The soak runs no docs process: the docs route is not under load.
        "DOCS_1": f"127.0.0.1:{PORTS['guru']}",
        "HAPROXY_ERRORS_DIR": str(ROOT / "deploy" / "errors"),
    }


def procfile() -> dict[str, str]:
    lines = (ROOT / "deploy" / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip() and not line.startswith("#"))


class Layout:
    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs, self.commands = env, logs, procfile()
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: str, **extra: str) -> None:
        log = (self.logs / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            ["bash", "-c", command],
            cwd=ROOT,
            env={**self.env, **extra},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: kill -9 reaches gunicorn's workers too
        )

    def web(self, name: str) -> None:
        kind = "guru" if name == "guru" else "shishya"
        listen = {f"{kind.upper()}_LISTEN": f"127.0.0.1:{PORTS[name]}"}
        command = self.commands[kind].replace(".venv/bin/", f"{Path(PYTHON).parent}/")
        self.start(name, command, **listen)

    def celery(self, name: str, **extra: str) -> None:
        command = self.commands[name].replace(".venv/bin/", f"{Path(PYTHON).parent}/")
        self.start(name, command, **extra)

    def redis(self) -> None:
        self.start(
            "redis",
            f"redis-server --port {PORTS['redis']} --bind 127.0.0.1 --appendonly yes "
            f"--dir {self.logs} --save ''",
        )

    def haproxy(self) -> None:
        self.start("haproxy", f"haproxy -db -f {ROOT / 'deploy' / 'haproxy.cfg'}")

    def signal(self, name: str, sig: int) -> None:
        process = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        if sig in (signal.SIGKILL, signal.SIGTERM):
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)

    def stop_all(self) -> None:
        for name in reversed(list(self.processes)):
            if self.processes[name].poll() is None:
                self.signal(name, signal.SIGTERM)


def wait_until(check, what: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if check():
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"timed out waiting for {what}")


def live(port: int) -> bool:
    return requests.get(f"http://127.0.0.1:{port}/api/health/live", timeout=2).ok


def manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout


def prepare_database(env: dict[str, str]) -> None:
    server, name = DATABASE_URL.rsplit("/", 1)
    for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", f"{server}/postgres", "-qc", sql], check=True)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "load_demo_content")


# --- Django in this process: setup, the admin's token, the end checks ----------------------
def django_setup(env: dict[str, str]) -> None:
    for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY"):
        os.environ[name] = env[name]
    os.environ["DB_POOL"] = "false"
    import django

    django.setup()


def credentials() -> tuple[str, str]:
    """Guru's public API key for the student side, and an admin's bearer token."""
    from accounts.models import User
    from guru.models import AdminSession
    from guru.services.api_keys import api_key_create
    from guru.tokens import admin_tokens_issue

    key = api_key_create(name="soak", scopes=["catalog", "grading"]).plain_key
    admin = User.objects.create_superuser("soak.admin@example.com", uuid.uuid4().hex)
    session = AdminSession.objects.create(
        user=admin, channel=AdminSession.Channel.API, credentials_version=admin.credentials_version
    )
    return key, admin_tokens_issue(session=session).access


# --- The load ----------------------------------------------------------------------------
class Harness(ThreadingHTTPServer):
    """What the load (another process) asks of the fakes in this one: the code the Resend fake
    received for an address (GET /otp?email=), a payment in the Razorpay fake's checkout
    (POST /checkout?order_id=)."""

    def __init__(self, fakes: dict) -> None:
        self.fakes = fakes
        super().__init__(("127.0.0.1", PORTS["harness"]), _HarnessHandler)


class _HarnessHandler(BaseHTTPRequestHandler):
    server: Harness

    def do_GET(self) -> None:
        query = parse_qs(urlsplit(self.path).query)
        sent = [e for e in self.server.fakes["resend"].emails if query["email"][0] in e["to"]]
        found = sent and re.search(r"\b(\d{6})\b", sent[-1].get("text") or sent[-1]["html"])
        if found:
            self._answer(200, {"otp": found.group(1)})
        else:
            self._answer(404, {})

    def do_POST(self) -> None:
        query = parse_qs(urlsplit(self.path).query)
        self._answer(200, self.server.fakes["razorpay"].pay(query["order_id"][0]))

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


def load(env: dict[str, str], content: dict, students: int, seconds: float, out: Path):
    """locust, headless, running bench/soak_load.py's users for seconds: students journeys
    and one admin. Returns the process; what happened lands in out/*.jsonl."""
    config = content | {"out": str(out), "harness": f"http://127.0.0.1:{PORTS['harness']}"}
    return subprocess.Popen(
        [
            str(Path(PYTHON).parent / "locust"),
            "-f",
            str(ROOT / "bench" / "soak_load.py"),
            "--headless",
            "--only-summary",
            "--host",
            f"http://127.0.0.1:{PORTS['public']}",
            "--users",
            str(students + 1),
            "--spawn-rate",
            str(students + 1),
            "--run-time",
            f"{seconds:.0f}s",
            "--stop-timeout",
            "30",
            "--exit-code-on-error",
            "0",
        ],
        cwd=ROOT,
        env=env | {"SOAK_LOAD": json.dumps(config)},
        stdout=(out / "locust.log").open("w"),
        stderr=subprocess.STDOUT,
    )


def read_load(run: Run, out: Path) -> None:
    def rows(name: str) -> list[list]:
        path = out / f"{name}.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    run.samples = [Sample(*row) for row in rows("samples")]
    run.price_changes = [tuple(row) for row in rows("price_changes")]
    run.grants = [tuple(row) for row in rows("grants")]


# --- Faults ------------------------------------------------------------------------------
def faults(run: Run, layout: Layout, seconds: float, stop: threading.Event) -> None:
    scale = seconds / 300

    def at(offset: float) -> bool:
        return not stop.wait(max(0.0, run.t0 + offset * scale - time.time()))

    if at(30):
        run.event("kill -9 shishya1")
        layout.signal("shishya1", signal.SIGKILL)
    if at(50):
        layout.web("shishya1")
        run.event("shishya1 restarted")
    if at(80):
        run.event("worker stopped")
        layout.signal("worker", signal.SIGTERM)
    if at(110):
        layout.celery("worker")
        run.event("worker restarted")
    if at(140):
        run.event("guru stopped")
        layout.signal("guru", signal.SIGTERM)
    if at(200):
        layout.web("guru")
        run.event("guru restarted")
    if at(240):
        run.event("redis stopped")
        layout.signal("redis", signal.SIGTERM)
        time.sleep(3)
        layout.redis()
        wait_until(
            lambda: (
                subprocess.run(
                    ["redis-cli", "-p", str(PORTS["redis"]), "ping"], capture_output=True
                ).returncode
                == 0
            ),
            "redis",
        )
        run.event("redis restarted")


# --- Checks and figures ------------------------------------------------------------------
def windows(run: Run) -> dict[str, list[tuple[float, float]]]:
    found: dict[str, list[tuple[float, float]]] = defaultdict(list)
    starts: dict[str, float] = {}
    for at, what in run.timeline:
        name = what.split()[-2] if what.endswith(("stopped", "restarted")) else "kill"
        if what.startswith("kill"):
            found["kill"].append((at, at + KILL_502_GRACE_SECONDS))
        elif what.endswith("stopped"):
            starts[what.split()[0]] = at
        elif what.endswith("restarted") and what.split()[0] in starts:
            name = what.split()[0]
            found[name].append((starts.pop(name), at + RECOVERY_GRACE_SECONDS))
    return found


def checks(run: Run, fakes: dict) -> list[tuple[str, bool, str]]:
    from django.db.models import Sum

    from accounts.models import OutboxEmail
    from payments.models import Order
    from wallet.models import LedgerEntry, Wallet

    results = []
    ledger = dict(
        LedgerEntry.objects.values("wallet_id")
        .annotate(total=Sum("amount"))
        .values_list("wallet_id", "total")
    )
    wrong = [w.pk for w in Wallet.objects.all() if w.balance != ledger.get(w.pk, 0)]
    results.append(("every wallet equals its ledger", not wrong, f"{len(wrong)} differ"))

    captured = [p for p in fakes["razorpay"].payments.values() if p["status"] == "captured"]
    credited = Counter(
        LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PURCHASE).values_list(
            "idempotency_key", flat=True
        )
    )
    not_once = [p["id"] for p in captured if credited[f"razorpay-payment:{p['id']}"] != 1]
    results.append(
        (
            "every captured payment credited exactly once",
            not not_once,
            f"{len(captured)} captured, {len(not_once)} not credited once; "
            f"{Order.objects.filter(status='paid').count()} orders paid",
        )
    )

    resend = fakes["resend"]
    delivered_keys = Counter(
        r.headers.get("idempotency-key") for r in resend.requests if r.path == "/emails"
    )
    sent = set(
        str(pk) for pk in OutboxEmail.objects.filter(status="sent").values_list("id", flat=True)
    )
    pending = OutboxEmail.objects.filter(status="pending").count()
    keyless = delivered_keys.pop(None, 0)
    unknown = set(delivered_keys) - sent
    missing = sent - set(delivered_keys)
    results.append(
        (
            "every email delivered exactly once",
            not keyless and not unknown and not missing and pending == 0,
            f"{len(sent)} sent, {resend.deliveries} delivered, {pending} pending, "
            f"{len(missing)} sent but not delivered, {len(unknown)} delivered unknown, "
            f"{sum(delivered_keys.values()) - len(delivered_keys)} repeated requests deduplicated",
        )
    )

    grant_keys = list(
        LedgerEntry.objects.filter(kind=LedgerEntry.Kind.ADMIN_GRANT).values_list(
            "idempotency_key", flat=True
        )
    )
    granted_once = sum(
        1 for key, _, _ in run.grants if sum(k.endswith(key) for k in grant_keys) == 1
    )
    same_answer = sum(1 for _, first, retry in run.grants if first == retry)
    results.append(
        (
            "every admin grant (sent twice) credited exactly once",
            granted_once == same_answer == len(run.grants) > 0,
            f"{len(run.grants)} grants confirmed, {granted_once} in the ledger once, "
            f"{same_answer} retries answered with the first entry",
        )
    )

    redeem = [s for s in run.samples if s.endpoint == "POST /api/wallet/voucher/redeem"]
    answered = sum(1 for s in redeem if s.status == 200)
    cut = sum(1 for s in redeem if s.status == 0)
    per_wallet = Counter(
        LedgerEntry.objects.filter(kind=LedgerEntry.Kind.VOUCHER).values_list(
            "wallet_id", flat=True
        )
    )
    rows = sum(per_wallet.values())
    results.append(
        (
            "every voucher redemption credited once per student",
            answered <= rows <= answered + cut and set(per_wallet.values()) <= {1} and rows > 0,
            f"{answered} answered 200, {rows} ledger rows, {cut} cut mid-answer",
        )
    )

    spans = windows(run)

    def within(name: str, sample: Sample) -> bool:
        # By when the answer came: a request sent just before a fault may end in it.
        return any(start <= sample.at + sample.seconds <= end for start, end in spans[name])

    bad = Counter()
    for sample in run.samples:
        if 0 < sample.status < 500:
            continue
        # In flight on the killed process: the proxy's 502, or the connection cut mid-answer.
        if sample.status in (0, 502) and within("kill", sample):
            continue
        if (
            sample.status == 503
            and sample.code in DOCUMENTED_503
            and (within("guru", sample) or within("redis", sample))
        ):
            continue
        # Guru's documented answer when the student side could not take its grant.
        if (
            sample.status == 502
            and sample.code == "shishya_unavailable"
            and (within("kill", sample) or within("redis", sample))
        ):
            continue
        bad[(sample.endpoint, sample.status, sample.code)] += 1
    results.append(
        (
            f"no 5xx but documented 503s (and Guru's 502 for a grant) during outages, 502s "
            f"only <= {KILL_502_GRACE_SECONDS}s after the kill",
            not bad,
            ", ".join(f"{e} {s} {c or '-'} x{n}" for (e, s, c), n in bad.most_common(8)) or "none",
        )
    )

    redis_down = [(s, e - RECOVERY_GRACE_SECONDS) for s, e in spans.get("redis", [])]
    limited = ("POST /api/auth/signup", "POST /api/auth/verify-otp", "POST /api/auth/login")
    leaked = [
        s
        for s in run.samples
        if s.endpoint in limited
        and s.status < 300
        and any(start + 1 <= s.at and s.at + s.seconds <= end for start, end in redis_down)
    ]
    results.append(
        ("rate-limited requests fail closed while Redis is down", not leaked, f"{len(leaked)}")
    )

    changes = sorted(run.price_changes)

    def prices_between(start: float, end: float) -> set[int]:
        current = 1
        seen = set()
        for at, credits in changes:
            if at <= start:
                current = credits
            elif at <= end:
                seen.add(credits)
        return seen | {current}

    stale = 0
    charges = LedgerEntry.objects.filter(
        kind=LedgerEntry.Kind.DEDUCTION, reference__startswith="lab_run:"
    )
    for entry in charges:
        at = entry.created_at.timestamp()
        if -entry.amount not in prices_between(at - PRICE_STALENESS_SECONDS, at):
            stale += 1
    results.append(
        (
            f"no lab charged at a price older than {PRICE_STALENESS_SECONDS:.0f}s",
            stale == 0,
            f"{charges.count()} lab charges, {len(changes)} price changes, {stale} stale",
        )
    )
    return results


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def figures(run: Run, seconds: float) -> str:
    by_endpoint: dict[str, list[Sample]] = defaultdict(list)
    for sample in run.samples:
        by_endpoint[sample.endpoint].append(sample)
    lines = [
        f"requests: {len(run.samples)} in {seconds:.0f} s ({len(run.samples) / seconds:.1f}/s)",
        "",
        "| status | code | count |",
        "| --- | --- | --- |",
    ]
    for (status, code), n in sorted(Counter((s.status, s.code) for s in run.samples).items()):
        lines.append(f"| {status} | {code or '-'} | {n} |")
    lines += [
        "",
        "| endpoint | requests | p50 ms | p99 ms | answers other than 2xx |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, samples in sorted(by_endpoint.items(), key=lambda kv: -len(kv[1])):
        times = [s.seconds * 1000 for s in samples]
        others = Counter((s.status, s.code) for s in samples if not 200 <= s.status < 300)
        other = ", ".join(f"{n} {st} {c or ''}".strip() for (st, c), n in sorted(others.items()))
        lines.append(
            f"| `{name}` | {len(samples)} | {percentile(times, 0.5):.0f} | "
            f"{percentile(times, 0.99):.0f} | {other or '-'} |"
        )
    lines += ["", "| t (s) | fault |", "| --- | --- |"]
    lines += [f"| {at - run.t0:.0f} | {what} |" for at, what in run.timeline]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--students", type=int, default=6)
    args = parser.parse_args()
    for tool in ("haproxy", "redis-server", "redis-cli", "psql"):
        if shutil.which(tool) is None:
            print(f"soak: {tool} is not installed")
            return 2

    env = soak_env()
    logs = Path(tempfile.mkdtemp(prefix="soak-"))
    print(f"soak: logs in {logs}", flush=True)
    prepare_database(env)
    django_setup(env)
    from django.utils import timezone

    from guru.models import ActionPrice, CreditPack, Project, Test, Voucher
    from guru.models import Course as GuruCourse
    from tests.fakes.judge0 import FakeJudge0
    from tests.fakes.openai import FakeOpenAI
    from tests.fakes.razorpay import FakeRazorpay
    from tests.fakes.resend import FakeResend
    from tests.fakes.server import FakeServer

    key, token = credentials()
    lab_price = ActionPrice.objects.get(action="lab_run")
    env["GURU_API_KEY"] = key
    course = GuruCourse.objects.get()
    test = Test.objects.get(course=course)
    content = {
        "course": course.pk,
        "lessons": [
            lesson.pk
            for module in course.modules.order_by("order")
            for lesson in module.lessons.order_by("order")
        ],
        "lab": course.labs.get().pk,
        "test": test.pk,
        "answers": {str(q.pk): q.correct_answer for q in test.questions.all()},
        "project": Project.objects.get(course=course).pk,
        "pack": CreditPack.objects.order_by("pk").first().pk,
        "voucher": Voucher.objects.create(
            code="SOAK40",
            credits=40,
            valid_from=timezone.now() - timedelta(days=1),
            valid_until=timezone.now() + timedelta(days=1),
            max_redemptions=1_000_000,
        ).code,
        "lab_price": lab_price.pk,
        "admin_token": token,
        "webhook_secret": WEBHOOK_SECRET,
    }

    fakes = {}
    for name, cls in (
        ("resend", FakeResend),
        ("razorpay", FakeRazorpay),
        ("openai", FakeOpenAI),
        ("judge0", FakeJudge0),
    ):
        fake = cls()
        # Each fake on the soak's own port (the classes pick a free one by default).
        fake._server.server_close()
        FakeServer.__init__(fake, port=PORTS[name])
        fakes[name] = fake.__enter__()

    layout = Layout(env, logs)
    run = Run()
    status = 1
    harness = Harness(fakes)
    threading.Thread(target=harness.serve_forever, daemon=True).start()
    try:
        layout.redis()
        wait_until(lambda: live_redis(), "redis")
        for name in ("guru", "shishya1", "shishya2"):
            layout.web(name)
        layout.celery("worker")
        layout.celery("beat", BEAT_SCHEDULE_FILE=str(logs / "celerybeat-schedule"))
        for name in ("guru", "shishya1", "shishya2"):
            wait_until(lambda port=PORTS[name]: live(port), name, 120)
        layout.haproxy()
        wait_until(lambda: live(PORTS["public"]), "the proxy", 30)

        stop = threading.Event()
        run.t0 = time.time()
        run.event(f"load: {args.students} students and one admin for {args.seconds:.0f} s")
        locust = load(env, content, args.students, args.seconds, logs)
        injector = threading.Thread(
            target=faults, args=(run, layout, args.seconds, stop), daemon=True
        )
        injector.start()
        locust.wait()
        stop.set()
        run.event("load stopped")
        injector.join(120)
        read_load(run, logs)
        # The worker finishes what the load queued (emails) before the checks read it.
        from accounts.models import OutboxEmail

        deadline = time.time() + 120
        while OutboxEmail.objects.filter(status="pending").exists() and time.time() < deadline:
            time.sleep(1)

        (logs / "samples.json").write_text(json.dumps([vars(sample) for sample in run.samples]))
        print()
        print(figures(run, args.seconds))
        print()
        results = checks(run, fakes)
        for name, passed, detail in results:
            print(f"{'PASS' if passed else 'FAIL'}  {name}: {detail}")
        status = 0 if all(passed for _, passed, _ in results) else 1
    finally:
        harness.shutdown()
        layout.stop_all()
        for fake in fakes.values():
            fake.__exit__(None, None, None)
    return status


def live_redis() -> bool:
    command = ["redis-cli", "-p", str(PORTS["redis"]), "ping"]
    return subprocess.run(command, capture_output=True).returncode == 0


if __name__ == "__main__":
    sys.exit(main())
