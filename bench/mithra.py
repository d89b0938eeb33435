"""POST /api/mithra/ask at scale, streamed: `--students` students (200) each start one question,
evenly over `--ramp` seconds (10), against a local fake OpenAI that streams one chunk every
`--chunk-ms` (50) for `--chunks` chunks (100: 5 s), on the production server (gunicorn, 2
uvicorn workers, PostgreSQL with psycopg's pool of the production size, Redis). Meanwhile,
and before with no tutor load, in the same run: GET /api/wallet/balance and GET /api/courses
from another process, open loop (`--probe-rate` a second each, every request started on
schedule and timed from then), for `--probe-students` students who ask nothing. Then the
ledger is checked: every question answered and charged exactly once.

Prints time to first token and time to the final event, the tutor's own overhead per question
(the fake's writing time taken off), the CPU the server and the harness used, the server's
threads, and p50/p99 of the two reads idle and under tutor load. Exits non-zero if a question
was not answered, or was charged other than once.

Usage: .venv/bin/python bench/mithra.py [--students 200] [--ramp 10] [--port 18400]
       .venv/bin/python bench/mithra.py --sync --code DIR   (the sync server of another
       checkout, e.g. `git archive main`: questions as JSON, one thread per question)
Needs PostgreSQL and Redis on this machine; uses ports port .. port + 2.
"""

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path

import aiohttp
import httpx2
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    ASGI_SERVER,
    ROOT,
    SYNC_SERVER,
    bench_env,
    database_seeded,
    gunicorn,
    manage,
)
from tests.fakes.openai import API_KEY, FakeOpenAI

SEED = """
import json
from django.test import Client
from django.utils import timezone
from accounts.models import User
from guru.models import ActionPrice, Course, Lesson, Module, PlatformSettings
from learning.models import Enrollment
from wallet.models import LedgerEntry, Wallet
from wallet.services import wallet_apply

course = Course.objects.create(
    title="Python for data work", description="A practical course. " * 3, skills=["python"],
    credit_cost=30, academic_credits=4, is_published=True, first_published_at=timezone.now())
module = Module.objects.create(course=course, title="Basics", order=0)
lesson = Lesson.objects.create(
    module=module, title="Variables", order=0, content="A variable names a value. " * 200,
    tutor_context="Beginners; compare variables with labelled boxes.")
ActionPrice.objects.create(action="tutor_question", credits=2, is_chargeable=False)
PlatformSettings.objects.filter(pk=1).update(tutor_daily_question_cap=100_000)
sessions = []
for n in range({students} + {probe_students}):
    user = User.objects.create_user(
        f"bench{{n}}@example.com", None, email_verified_at=timezone.now())  # no hashing
    Enrollment.objects.create(user=user, course_id=course.pk)
    wallet_apply(user=user, amount=1000, kind=LedgerEntry.Kind.ADMIN_GRANT,
                 reference="bench", idempotency_key="bench-funds")
    # Verified before the run: their welcome credits were settled then, as at verification.
    Wallet.objects.filter(user=user).update(welcome_settled_at=timezone.now())
    client = Client()
    client.force_login(user)
    sessions.append(client.cookies["sessionid"].value)
print(json.dumps({{
    "course_id": course.pk, "lesson_id": lesson.pk,
    "sessions": sessions[:{students}], "probe_sessions": sessions[{students}:],
}}))
"""

# Every question answered once, every answer charged once, every wallet equal to its ledger.
LEDGER_CHECK = """
import json
from django.db.models import Count, Sum
from mithra.models import Ask
from wallet.models import LedgerEntry, Wallet
asks = Ask.objects.filter(idempotency_key__startswith="bench-q-")
charges = LedgerEntry.objects.filter(reference__startswith="tutor_question:")
twice = charges.values("reference").annotate(n=Count("id")).filter(n__gt=1).count()
off = [w.pk for w in Wallet.objects.all()
       if w.balance != (w.entries.aggregate(total=Sum("amount"))["total"] or 0)]
print(json.dumps({
    "asks": asks.count(),
    "answered": asks.filter(status=Ask.Status.ANSWERED).count(),
    "charges": charges.count(),
    "credits_charged": -(charges.aggregate(total=Sum("amount"))["total"] or 0),
    "charged_twice": twice,
    "wallets_off_ledger": len(off),
}))
"""


# Questions asked before the load (not measured; charged and checked like the others).
WARM_QUESTIONS = 4


