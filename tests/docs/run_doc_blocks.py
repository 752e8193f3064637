"""Runs every shell, Python and Rust code block of the documentation, so that
no documented command can rot.

    python tests/docs/run_doc_blocks.py [--in-place] [--only TEXT] [--list] [FILE ...]

Files (default): README.md, py-bindings/README.md and the site's pages
docs/*.md (the server page among them).

Where the blocks run: a fresh checkout — every file git tracks (or would
track), with uncommitted changes and their modification times, and nothing
else: no build output, no venvs, no data/ — copied into
target/doc-blocks/scoreline, with ``../shared`` beside it (a symlink to the
real shared folder, so ``../shared/data`` means what it means on a
developer's machine). Its ``target`` is a symlink to the repo's, so compiled
dependencies are reused (the checkout's own crates build once under its
path, then stay fresh between runs), and its ``.venv`` a symlink to the
repo's (made by ``make venv``). ``--in-place`` runs in the repository itself.
``--fast-release`` gives ``--release`` builds the wheel-test profile's
settings (no fat LTO), as ``make test`` does for the wheel it tests.

How each block runs (cwd: the checkout's root):

- ``sh``/``bash``/``shell``: ``bash -euo pipefail`` with the wheel venv's
  ``bin/`` (``.venv-wheel``, where ``make python-test`` installs the built
  wheel) first on PATH, so ``pip`` and ``python`` mean that venv;
- ``python``: that venv's python;
- ``rust``: written as an example of scoreline-dixon-coles
  (``dixon-coles/examples/doc_block_*.rs`` in the checkout) and run with
  ``cargo run``. A block without ``fn main`` is wrapped in one the way rustdoc
  does it (ending in ``Ok::<(), E>(())``: a closure returning that Result,
  unwrapped). A line starting ``# `` (rustdoc's hidden line) is a failure:
  GitHub and the site show it verbatim.
- other languages (``text``, ``json``, ``toml``, …) are not run.

Markers: an HTML comment right before a block (blank lines allowed between)
``<!-- doc-test: skip — REASON -->`` skips it; the reason is required and is
printed. Lines that are never run, by rule: ``make test`` (this runner is part
of ``make test``: running it here would recurse).

Output: one line per block (PASS/FAIL/SKIP, file:line, the first command,
seconds); each failure with its command and the last 40 lines of its output;
then "N passed, M failed, K skipped". Exit status 1 when any block failed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_FILES = ["README.md", "py-bindings/README.md", "docs/*.md"]
LANGUAGES = {"sh": "sh", "bash": "sh", "shell": "sh", "python": "python", "py": "python", "rust": "rust"}
MARKER = re.compile(r"<!--\s*doc-test:\s*(\w[\w-]*)\s*(?:[—–:-]+\s*(.*?))?\s*-->", re.DOTALL)
FENCE = re.compile(r"^(\s*)(```+|~~~+)\s*([\w+-]*)[^\n]*$")
NEVER_RUN = [
    (re.compile(r"^\s*make\s+test\s*(#.*)?$"), "`make test` runs this runner: running it here would recurse"),
]
CREATED: list[Path] = []
TIMEOUTS = {"sh": 1800, "python": 900, "rust": 900}
TAIL = 40


@dataclass
class Block:
    path: str
    line: int  # 1-based line of the opening fence
    language: str  # sh | python | rust
    code: str
    skip: str | None  # the reason, when marked skip

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def headline(self) -> str:
        for line in self.code.splitlines():
            if line.strip() and not line.strip().startswith(("#", "//")):
                return line.strip()[:100]
        return self.code.strip().splitlines()[0][:100] if self.code.strip() else ""


def extract(path: Path, rel: str) -> list[Block]:
    """The runnable fenced blocks of one Markdown file, with their markers."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    pending: tuple[str, str | None] | None = None  # a marker waiting for its block
    while i < len(lines):
        line = lines[i]
        marker = MARKER.search(line)
        if marker:
            pending = (marker.group(1), (marker.group(2) or "").strip() or None)
            i += 1
            continue
        fence = FENCE.match(line)
        if fence:
            indent, ticks, lang = fence.group(1), fence.group(2), fence.group(3).lower()
            start = i
            body = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith(ticks):
                body.append(lines[i].removeprefix(indent))
                i += 1
            i += 1
            language = LANGUAGES.get(lang)
            skip = None
            if pending is not None:
                kind, reason = pending
                if kind != "skip":
                    raise SystemExit(f"{rel}:{start + 1}: unknown doc-test marker {kind!r} (only 'skip — reason')")
                if not reason:
                    raise SystemExit(f"{rel}:{start + 1}: a doc-test skip marker needs a reason")
                skip = reason
            pending = None
            if language is not None:
                blocks.append(Block(rel, start + 1, language, "\n".join(body) + "\n", skip))
            continue
        if line.strip():
            pending = None  # a marker applies only to the block right after it
        i += 1
    return blocks


