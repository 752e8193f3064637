"""Fixtures of the documentation tests: the built site and headless Chromium."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "target" / "site"

# The flags that work on this machine (root, no GPU, no network but the
# package registries): no sandbox, nothing fetched in the background, and
# every host name unresolvable, so a page that needs the network shows it.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").is_file():
        pytest.fail(f"no built site at {SITE}: run `make docs` first")
    return SITE


@pytest.fixture(scope="session")
def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("no chromium on PATH: apt-get install -y chromium (make docs-test installs it)")


class Browser:
    def __init__(self, binary: str, workdir: Path) -> None:
        self.binary = binary
        self.workdir = workdir

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        profile = Path(tempfile.mkdtemp(dir=self.workdir, prefix="profile-"))  # a new empty profile each run
        return subprocess.run(
            [self.binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True, text=True, timeout=120, check=False,
        )

    def screenshot(self, page: Path, out: Path, width: int = 1280, height: int = 900) -> Path:
        proc = self._run(f"--window-size={width},{height}", "--virtual-time-budget=5000", f"--screenshot={out}", page.as_uri())
        if not out.is_file():
            pytest.fail(f"chromium made no screenshot of {page}: {proc.stderr[-2000:]}")
        return out

    def dump_dom(self, page: Path) -> str:
        proc = self._run("--virtual-time-budget=5000", "--dump-dom", page.as_uri())
        if proc.returncode != 0 or not proc.stdout:
            pytest.fail(f"chromium could not render {page}: {proc.stderr[-2000:]}")
        return proc.stdout


@pytest.fixture(scope="session")
def browser(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Browser:
    return Browser(chromium, tmp_path_factory.mktemp("chromium"))
