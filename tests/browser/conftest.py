"""Playwright against pytest-django's live_server, driving Debian's Chromium.

Every test in this folder carries the ``browser`` marker. Without a Chromium the tests skip
with the reason, except in CI (``CI=true``), where a missing browser is a failure.

Each test gets a ``guard`` that fails the test on any console error, uncaught script error,
Content-Security-Policy violation or failed static file, on every page it opens.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import PASSWORD

from .page_types import site  # noqa: F401 (the fixture every page-type check uses)

CHROMIUM = "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else shutil.which("chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"
NO_CHROMIUM = "No Chromium at /usr/bin/chromium or on PATH (apt-get install chromium)"
BROWSER_DIR = Path(__file__).resolve().parent
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BROWSER_DIR not in Path(str(item.path)).parents:
            continue
        item.add_marker(pytest.mark.browser)
        if not CHROMIUM and not IN_CI:
            item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not CHROMIUM:
        pytest.fail(f"{NO_CHROMIUM}; CI=true, so browser tests must run.", pytrace=False)
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


# Console messages that are not faults: the browser reports a page that answers 404 on
# purpose (the not-found page, a hidden draft, a used invitation, a form sent back with its
# errors) as a failed resource.
EXPECTED_404 = re.compile(
    r"Failed to load resource: the server responded with a status of 4(00|04|10)"
)

CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolation(event.violatedDirective + " blocked " + (event.blockedURI || "inline")
    + " on " + document.location.pathname);
});
"""


class Guard:
    """Collects what should never happen in a page: console errors, script errors, CSP
    violations and static files that fail to load."""

    def __init__(self):
        self.problems: list[str] = []
        self.allow_404 = False
        self.in_flight: set = set()
        self.contexts: list = []

    def watch(self, context, javascript: bool = True):
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.problems.append(f"page error: {error.error}"))
        context.on("response", self._on_response)
        context.on("request", lambda request: self.in_flight.add(request))
        context.on("requestfinished", lambda request: self.in_flight.discard(request))
        context.on("requestfailed", lambda request: self.in_flight.discard(request))
        self.contexts.append(context)
        if javascript:
            context.expose_function("__cspViolation", lambda text: self.problems.append(text))
            context.add_init_script(CSP_REPORTER)
        return context

    def _on_console(self, message):
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if EXPECTED_404.search(message.text) and (self.allow_404 or url.endswith("/favicon.ico")):
            # The plain-text stand-in for the neutral exit site makes the browser ask for
            # /favicon.ico; the app's own pages name their icon and never do.
            return
        self.problems.append(f"console error on {url}: {message.text}")

    def _on_response(self, response):
        if "/static/" in response.url and response.status >= 400:
            self.problems.append(f"static file {response.url} answered {response.status}")

    def settle(self, timeout_ms: int = 5_000):
        """Wait for requests a page made on its own (the time-zone report, an autosave) to be
        answered, so a test never ends, and empties the database, while the server is still
        using it for one of them."""
        pages = [page for context in self.contexts for page in context.pages]
        waited = 0
        while self.in_flight and pages and waited < timeout_ms:
            pages[0].wait_for_timeout(50)  # lets Playwright deliver the pending events
            waited += 50

    def check(self):
        problems, self.problems = self.problems, []
        assert not problems, "\n".join(problems)


@pytest.fixture
def guard():
    guard = Guard()
    yield guard
    guard.check()


@pytest.fixture
def exit_url(live_server, settings):
    """No internet here: "Exit this page" lands on a neutral page of the live server instead
    of the weather site."""
    settings.EXIT_URL = live_server.url + "/robots.txt"
    return settings.EXIT_URL


@pytest.fixture
def open_context(new_context, guard, live_server, exit_url):
    """A new browser context on the live server, watched by ``guard``.

    The app runs with production settings: Secure cookies named ``__Host-...``. Chromium
    treats http://localhost (and 127.0.0.1) as a secure context and keeps them, so sign-in
    works as in production and no cookie setting is relaxed here.
    """

    def _open(**kwargs):
        kwargs.setdefault("viewport", {"width": 1280, "height": 800})
        context = new_context(base_url=live_server.url, **kwargs)
        context.set_default_timeout(10_000)
        return guard.watch(context, javascript=kwargs.get("java_script_enabled", True))

    yield _open
    guard.settle()


@pytest.fixture
def context(open_context):
    return open_context()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def shot(request):
    """Save a screenshot under test-results/screenshots/, named after the test and step."""
    prefix = re.sub(r"[^\w-]+", "-", request.node.name).strip("-")

    def _shot(page, step: str, full_page: bool = True):
        # Made each time: pytest-playwright empties test-results/ when any pytest run starts.
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{prefix}--{step}.png", full_page=full_page)

    return _shot


@pytest.fixture
def sign_in_context(live_server):
    """Put a signed-in session straight into a browser context, for tests whose subject is
    not the log-in form (journeys 1 and 3 and the keyboard run use the form)."""
    from django.conf import settings
    from django.test import Client

    from tests.factories import sign_in

    def _sign_in(context, user):
        client = Client()
        sign_in(client, user)  # with the second factor when the account has one
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    # A `url` would be refused for a Secure `__Host-` cookie on http.
                    "domain": urlsplit(live_server.url).hostname,
                    "path": "/",
                    "secure": settings.SESSION_COOKIE_SECURE,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )

    return _sign_in


AXE = Axe()


def axe_problems(page) -> list[str]:
    """Every axe-core violation on the page, whatever its impact, one line each."""
    results = AXE.run(page).response
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in results["violations"]
    ]


ROOT = BROWSER_DIR.parents[1]
VNU_JARS = [
    os.environ.get("VNU_JAR", ""),
    ROOT / ".cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar",  # where .ci/run installs it
    ROOT / "node_modules/vnu-jar/build/dist/vnu.jar",
]
NO_VNU = (
    "The Nu HTML Checker needs Java and vnu.jar: apt-get install default-jre-headless, then "
    "npm install --prefix .cache/vnu vnu-jar (.ci/run does both)"
)


@pytest.fixture(scope="session")
def html_errors(tmp_path_factory):
    """``html_errors({name: html})``: the Nu HTML Checker's errors in those documents, one
    line each ("name:line:column: message"). Skipped without Java or vnu.jar, except in CI."""
    jar = next((Path(p) for p in VNU_JARS if p and Path(p).is_file()), None)
    java = shutil.which("java")
    if jar is None or java is None:
        if IN_CI:
            pytest.fail(f"{NO_VNU}; CI=true, so the HTML check must run.", pytrace=False)
        pytest.skip(NO_VNU)
    folder = tmp_path_factory.mktemp("html")

    def check(documents: dict[str, str]) -> list[str]:
        files = []
        for name, html in documents.items():
            path = folder / f"{name}.html"
            path.write_text(html, encoding="utf-8")
            files.append(str(path))
        run = subprocess.run(
            [java, "-jar", str(jar), "--format", "json", "--exit-zero-always", *files],
            capture_output=True,
            text=True,
            timeout=300,
        )
        messages = json.loads(run.stderr)["messages"]
        return [
            f"{Path(urlsplit(m.get('url', '')).path).stem}:{m.get('lastLine', '?')}:"
            f"{m.get('firstColumn', '?')}: {m['message']} [{m.get('extract', '').strip()}]"
            for m in messages
            if m["type"] in ("error", "non-document-error")
        ]

    return check


def log_in(page, email: str, password: str = PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    password_box = page.get_by_label("Password", exact=True)
    password_box.fill(password)
    password_box.press("Enter")