def _fake(port: int, chunks: int, chunk_seconds: float, pipe: Connection) -> None:
    """The fake OpenAI in a process of its own (its 200 writing threads do not share the load
    generator's interpreter); answers the pipe with how long each answer took to write."""
    with FakeOpenAI(port=port) as fake:
        fake.answer = " ".join(f"word{n}" for n in range(chunks))
        fake.chunk_delay = chunk_seconds
        pipe.send(fake.url)
        pipe.recv()
        pipe.send(fake.answer_seconds)


def _probe(base: str, sessions: list[str], seconds: float, rate: float, pipe: Connection) -> None:
    """GET /api/wallet/balance (students in turn) and GET /api/courses, `rate` times a second
    each for `seconds`, open loop; answers the pipe with their latencies (ms) and failures."""
    pipe.send(asyncio.run(_probe_requests(base, sessions, seconds, rate)))


async def _probe_requests(
    base: str, sessions: list[str], seconds: float, rate: float
) -> tuple[dict[str, list[float]], int]:
    """Request n of each read starts at n / rate seconds whatever the earlier ones are doing,
    on a connection of its own if the others are busy, and is timed from that scheduled start:
    a server that stalls does not slow the probe down and so hide its own stalls."""
    latencies: dict[str, list[float]] = {"balance": [], "courses": []}
    failures = 0
    limits = httpx2.Limits(max_connections=None, max_keepalive_connections=None)
    async with httpx2.AsyncClient(limits=limits, timeout=httpx2.Timeout(120.0)) as client:
        loop = asyncio.get_running_loop()
        start = loop.time()

        async def read(name: str, url: str, headers: dict[str, str], due: float) -> None:
            nonlocal failures
            await asyncio.sleep(max(0.0, due - loop.time()))
            try:
                reply = await client.get(base + url, headers=headers)
                failures += reply.status_code != 200
            except httpx2.HTTPError:
                failures += 1
            latencies[name].append((loop.time() - due) * 1000)

        reads = []
        for n in range(round(seconds * rate)):
            due = start + n / rate
            cookie = {"Cookie": f"sessionid={sessions[n % len(sessions)]}"}
            reads.append(read("balance", "/api/wallet/balance", cookie, due))
            reads.append(read("courses", "/api/courses", {}, due))
        await asyncio.gather(*reads)
    return latencies, failures


def _start_probe(base: str, sessions: list[str], seconds: float, rate: float):
    ours, theirs = multiprocessing.Pipe()
    process = multiprocessing.Process(target=_probe, args=(base, sessions, seconds, rate, theirs))
    process.start()
    return process, ours


async def _ask(
    client: aiohttp.ClientSession,
    base: str,
    n: int,
    session: str,
    csrf: str,
    body: dict,
    *,
    sse: bool,
) -> dict:
    headers = {
        "X-CSRFToken": csrf,
        "Idempotency-Key": f"bench-q-{n:05d}",
        "Cookie": f"sessionid={session}; csrftoken={csrf}",
    }
    if sse:
        headers["Accept"] = "text/event-stream"
    sent = time.monotonic()
    first = None
    final: dict = {}
    async with client.post(f"{base}/api/mithra/ask", json=body, headers=headers) as reply:
        if not sse or reply.status != 200:
            final = json.loads(await reply.read())
        else:
            # Bytes as they come, read no further than needed: this process shares the machine
            # with the server, and its own queueing would count as the tutor's.
            received = []
            async for data in reply.content.iter_any():
                if first is None and b"event: delta" in data:
                    first = time.monotonic()
                received.append(data)
            last = b"".join(received).rstrip(b"\n").rsplit(b"\n\n", 1)[-1]
            name, _, data = last.partition(b"\ndata: ")
            if name in (b"event: done", b"event: error"):
                final = json.loads(data)
        status = reply.status
    done = time.monotonic()
    return {
        "ok": status == 200 and "credits_charged" in final,
        "status": f"{status} {(final.get('error') or {}).get('code', '')}".strip(),
        "ttft": ((first or done) - sent) * 1000,
        "total": (done - sent) * 1000,
        "charged": final.get("credits_charged"),
    }


