"""POST /api/wallet/deduct through the full stack (session, CSRF, Idempotency-Key, Guru price,
ledger) against random wallets and one hot wallet, beside a bare locked-update view and
pgbench TPC-B on the same database, in one run (rounds interleaving all five loads; medians
reported); then checks no credit was lost or doubled.

Usage: .venv/bin/python bench/wallet.py [--seconds 10] [--connections 16] [--students 200]
                                        [--rounds 3] [--code DIR] [--sync]
With --code, another checkout (e.g. `git worktree add DIR <commit>`) is served beside this one,
on its own database (the name with `_code` appended) and the next Redis database, and its bare
and full loads run in the same rounds: both codes' figures side by side (each on the server it
ships: uvicorn workers, or the sync gthread server before them). --sync serves this code on the
sync server too, to tell the code's cost from the server's.
Needs PostgreSQL (with pgbench), Redis and wrk on this machine.
"""

import argparse
import json
import re
import secrets
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    ASGI_SERVER,
    ROOT,
    SYNC_SERVER,
    bench_env,
    bench_env_beside,
    database_seeded,
    gunicorn,
    manage,
    report,
    server_of,
    wrk,
)

START_CREDITS = 10_000_000

SEED = """
import json, secrets
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.utils import timezone
from accounts.models import User
from guru.models import ActionPrice
from wallet.models import LedgerEntry
from wallet.services import wallet_apply, wallet_open
ActionPrice.objects.create(action="lab_run", credits=1, is_chargeable=True)
rows = []
for n in range(STUDENTS):
    user = User.objects.create_user(f"bench{n}@example.com", "bench-password-123",
                                    email_verified_at=timezone.now())
    wallet_open(user=user)
    wallet_apply(user=user, amount=START_CREDITS, kind=LedgerEntry.Kind.ADMIN_GRANT,
                 reference="bench", idempotency_key="bench-seed")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.UserBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    rows.append([session.session_key, secrets.token_hex(16), user.wallet.pk])
print(json.dumps(rows))
"""

LUA = """
local sessions = %(sessions)s
local counter = 0
local hot = %(hot)s
request = function()
  counter = counter + 1
  local s = hot and sessions[1] or sessions[math.random(#sessions)]
  local headers = {}
  headers["Content-Type"] = "application/json"
  if "%(mode)s" == "full" then
    headers["Cookie"] = "sessionid=" .. s[1] .. "; csrftoken=" .. s[2]
    headers["X-CSRFToken"] = s[2]
    headers["Idempotency-Key"] = string.format("bench-%(run)s-%%d", counter)
    return wrk.format("POST", "/api/wallet/deduct", headers,
                      '{"action": "lab_run", "reference": "bench"}')
  end
  return wrk.format("POST", "/bench/bare-deduct", headers, '{"wallet": ' .. s[3] .. '}')
end
"""

CHECK = """
from django.db.models import Sum
from wallet.models import LedgerEntry, Wallet
from wallet.selectors import wallets_not_matching_ledger
deductions = LedgerEntry.objects.filter(kind="deduction")
print(wallets_not_matching_ledger().count(), deductions.count(),
      -(deductions.aggregate(total=Sum("amount"))["total"] or 0))
"""


def pgbench_init(database_url: str) -> None:
    subprocess.run(
        ["pgbench", "-i", "-q", "-s", "10", database_url], check=True, capture_output=True
    )