def fresh_checkout(root: Path) -> Path:
    """Tracked and untracked-but-not-ignored files of the repo, copied with
    their modification times, plus ../shared beside it."""
    names = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, check=True, capture_output=True,
    ).stdout.decode().split("\0")
    checkout = root / "scoreline"
    if root.exists():
        shutil.rmtree(root)
    for name in filter(None, names):
        source = REPO / name
        if not source.exists() or source.is_dir():
            continue  # deleted in the working tree, or a submodule
        target = checkout / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    shared = Path(os.environ.get("SCORELINE_DATA_DIR", REPO.parent / "shared" / "data")).resolve().parent
    (root / "shared").symlink_to(shared)
    if (REPO / ".venv").is_dir():
        (checkout / ".venv").symlink_to(REPO / ".venv")
    (REPO / "target").mkdir(exist_ok=True)
    (checkout / "target").symlink_to(REPO / "target")
    return checkout


def rust_source(code: str) -> str:
    if "fn main" in code:
        return code
    body = code.rstrip()
    last = body.splitlines()[-1].strip() if body else ""
    inner = "\n".join("    " + line if line else "" for line in body.splitlines())
    if last.startswith("Ok::<"):
        return f"#[allow(unused_imports)]\nfn main() {{\n    let run = || {{\n{inner}\n    }};\n    run().unwrap();\n}}\n"
    return f"#[allow(unused_imports)]\nfn main() {{\n{inner}\n}}\n"