async def _load(base: str, sessions: list[str], csrf: str, body: dict, args) -> list[dict]:
    # aiohttp (C parsers) for the load: it shares the machine with the server, so it should
    # take as little of it as it can (a third of what httpx2 took for the same streams).
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=300)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as client:
        start = time.monotonic()

        async def one(n: int) -> dict:
            await asyncio.sleep(max(0.0, start + n * args.ramp / args.students - time.monotonic()))
            try:
                return await _ask(
                    client, base, n, sessions[n % len(sessions)], csrf, body, sse=not args.sync
                )
            except (aiohttp.ClientError, TimeoutError) as exc:
                return {"ok": False, "status": type(exc).__name__, "ttft": 0, "total": 0}

        return await asyncio.gather(*(one(n) for n in range(args.students)))


def _server_pids(port: int) -> set[str]:
    """The gunicorn master serving port and its workers."""
    found = subprocess.run(
        ["pgrep", "-f", f"gunicorn .*-b 127.0.0.1:{port} "], capture_output=True, text=True
    ).stdout.split()
    pids = set(found)
    for pid in found:
        pids |= set(
            subprocess.run(["pgrep", "-P", pid], capture_output=True, text=True).stdout.split()
        )
    return pids


def _cpu_seconds(pids: set[str]) -> float:
    """CPU time used so far by these processes."""
    ticks = 0
    for pid in pids:
        with contextlib.suppress(FileNotFoundError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _server_threads(pids: set[str]) -> int:
    """Threads these processes have now."""
    threads = 0
    for pid in pids:
        with contextlib.suppress(FileNotFoundError):
            threads += len(list(Path(f"/proc/{pid}/task").iterdir()))
    return threads


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def _line(name: str, values: list[float]) -> str:
    return (
        f"{name:<34} n={len(values):<4} p50 {_pct(values, 50):>8.1f} ms   "
        f"p99 {_pct(values, 99):>8.1f} ms   max {max(values):>8.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--ramp", type=float, default=10.0)
    parser.add_argument("--chunks", type=int, default=100)
    parser.add_argument("--chunk-ms", type=float, default=50.0)
    parser.add_argument("--probe-seconds", type=float, default=10.0)
    parser.add_argument("--probe-rate", type=float, default=10.0, help="per endpoint, per second")
    parser.add_argument(
        "--probe-students", type=int, default=10, help="the reads' own, who never ask"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=18400)
    parser.add_argument("--sync", action="store_true", help="the sync server (gthread, 4 threads)")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to serve")
    args = parser.parse_args()
    if args.students < WARM_QUESTIONS:
        parser.error(f"--students: at least {WARM_QUESTIONS} (the first warm the server)")

    env = bench_env(args.port)
    env.pop("DB_POOL_MAX_SIZE", None)  # the production pool: the settings' default
    seed = SEED.format(students=args.students, probe_students=args.probe_students)
    printed = database_seeded(env, seed=seed, scopes="catalog,grading", code=args.code)
    seeded = json.loads(printed.split("\n")[-1])
    ours, theirs = multiprocessing.Pipe()
    fake = multiprocessing.Process(  # a daemon: a run that fails never waits on it
        target=_fake, args=(args.port + 2, args.chunks, args.chunk_ms / 1000, theirs), daemon=True
    )
    fake.start()
    env.update(
        OPENAI_API_KEY=API_KEY,
        OPENAI_BASE_URL=f"{ours.recv()}/v1",
        OPENAI_MAX_RETRIES="0",
        MITHRA_ASK_RATE="1000000/m",
    )
    sessions, probe_sessions = seeded["sessions"], seeded["probe_sessions"]
    body = {
        "course_id": seeded["course_id"],
        "lesson_id": seeded["lesson_id"],
        "question": "Why does a variable keep its value after I print it?",
    }
    server = SYNC_SERVER if args.sync else ASGI_SERVER
    with gunicorn(env, args.port, workers=args.workers, server=server, code=args.code) as base:
        csrf = requests.get(f"{base}/api/auth/csrf", timeout=10).cookies["csrftoken"]
        for session in (
            sessions + probe_sessions
        ):  # welcome credits settled, sessions and Guru's copies warm
            requests.get(
                f"{base}/api/wallet/balance", cookies={"sessionid": session}, timeout=30
            ).raise_for_status()
        requests.get(f"{base}/api/courses", timeout=30).raise_for_status()
        for n in range(WARM_QUESTIONS):  # every worker's model client and code paths warm
            warm = requests.post(
                f"{base}/api/mithra/ask",
                json=body,
                cookies={"sessionid": sessions[n], "csrftoken": csrf},
                headers={"X-CSRFToken": csrf, "Idempotency-Key": f"bench-q-warm-{n}"},
                timeout=60,
            )
            warm.raise_for_status()

        probe, probe_pipe = _start_probe(base, probe_sessions, args.probe_seconds, args.probe_rate)
        idle, idle_failures = probe_pipe.recv()
        probe.join()

        answer_seconds = args.chunks * args.chunk_ms / 1000
        busy_start = min(args.ramp / 2, answer_seconds)  # when about half are in flight
        probe_seconds = args.ramp + answer_seconds - busy_start
        started = time.monotonic()
        pids = _server_pids(args.port)
        # The load generator (this process) and the fake share the machine with the server.
        harness = {"load": {str(os.getpid())}, "fake": {str(fake.pid)}}
        cpu_before = _cpu_seconds(pids)
        harness_cpu_before = {name: _cpu_seconds(p) for name, p in harness.items()}
        threads_idle = _server_threads(pids)
        threads_most = threads_idle

        async def load_with_probe():
            nonlocal threads_most
            load = asyncio.ensure_future(_load(base, sessions, csrf, body, args))
            await asyncio.sleep(busy_start)
            probe = _start_probe(base, probe_sessions, probe_seconds, args.probe_rate)
            while not load.done():
                threads_most = max(threads_most, _server_threads(pids))
                await asyncio.sleep(0.5)
            return await load, probe

        results, (loaded_probe, loaded_pipe) = asyncio.run(load_with_probe())
        load_seconds = time.monotonic() - started
        server_cpu = _cpu_seconds(pids) - cpu_before
        harness_cpu = {n: _cpu_seconds(p) - harness_cpu_before[n] for n, p in harness.items()}
        loaded, loaded_failures = loaded_pipe.recv()
        loaded_probe.join()
        wall = time.monotonic() - started
    ours.send("stop")
    written = ours.recv()
    fake.join()
    check = json.loads(manage(env, "shell", "-v", "0", "-c", LEDGER_CHECK).splitlines()[-1])

    answered = [r for r in results if r["ok"]]
    failed = [r["status"] for r in results if not r["ok"]]
    print(
        f"server: {'sync (gthread, 4 threads)' if args.sync else 'ASGI (uvicorn workers)'}, "
        f"{args.workers} workers; {args.students} questions over {args.ramp:.0f} s; the fake "
        f"writes {args.chunks} chunks, one per {args.chunk_ms:.0f} ms; all done in {wall:.1f} s"
    )
    print(f"answered {len(answered)}/{len(results)}; failed: {dict(Counter(failed))}")
    fake_ms = [s * 1000 for s in written]
    if answered:
        print(_line("time to first token", [r["ttft"] for r in answered]))
        print(_line("time to the final event", [r["total"] for r in answered]))
        print(_line("the fake writing one answer", fake_ms))
        overhead_p50 = _pct([r["total"] for r in answered], 50) - statistics.median(fake_ms)
        print(f"tutor overhead per question (p50 total - p50 fake): {overhead_p50:.1f} ms")
    print(
        f"server CPU during the load (probe included): {server_cpu:.1f} s, "
        f"{server_cpu / args.students * 1000:.1f} ms per question; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(
        f"meanwhile, CPU of the load generator {harness_cpu['load']:.1f} s and of the fake "
        f"{harness_cpu['fake']:.1f} s; the load took {load_seconds:.1f} s"
    )
    print(
        f"server threads (master and workers): {threads_idle} before the load, at most "
        f"{threads_most} during it"
    )
    for name in ("balance", "courses"):
        ratio = _pct(loaded[name], 99) / _pct(idle[name], 99)
        print(_line(f"GET {name} idle", idle[name]))
        print(_line(f"GET {name} under tutor load", loaded[name]))
        print(f"  p99 under load / idle: {ratio:.2f}")
    print(f"probe failures: idle {idle_failures}, under load {loaded_failures}")
    print(
        f"ledger: {check['answered']}/{check['asks']} asks answered, {check['charges']} charges "
        f"({check['credits_charged']} credits), charged twice: {check['charged_twice']}, "
        f"wallets off their ledger: {check['wallets_off_ledger']}"
    )
    expected = args.students + WARM_QUESTIONS
    once = check["charges"] == check["answered"] == len(answered) + WARM_QUESTIONS == expected
    if not once or check["charged_twice"] or check["wallets_off_ledger"]:
        sys.exit("FAILED: not every question answered and charged exactly once")


if __name__ == "__main__":
    main()
