"""The doc-block runner's reading of Markdown: which blocks run, markers,
rustdoc-style wrapping, and the lines never run."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run_doc_blocks as runner

SAMPLE = """# Title

```sh
make demo
make test   # everything
```

<!-- doc-test: skip — needs a download -->

```python
print("skipped")
```

```python
print("runs")
```

<!-- doc-test: skip — applies to the next block only -->
Some prose in between.

```rust
let x = 1;
```

```json
{"not": "run"}
```
"""


def blocks(tmp_path: Path, text: str = SAMPLE) -> list[runner.Block]:
    path = tmp_path / "page.md"
    path.write_text(text, encoding="utf-8")
    return runner.extract(path, "page.md")


def test_extract_languages_lines_and_markers(tmp_path: Path) -> None:
    found = blocks(tmp_path)
    assert [(b.line, b.language, b.skip) for b in found] == [
        (3, "sh", None),
        (10, "python", "needs a download"),
        (14, "python", None),
        (21, "rust", None),  # prose between marker and block cancels the marker
    ]
    assert found[0].where == "page.md:3"


def test_skip_marker_needs_a_reason(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="needs a reason"):
        blocks(tmp_path, "<!-- doc-test: skip -->\n```sh\nls\n```\n")


def test_make_test_is_never_run(tmp_path: Path) -> None:
    block = blocks(tmp_path)[0]
    command, problem = runner.command_for(block, 0, tmp_path, tmp_path, Path(sys.executable))
    assert problem is None
    script = Path(command[-1]).read_text(encoding="utf-8")
    assert "make demo" in script
    assert "echo '[doc-test] not run: make test" in script


def test_rust_wrapping_like_rustdoc() -> None:
    assert "fn main() {\n    let x = 1;\n}" in runner.rust_source("let x = 1;\n")
    wrapped = runner.rust_source("let n: u32 = \"7\".parse()?;\nOk::<(), std::num::ParseIntError>(())\n")
    assert "let run = || {" in wrapped and "run().unwrap();" in wrapped
    own_main = "fn main() {}\n"
    assert runner.rust_source(own_main) == own_main


def test_rustdoc_hidden_lines_fail(tmp_path: Path) -> None:
    block = blocks(tmp_path, "```rust\nlet x = 1;\n# let hidden = 2;\n```\n")[0]
    command, problem = runner.command_for(block, 0, tmp_path, tmp_path, Path(sys.executable))
    assert command == []
    assert problem is not None and "line(s) 3" in problem
