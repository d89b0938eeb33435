"""POST /api/mithra/ask (the tutor, with a local fake OpenAI answering at once) against a
minimal DRF view, in one run: the tutor's own overhead per request, everything but the model.

Usage: .venv/bin/python bench/mithra.py [--seconds 10] [--connections 16] [--students 64]
Needs PostgreSQL, Redis and wrk on this machine. Prints req/s and p50/p99 of the minimal view,
of the fake OpenAI alone (the floor no tutor code can go below) and of the ask.
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_env, gunicorn, manage, recreate_database, report, wrk
from tests.fakes.openai import API_KEY, FakeOpenAI

SEED = """
import json
from django.test import Client
from django.utils import timezone
from accounts.models import User
from guru.models import ActionPrice, Course, Lesson, Module, PlatformSettings
from learning.models import Enrollment
from wallet.models import LedgerEntry
from wallet.services import wallet_apply

course = Course.objects.create(
    title="Python for data work", description="A practical course. " * 3, skills=["python"],
    credit_cost=30, academic_credits=4, is_published=True, first_published_at=timezone.now())
module = Module.objects.create(course=course, title="Basics", order=0)
lesson = Lesson.objects.create(
    module=module, title="Variables", order=0, content="A variable names a value. " * 200,
    tutor_context="Beginners; compare variables with labelled boxes.")
ActionPrice.objects.create(action="tutor_question", credits=2, is_chargeable=False)
# Many questions per student: the benchmark measures the tutor, not its daily cap.
PlatformSettings.objects.filter(pk=1).update(tutor_daily_question_cap=100_000)
sessions = []
for n in range({students}):
    user = User.objects.create_user(
        f"bench{{n}}@example.com", "a-long-passphrase", email_verified_at=timezone.now())
    Enrollment.objects.create(user=user, course_id=course.pk)
    wallet_apply(user=user, amount=10_000_000, kind=LedgerEntry.Kind.ADMIN_GRANT,
                 reference="bench", idempotency_key="bench-funds")
    client = Client()
    client.force_login(user)
    sessions.append(client.cookies["sessionid"].value)
print(json.dumps({{"course_id": course.pk, "lesson_id": lesson.pk, "sessions": sessions}}))
"""

# One Lua state (wrk -t1): the counter makes every Idempotency-Key unique in the run, and
# the requests rotate over the students' sessions.
ASK_SCRIPT = """
local sessions = {sessions}
local csrf = "{csrf}"
local body = [==[{body}]==]
local counter = 0
request = function()
  counter = counter + 1
  local session = sessions[(counter % #sessions) + 1]
  return wrk.format("POST", "/api/mithra/ask", {{
    ["Content-Type"] = "application/json",
    ["Cookie"] = "sessionid=" .. session .. "; csrftoken=" .. csrf,
    ["X-CSRFToken"] = csrf,
    ["Idempotency-Key"] = "bench-key-" .. counter,
  }}, body)
end
"""

FAKE_SCRIPT = """
local body = [==[{body}]==]
request = function()
  return wrk.format("POST", "/v1/chat/completions", {{
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer {key}",
  }}, body)
end
"""


def lua_script(text: str) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(text)
    return script.name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--students", type=int, default=64)
    parser.add_argument("--port", type=int, default=8093)
    args = parser.parse_args()

    env = bench_env(args.port)
    recreate_database(env)
    manage(env, "migrate", "--no-input", "-v0")
    seeded = json.loads(
        manage(env, "shell", "-v", "0", "-c", SEED.format(students=args.students)).splitlines()[-1]
    )
    env["GURU_API_KEY"] = manage(
        env, "create_api_key", "--name", "bench", "--scopes", "catalog,grading"
    )

    with FakeOpenAI() as openai:
        env.update(
            OPENAI_API_KEY=API_KEY,
            OPENAI_BASE_URL=f"{openai.url}/v1",
            OPENAI_MAX_RETRIES="0",
            MITHRA_ASK_RATE="1000000/m",
        )
        question = {
            "course_id": seeded["course_id"],
            "lesson_id": seeded["lesson_id"],
            "question": "Why does a variable keep its value after I print it?",
        }
        with gunicorn(env, args.port) as base:
            csrf = requests.get(f"{base}/api/auth/csrf", timeout=10)
            csrf.raise_for_status()
            token = csrf.cookies["csrftoken"]
            for n, session in enumerate(seeded["sessions"]):  # every worker and session warm
                answer = requests.post(
                    f"{base}/api/mithra/ask",
                    json=question,
                    cookies={"sessionid": session, "csrftoken": token},
                    headers={"X-CSRFToken": token, "Idempotency-Key": f"warm-{n:04d}"},
                    timeout=10,
                )
                answer.raise_for_status()
                requests.get(f"{base}/bench/minimal", timeout=10)
            chat_body = json.dumps(openai.completions[-1])
            ask_body = json.dumps(question)

            minimal = wrk(
                f"{base}/bench/minimal", seconds=args.seconds, connections=args.connections
            )
            fake = wrk(
                openai.url,
                seconds=args.seconds,
                connections=args.connections,
                script=lua_script(FAKE_SCRIPT.format(body=chat_body, key=API_KEY)),
            )
            sessions = "{" + ", ".join(f'"{s}"' for s in seeded["sessions"]) + "}"
            ask = wrk(
                base,
                seconds=args.seconds,
                connections=args.connections,
                script=lua_script(ASK_SCRIPT.format(sessions=sessions, csrf=token, body=ask_body)),
            )

    print(report("minimal DRF view", minimal))
    print(report("fake OpenAI alone", fake))
    print(report("POST /api/mithra/ask", ask))
    print(
        f"ask p50 minus the fake's: {ask['p50_ms'] - fake['p50_ms']:.2f} ms; "
        f"throughput ratio ask / minimal: {ask['rps'] / minimal['rps']:.2f}"
    )


if __name__ == "__main__":
    main()
