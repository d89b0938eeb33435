"""The interactive API docs (/api/docs/) in a real headless browser: a student signs up,
verifies the emailed code and logs in from the docs page, and the page goes on working after
each sign-in rotated the CSRF token, without a reload. Also `/` and `/api/`."""

import json
import subprocess
import threading

import pytest
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns
from tests.accounts.helpers import PASSWORD, code_in
from tests.chromium import headless_chromium, needs_chromium

EMAIL = "docs.reader@example.com"

# Runs in a page of the same origin: opens the docs in a window of its own and executes
# operations through Swagger UI's own request machinery (its configured requestInterceptor
# included), as the Execute button does; each status goes to /__test__/report.
DRIVER = """<!doctype html><meta charset="utf-8"><title>driver</title><script>
const EMAIL = "__EMAIL__", PASSWORD = "__PASSWORD__";
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(check) {
  for (let i = 0; i < 900; i++) {
    try { const value = check(); if (value) return value; } catch (e) {}  // not loaded yet
    await sleep(100);
  }
  throw new Error("timed out: " + check);
}
const report = (data) => fetch("/__test__/report?data=" + encodeURIComponent(JSON.stringify(data)));
async function run() {
  const docs = window.open("/api/docs/");
  // Swagger UI's `ui` is a script-level const of that window: reachable through its eval.
  const ui = await until(
    () => docs.eval("ui").specSelectors.specJson().get("paths") && docs.eval("ui"),
  );
  async function execute(method, path, body) {
    // What the Execute button does: the body as typed, then executeRequest, which sends it
    // through the configured requestInterceptor and stores the response for display.
    const request = {
      pathName: path,
      method,
      operation: ui.specSelectors.specJson().getIn(["paths", path, method]),
      spec: ui.specSelectors.specJson().toJS(),
      parameters: {},
    };
    if (body !== undefined) {
      ui.oas3Actions.setRequestBodyValue({value: JSON.stringify(body), pathMethod: [path, method]});
      request.requestContentType = "application/json";
    }
    ui.specActions.executeRequest(request);
    const response = await until(() => ui.specSelectors.responseFor(path, method));
    ui.specActions.clearResponse(path, method);
    ui.specActions.clearRequest(path, method);
    return response.get("status") || response.get("statusCode");
  }
  const seen = {};
  const signup = {email: EMAIL, password: PASSWORD, name: "Asha"};
  seen.signup = await execute("post", "/api/auth/signup", signup);
  const code = await (await fetch("/__test__/code")).text();
  seen.verify = await execute("post", "/api/auth/verify-otp", {email: EMAIL, otp: code});
  seen.after_verify = await execute("patch", "/api/user/profile", {headline: "Learning"});
  seen.logout = await execute("post", "/api/auth/logout");
  seen.login = await execute("post", "/api/auth/login", {email: EMAIL, password: PASSWORD});
  seen.after_login = await execute("patch", "/api/user/profile", {headline: "Still learning"});
  await report(seen);
}
run().catch((error) => report({error: String(error)}));
</script>"""


class Session:
    """What the browser reports, and the code emailed to it."""

    fake_resend = None
    reported: dict = {}
    done = threading.Event()


def driver(request: HttpRequest) -> HttpResponse:
    page = DRIVER.replace("__EMAIL__", EMAIL).replace("__PASSWORD__", PASSWORD)
    # The docs page opts out of cross-origin opener isolation (drf-spectacular); the driver
    # does too, so the two stay in one browsing context group and it can reach the docs.
    return HttpResponse(page, "text/html", headers={"Cross-Origin-Opener-Policy": "unsafe-none"})


def emailed_code(request: HttpRequest) -> HttpResponse:
    return HttpResponse(code_in(Session.fake_resend.last_email_to(EMAIL)), "text/plain")


def report(request: HttpRequest) -> HttpResponse:
    Session.reported = json.loads(request.GET["data"])
    Session.done.set()
    return HttpResponse(status=204)


urlpatterns = [
    path("__test__/driver", driver),
    path("__test__/code", emailed_code),
    path("__test__/report", report),
    *project_urlpatterns,
]


@needs_chromium
@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_docs_keep_working_after_signup_verify_and_login_in_one_page(live_server, fake_resend):
    Session.fake_resend, Session.reported = fake_resend, {}
    Session.done.clear()
    with headless_chromium(
        "--disable-popup-blocking",
        f"{live_server.url}/__test__/driver",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ):
        Session.done.wait(timeout=120)
    # Before the docs read the cookie per request, every unsafe call after verify-otp (and
    # after login) was 403 csrf_failed until the page was reloaded.
    assert Session.reported == {
        "signup": 202,
        "verify": 200,
        "after_verify": 200,
        "logout": 204,
        "login": 200,
        "after_login": 200,
    }
