"""The console in a real browser: Debian's Chromium driven by Playwright, against a real
``uvicorn`` serving the demo ledger on a free localhost port, on SQLite and PostgreSQL.

No browser is downloaded: the system's ``/usr/bin/chromium`` is launched. Where it is
missing the tests skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from api.cli_integrity import ensure_key
from api.demo import load_demo
from api.runtime import open_ledger
from tests.conftest import IN_CI, POSTGRES_URL, require_postgres

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Chromium on Linux takes the locale it draws form controls in (an <input type=date> as
# 2025/06/30 rather than 06/30/2025) from the environment, as on an official's Chinese
# desktop; neither --lang nor the context's locale changes it. It takes effect only where
# the browser has its Chinese resources (Debian's chromium-l10n); without them it falls back
# to en-US, and the pages' Chinese date beside each input still says the day.
CHROMIUM_ENV = {"LANGUAGE": "zh_CN:zh", "LANG": "zh_CN.UTF-8"}
SCREENSHOTS = Path(__file__).parent / "screenshots"
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Console:
    """A running console: its address, its database, and the demo principals' tokens."""

    base_url: str
    database_url: str
    backend: str
    tokens: dict[str, str]

    def token(self, role: str, department: str | None = None) -> str:
        for who, token in self.tokens.items():
            match = re.search(r"\((\w+), (\w+)\)$", who)
            assert match is not None
            if match.group(2) == role and department in (None, match.group(1)):
                return token
        raise LookupError(f"no demo principal with role {role} in {department}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def console_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str, Path]]:
    folder = tmp_path_factory.mktemp("console")
    if request.param == "sqlite":
        yield "sqlite", f"sqlite:///{folder / 'ledger.db'}", folder
        return
    require_postgres()
    schema = f"c_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield "postgresql", f"{POSTGRES_URL}?schema={schema}&pool_size=2&max_overflow=4", folder
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(scope="module")
def console(console_database: tuple[str, str, Path]) -> Iterator[Console]:
    """The demo ledger served by uvicorn, as ``ledger serve --demo`` serves it."""
    backend, url, folder = console_database
    key = folder / "ledger.key"
    env = {
        **os.environ,
        "LEDGER_DATABASE_URL": url,
        "LEDGER_SIGNING_KEY": str(key),
        "LEDGER_PROJECTIONS": "inprocess",
    }
    previous = os.environ.get("LEDGER_SIGNING_KEY")
    os.environ["LEDGER_SIGNING_KEY"] = str(key)
    try:
        ledger = open_ledger(url)
        ensure_key(ledger)
        tokens = load_demo(ledger)
        ledger.close()
    finally:
        if previous is None:
            os.environ.pop("LEDGER_SIGNING_KEY", None)
        else:
            os.environ["LEDGER_SIGNING_KEY"] = previous
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "api.server:create", "--factory",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server)
        yield Console(base, url, backend, tokens)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {server.returncode}")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the console did not start within 60 s")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Per module: Playwright's sync API runs an event loop until it stops, which a later
    test calling ``asyncio.run`` (the benchmark harness's smoke test) must not meet."""
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail("CI needs /usr/bin/chromium (apt-get install -y chromium)")
        pytest.skip("no /usr/bin/chromium: apt-get install -y chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env={**os.environ, **CHROMIUM_ENV}
        )
        try:
            yield chromium
        finally:
            chromium.close()


# An official's browser: Chinese, in Jilin's time zone, on an office screen.
OFFICE_SCREEN = {"width": 1366, "height": 768}


def official_context(
    browser: Browser, console: Console, viewport: dict[str, int] = OFFICE_SCREEN
) -> BrowserContext:
    return browser.new_context(
        base_url=console.base_url,
        viewport={"width": viewport["width"], "height": viewport["height"]},
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )


@pytest.fixture
def page(browser: Browser, console: Console) -> Iterator[Page]:
    """A fresh browser context (no cookies) as an official's, at an office screen's size."""
    context = official_context(browser, console)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


def sign_in(page: Page, token: str) -> None:
    page.goto("/login")
    page.get_by_label("访问令牌").fill(token)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/supervision")


def screenshot(page: Page, name: str, console: Console, *, full_page: bool = True) -> None:
    """Saved when LEDGER_SCREENSHOTS is set (CI sets it), per backend."""
    if not os.environ.get("LEDGER_SCREENSHOTS"):
        return
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}-{console.backend}.png"
    page.screenshot(path=str(path), full_page=full_page)
