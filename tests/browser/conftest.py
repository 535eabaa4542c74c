"""Browser tests: the real server in a subprocess, driven by Debian's Chromium through Playwright.

The server is started the way an operator starts it (``python -m cli migrate``,
``create-manager``, ``serve``) on a temp SQLite file and a free port. Playwright never
downloads a browser here: it drives /usr/bin/chromium. Every request the pages make is
recorded, and a test fails if one leaves 127.0.0.1 (the salon's network may be offline).
Screenshots of each step go to test-artifacts/screenshots/ (kept by CI as artifacts).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: The receptionist's browser runs in Japanese: date and time inputs read 2026/12/06 and 15:00,
#: not 12/06/2026 and 03:00 PM. A context's locale does not reach the inputs' own format; the
#: browser's language (LANGUAGE) does, with Debian's chromium-l10n, which .ci/run installs. The C
#: library's locale stays C.UTF-8, which every machine has: without a UTF-8 locale Chromium cannot
#: name a download 顧客情報テンプレート.xlsx and calls it "download".
CHROMIUM_ENV = {**os.environ, "LANGUAGE": "ja", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
MANAGER_LOGIN = "admin"
MANAGER_PASSWORD = "browser-test-1234"
STARTUP_SECONDS = 60
LOCAL_HOSTS = {"127.0.0.1"}
LOCAL_SCHEMES = {"data", "blob", "about"}


@dataclass(frozen=True)
class Server:
    url: str
    log: Path
    login_id: str = MANAGER_LOGIN
    password: str = MANAGER_PASSWORD


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(*args: str, env: dict[str, str]) -> None:
    result = subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"python -m cli {' '.join(args)} failed:\n{result.stdout}{result.stderr}"


def _wait_until_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"server not healthy after {STARTUP_SECONDS}s:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    """The real app (``python -m cli serve``) on a fresh SQLite file, with one manager account."""
    tmp = tmp_path_factory.mktemp("browser")
    # No SECRET_KEY: the server makes its own beside the database, as on a salon's first start.
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SECRET_KEY_FILE")},
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp / 'salon.db'}",
        "DEBUG": "false",
        "PYTHONUNBUFFERED": "1",
    }
    _cli("migrate", env=env)
    _cli("create-manager", MANAGER_LOGIN, "--password", MANAGER_PASSWORD, "--name", "店長", env=env)

    # BROWSER_TEST_PORT pins the port (a shared machine hands each developer one); else any free one.
    port = int(os.environ.get("BROWSER_TEST_PORT") or 0) or _free_port()
    url = f"http://127.0.0.1:{port}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / "browser-server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        _wait_until_healthy(url, process, log)
        yield Server(url=url, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless. Missing Chromium skips locally but fails in CI."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                             env=CHROMIUM_ENV)
        try:
            yield browser
        finally:
            browser.close()


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS


def watch_policy(context) -> list[str]:
    """Console messages of every page of ``context`` that report a Content-Security-Policy violation
    (an inline script or handler the admin's policy refuses) and script errors: a test asserts the
    list is empty at its end, so a page that silently lost its script fails."""
    found: list[str] = []

    def console(message) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            found.append(f"{message.page.url if message.page else ''}: {text}")

    context.on("console", console)
    context.on("weberror", lambda error: found.append(f"script error: {error.error}"))
    return found


@pytest.fixture
def page(browser, server: Server):
    """A fresh Japanese-locale browser tab; fails the test if any request left 127.0.0.1, or if a
    page reported a Content-Security-Policy violation or a script error."""
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo",
                                  viewport={"width": 1280, "height": 900}, base_url=server.url)
    context.set_default_timeout(15_000)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    violations = watch_policy(context)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
    external = [url for url in requested if not _is_local(url)]
    assert requested, "the page made no request at all"
    assert not external, f"requests left 127.0.0.1 (CDN?): {external}"
    assert not violations, violations


@pytest.fixture
def shot():
    """``shot(page, "01-login")`` saves test-artifacts/screenshots/01-login.png (full page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shot(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot


def log_in(page, server: Server) -> None:
    """Log in to the admin as the suite's account and wait until the login page is left."""
    from playwright.sync_api import expect

    page.goto("/admin/login")
    page.fill("input[name=username]", server.login_id)
    page.fill("input[name=password]", server.password)
    page.get_by_role("button", name="ログイン").click()
    expect(page).not_to_have_url(re.compile(r"/admin/login"))


#: The front desk's PC and its tablet.
DESK_WIDTHS = (1366, 820)


@pytest.fixture(params=DESK_WIDTHS, ids=lambda w: f"{w}px")
def desk(request, browser, server):
    """A Japanese-locale tab at the desk's or the tablet's width (``(page, width)``); fails if any
    request left 127.0.0.1 or the page broke its content policy."""
    width = request.param
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo",
                                  viewport={"width": width, "height": 1000}, base_url=server.url)
    context.set_default_timeout(15_000)
    requested: list[str] = []
    context.on("request", lambda r: requested.append(r.url))
    violations = watch_policy(context)
    page = context.new_page()
    try:
        yield page, width
    finally:
        context.close()
    assert not [url for url in requested if not _is_local(url)], requested
    assert not violations, violations