def command_for(block: Block, index: int, workdir: Path, scratch: Path, python: Path) -> tuple[list[str], str | None]:
    """The command that runs a block, or a reason it fails without running."""
    if block.language == "sh":
        lines = []
        for line in block.code.splitlines():
            for pattern, reason in NEVER_RUN:
                if pattern.match(line):
                    lines.append(f"echo '[doc-test] not run: {line.strip()} — {reason}'")
                    break
            else:
                lines.append(line)
        script = scratch / f"block{index}.sh"
        script.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return ["bash", "-euo", "pipefail", str(script)], None
    if block.language == "python":
        script = scratch / f"block{index}.py"
        script.write_text(block.code, encoding="utf-8")
        return [str(python), str(script)], None
    hidden = [n for n, line in enumerate(block.code.splitlines(), block.line + 1) if line == "#" or line.startswith("# ")]
    if hidden:
        return [], (
            f"rustdoc hidden lines (`# `) at line(s) {', '.join(map(str, hidden))}: Markdown is not rustdoc, "
            "so GitHub and the site show them verbatim; write them as ordinary code"
        )
    name = f"doc_block_{re.sub(r'[^a-z0-9]+', '_', block.path.lower())}_{block.line}"
    example = workdir / "dixon-coles" / "examples" / f"{name}.rs"
    example.write_text(rust_source(block.code), encoding="utf-8")
    CREATED.append(example)  # removed after the run
    return ["cargo", "run", "-q", "-p", "scoreline-dixon-coles", "--example", name], None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", help="Markdown files relative to the repo (default: README.md, py-bindings/README.md, docs/*.md)")
    parser.add_argument("--in-place", action="store_true", help="run in the repository instead of a fresh checkout")
    parser.add_argument("--only", help="run only blocks whose file:line or code contains this text")
    parser.add_argument("--list", action="store_true", help="list the blocks and exit")
    parser.add_argument("--venv", default=str(REPO / ".venv-wheel"), help="the venv with the scoreline wheel (default .venv-wheel)")
    parser.add_argument(
        "--fast-release", action="store_true",
        help="build --release without fat LTO and with 16 codegen units (the wheel-test profile's settings, "
        "through CARGO_PROFILE_RELEASE_*): the same code and the same commands, minutes less to build",
    )
    args = parser.parse_args()

    patterns = args.files or DEFAULT_FILES
    paths = sorted({p for pattern in patterns for p in REPO.glob(pattern) if p.is_file()})
    blocks = [b for p in paths for b in extract(p, str(p.relative_to(REPO)))]
    if args.only:
        blocks = [b for b in blocks if args.only in b.where or args.only in b.code]
    if args.list:
        for b in blocks:
            print(f"{b.where:32} {b.language:6} {'SKIP ' + b.skip if b.skip else b.headline}")
        return 0
    if not blocks:
        print("no code blocks found", file=sys.stderr)
        return 1

    venv = Path(args.venv).resolve()
    python = venv / "bin" / "python"
    if any(b.language in ("python", "sh") and not b.skip for b in blocks) and not python.exists():
        print(f"need the wheel venv {venv} (make python-test or make docs-wheel-venv makes it)", file=sys.stderr)
        return 1
    root = REPO / "target" / "doc-blocks"
    workdir = REPO if args.in_place else fresh_checkout(root)
    scratch = Path(tempfile.mkdtemp(prefix="scoreline-doc-blocks-"))
    env = dict(os.environ)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    if not args.in_place:
        env["SCORELINE_DATA_DIR"] = str(root / "shared" / "data")
    env.pop("MAKEFLAGS", None)  # the blocks' own make runs are not part of ours
    env.pop("MAKELEVEL", None)
    env.setdefault("MPLBACKEND", "Agg")
    if args.fast_release:
        env.update(CARGO_PROFILE_RELEASE_LTO="false", CARGO_PROFILE_RELEASE_CODEGEN_UNITS="16",
                   CARGO_PROFILE_RELEASE_OPT_LEVEL="2")
    print(f"doc blocks: {len(blocks)} in {len(paths)} files, running in {workdir}", flush=True)

    passed, failed, skipped = 0, [], 0
    for index, block in enumerate(blocks):
        if block.skip:
            skipped += 1
            print(f"SKIP {block.where} [{block.language}] {block.headline} — {block.skip}", flush=True)
            continue
        command, problem = command_for(block, index, workdir, scratch, python)
        started = time.monotonic()
        if problem:
            output, ok = problem, False
        else:
            try:
                proc = subprocess.run(
                    command, check=False, cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT, timeout=TIMEOUTS[block.language],
                )
                output, ok = proc.stdout.decode(errors="replace"), proc.returncode == 0
                if not ok:
                    output += f"\n[exit status {proc.returncode}]"
            except subprocess.TimeoutExpired as e:
                output = (e.stdout or b"").decode(errors="replace") + f"\n[timed out after {TIMEOUTS[block.language]} s]"
                ok = False
        seconds = time.monotonic() - started
        if ok:
            passed += 1
            print(f"PASS {block.where} [{block.language}] {block.headline} ({seconds:.1f} s)", flush=True)
        else:
            failed.append(block)
            tail = "\n".join("    | " + line for line in output.rstrip().splitlines()[-TAIL:])
            code = "\n".join("    > " + line for line in block.code.rstrip().splitlines())
            print(f"FAIL {block.where} [{block.language}] {block.headline} ({seconds:.1f} s)\n"
                  f"  the block:\n{code}\n  its output (last {TAIL} lines):\n{tail}", flush=True)
    shutil.rmtree(scratch, ignore_errors=True)
    for path in CREATED:
        path.unlink(missing_ok=True)
    if failed:
        print("failing blocks: " + ", ".join(b.where for b in failed))
    print(f"{passed} passed, {len(failed)} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
