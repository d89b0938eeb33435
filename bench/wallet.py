"""POST /api/wallet/deduct through the full stack (session, CSRF, Idempotency-Key, Guru price,
ledger) against random wallets and one hot wallet, beside a bare locked-update view and
pgbench TPC-B on the same database, in one run (rounds interleaving all five loads; medians
reported); then checks no credit was lost or doubled.

Usage: .venv/bin/python bench/wallet.py [--seconds 10] [--connections 16] [--students 200]
                                        [--rounds 3]
Needs PostgreSQL (with pgbench), Redis and wrk on this machine.
"""

import argparse
import json
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path
from statistics import median

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_env, gunicorn, manage, recreate_database, report, wrk

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8092)
    args = parser.parse_args()

    env = bench_env(args.port)
    recreate_database(env)
    manage(env, "migrate", "--no-input", "-v0")
    seed = SEED.replace("STUDENTS", str(args.students)).replace("START_CREDITS", str(START_CREDITS))
    rows = json.loads(manage(env, "shell", "-v", "0", "-c", seed))
    env["GURU_API_KEY"] = manage(env, "create_api_key", "--name", "bench", "--scopes", "catalog")

    pgbench_init(env["DATABASE_URL"])
    loads = [("bare", False), ("full", False), ("bare", True), ("full", True)]
    rounds: list[dict] = []
    with gunicorn(env, args.port) as base:
        session = requests.Session()
        first = rows[0]
        warm = session.post(
            f"{base}/api/wallet/deduct",
            json={"action": "lab_run", "reference": "warm"},
            cookies={"sessionid": first[0], "csrftoken": first[1]},
            headers={"X-CSRFToken": first[1], "Idempotency-Key": "bench-warm-0001"},
            timeout=10,
        )
        warm.raise_for_status()
        # Rounds interleave every load, and every other round runs full before bare, so the
        # machine's drift (and what one load leaves the next: checkpoints, vacuum) falls on
        # both alike.
        for number in range(args.rounds):
            tps = pgbench(env["DATABASE_URL"], seconds=args.seconds, connections=args.connections)
            results = {"pgbench": tps}
            order = loads if number % 2 == 0 else [(m, h) for m, h in reversed(loads)]
            for mode, hot in order:
                script = lua_script(rows, mode=mode, hot=hot)
                results[(mode, hot)] = wrk(
                    base, seconds=args.seconds, connections=args.connections, script=script
                )
            rounds.append(results)
    wallets_off, deduction_rows, credits_taken = (
        int(v) for v in manage(env, "shell", "-v", "0", "-c", CHECK).split()
    )

    for number, results in enumerate(rounds, 1):
        print(f"round {number}: pgbench TPC-B {results['pgbench']:.0f} tps")
        for mode, hot in loads:
            name = "full /api/wallet/deduct" if mode == "full" else "bare locked update"
            print("  " + report(f"{name} ({'hot' if hot else 'random'})", results[(mode, hot)]))
    for hot in (False, True):
        bare = [r[("bare", hot)]["rps"] / r["pgbench"] for r in rounds]
        full = [r[("full", hot)]["rps"] / r["pgbench"] for r in rounds]
        kept = [r[("full", hot)]["rps"] / r[("bare", hot)]["rps"] for r in rounds]
        print(
            f"{'one hot wallet' if hot else 'random wallets'} (median of {len(rounds)} rounds): "
            f"bare/pgbench {median(bare):.3f}  full/pgbench {median(full):.3f}  "
            f"full/bare {median(kept):.2f}  (rounds: {', '.join(f'{k:.2f}' for k in kept)})"
        )
    failed = sum(r[load]["non_2xx"] for r in rounds for load in loads)
    consistent = wallets_off == 0 and deduction_rows == credits_taken
    print(
        f"after the run: {failed} non-2xx answers, {wallets_off} wallet(s) off their ledger, "
        f"{deduction_rows} deduction rows, {credits_taken} credits taken (each deduction takes "
        f"1) -> {'consistent' if consistent and not failed else 'BROKEN'}"
    )
    if failed or not consistent:
        sys.exit(1)


if __name__ == "__main__":
    main()