def pgbench(database_url: str, *, seconds: int, connections: int) -> float:
    out = subprocess.run(
        ["pgbench", "-n", "-c", str(connections), "-j", "2", "-T", str(seconds), database_url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(re.search(r"tps = ([\d.]+)", out).group(1))


def lua_script(rows: list, *, mode: str, hot: bool) -> str:
    table = "{" + ",".join(f'{{"{s}","{c}",{w}}}' for s, c, w in rows) + "}"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        # A key of its own per wrk run (one Lua state, -t1): wrk seeds math.random alike in
        # every run, and a repeated key would measure replays, not charges.
        run = secrets.token_hex(8)
        values = {"sessions": table, "hot": "true" if hot else "false", "mode": mode, "run": run}
        script.write(LUA % values)
    return script.name


@dataclass
class Stack:
    """One checkout's code on its own database, seeded, served on port (Guru on port + 1)."""

    name: str
    code: Path
    env: dict[str, str]
    port: int
    server: list[str] = field(default_factory=list)
    rows: list = field(default_factory=list)

    def prepare(self, students: int) -> None:
        seed = SEED.replace("STUDENTS", str(students)).replace("START_CREDITS", str(START_CREDITS))
        self.rows = json.loads(database_seeded(self.env, seed=seed, code=self.code))

    def warm(self, base: str) -> None:
        first = self.rows[0]
        warm = requests.post(
            f"{base}/api/wallet/deduct",
            json={"action": "lab_run", "reference": "warm"},
            cookies={"sessionid": first[0], "csrftoken": first[1]},
            headers={"X-CSRFToken": first[1], "Idempotency-Key": "bench-warm-0001"},
            timeout=10,
        )
        warm.raise_for_status()

    def consistent(self) -> tuple[int, int, int]:
        """Wallets off their ledger, deduction rows, credits taken."""
        out = manage(self.env, "shell", "-v", "0", "-c", CHECK, code=self.code)
        wallets_off, rows, taken = (int(v) for v in out.split())
        return wallets_off, rows, taken


def stacks(args: argparse.Namespace) -> list[Stack]:
    server = SYNC_SERVER if args.sync else ASGI_SERVER
    this = Stack(f"this code, {server[0]}", ROOT, bench_env(args.port), args.port, server)
    if args.code is None:
        return [this]
    code = args.code.resolve()
    other = server_of(code)
    env = bench_env_beside(args.port + 10)
    return [this, Stack(f"{args.code}, {other[0]}", code, env, args.port + 10, other)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8092)
    parser.add_argument("--code", type=Path, help="another checkout, measured beside this one")
    parser.add_argument("--sync", action="store_true", help="this code on the sync server")
    args = parser.parse_args()

    served = stacks(args)
    for stack in served:
        stack.prepare(args.students)
    database = served[0].env["DATABASE_URL"]
    pgbench_init(database)
    loads = [
        (stack, mode, hot)
        for stack in served
        for mode, hot in (("bare", False), ("full", False), ("bare", True), ("full", True))
    ]
    rounds: list[dict] = []
    with ExitStack() as running:
        bases = {
            stack.name: running.enter_context(
                gunicorn(stack.env, stack.port, server=stack.server, code=stack.code)
            )
            for stack in served
        }
        for stack in served:
            stack.warm(bases[stack.name])
        # Rounds interleave every load, and every other round runs them in reverse order, so
        # the machine's drift (and what one load leaves the next: checkpoints, vacuum) falls
        # on all alike.
        for number in range(args.rounds):
            tps = pgbench(database, seconds=args.seconds, connections=args.connections)
            results = {"pgbench": tps}
            for stack, mode, hot in loads if number % 2 == 0 else loads[::-1]:
                script = lua_script(stack.rows, mode=mode, hot=hot)
                results[(stack.name, mode, hot)] = wrk(
                    bases[stack.name],
                    seconds=args.seconds,
                    connections=args.connections,
                    script=script,
                )
            rounds.append(results)

    for number, results in enumerate(rounds, 1):
        print(f"round {number}: pgbench TPC-B {results['pgbench']:.0f} tps")
        for stack, mode, hot in loads:
            name = "full /api/wallet/deduct" if mode == "full" else "bare locked update"
            label = f"{name} ({'hot' if hot else 'random'}, {stack.name})"
            print("  " + report(label, results[(stack.name, mode, hot)]))
    broken = False
    for stack in served:
        for hot in (False, True):
            bare = [r[(stack.name, "bare", hot)]["rps"] / r["pgbench"] for r in rounds]
            full = [r[(stack.name, "full", hot)]["rps"] / r["pgbench"] for r in rounds]
            kept = [
                r[(stack.name, "full", hot)]["rps"] / r[(stack.name, "bare", hot)]["rps"]
                for r in rounds
            ]
            print(
                f"{stack.name}, {'one hot wallet' if hot else 'random wallets'} (median of "
                f"{len(rounds)} rounds): bare/pgbench {median(bare):.3f}  full/pgbench "
                f"{median(full):.3f}  full/bare {median(kept):.2f}  "
                f"(rounds: {', '.join(f'{k:.2f}' for k in kept)})"
            )
        failed = sum(r[(stack.name, m, h)]["non_2xx"] for r in rounds for _, m, h in loads)
        wallets_off, deduction_rows, credits_taken = stack.consistent()
        consistent = wallets_off == 0 and deduction_rows == credits_taken and not failed
        broken |= not consistent
        print(
            f"{stack.name} after the run: {failed} non-2xx answers, {wallets_off} wallet(s) off "
            f"their ledger, {deduction_rows} deduction rows, {credits_taken} credits taken (each "
            f"deduction takes 1) -> {'consistent' if consistent else 'BROKEN'}"
        )
    if broken:
        sys.exit(1)


if __name__ == "__main__":
    main()
