"""A local server speaking Judge0's submissions API (base64 fields, status ids); it records
every request. By default it "runs" a program by printing the literals of its print(...)
calls; tests script other outcomes with `outcomes`."""

import base64
import re
import uuid
from dataclasses import dataclass

from tests.fakes.server import FakeServer, RecordedRequest, Reply

AUTH_TOKEN = "judge0-test-token"
STATUSES = {
    3: "Accepted",
    4: "Wrong Answer",
    5: "Time Limit Exceeded",
    6: "Compilation Error",
    7: "Runtime Error (SIGSEGV)",
    11: "Runtime Error (NZEC)",
    12: "Runtime Error (Other)",
    13: "Internal Error",
    14: "Exec Format Error",
}
_PRINT = re.compile(r"""print\(\s*(['"])(.*?)\1\s*\)""")


@dataclass
class Outcome:
    status_id: int
    stdout: str = ""
    stderr: str = ""
    compile_output: str = ""


def _encoded(text: str) -> str | None:
    # Judge0 (Ruby's Base64.encode64) wraps lines at 60 characters and ends with a newline.
    return base64.encodebytes(text.encode()).decode() if text else None


class FakeJudge0(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.outcomes: list[Outcome | Reply] = []  # used, in order, before the default run

    def submissions(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == "POST"]

    def reply(self, request: RecordedRequest) -> Reply:
        if request.headers.get("x-auth-token") != AUTH_TOKEN:
            return Reply(401, {"error": "Authentication failed."})
        if not request.path.startswith("/submissions"):
            return Reply(404, {"error": "Not found."})
        body = request.json()
        outcome = self.outcomes.pop(0) if self.outcomes else self._run(body["source_code"])
        if isinstance(outcome, Reply):
            return outcome
        return Reply(
            201,
            {
                "token": str(uuid.uuid4()),
                "stdout": _encoded(outcome.stdout),
                "stderr": _encoded(outcome.stderr),
                "compile_output": _encoded(outcome.compile_output),
                "message": None,
                "time": "0.012",
                "memory": 3120,
                "status": {"id": outcome.status_id, "description": STATUSES[outcome.status_id]},
            },
        )

    def _run(self, source_code: str) -> Outcome:
        source = base64.b64decode(source_code).decode()
        printed = "".join(match.group(2) + "\n" for match in _PRINT.finditer(source))
        return Outcome(status_id=3, stdout=printed)
