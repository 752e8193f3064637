"""The Performance page: the `make bench` table, from target/bench/report.json.

    python docs/scripts/performance.py target/bench/report.json docs/generated/performance.md

`make bench` writes the report (our median time, the peer's, their ratio, per
row); when it has not been run on this machine the page says so and how to
produce it, instead of showing numbers measured elsewhere.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path

INTRO = """# Performance

`make bench` times every area of scoreline against its peers on the same data
in the same run — penaltyblog's Dixon–Coles fit and implied-odds methods,
scikit-learn's isotonic regression and log loss, penaltyblog's scoring rules,
scipy's optimiser on the same likelihood — and writes the rows to
`target/bench/report.json` (`benches/src/bin/compare.rs`; the peer scripts are
in `benches/peers/`). `make bench-server` load-tests `POST /v1/predict` with
wrk. Times are medians; *ratio* is how many times faster scoreline is.
"""


def seconds(s: float | None) -> str:
    if s is None:
        return "-"
    if s >= 1.0:
        return f"{s:.3f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.3f} ms"
    return f"{s * 1e6:.3f} µs"


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    report, out = Path(sys.argv[1]), Path(sys.argv[2])
    lines = [INTRO]
    if report.is_file():
        rows = json.loads(report.read_text(encoding="utf-8"))
        when = datetime.fromtimestamp(report.stat().st_mtime, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        lines += [
            (f"The table below is `{report.name}` as `make bench` last wrote it on the machine that built "
            f"this site ({when})."),
            "",
            "| what | scoreline | peer | peer time | ratio |",
            "|---|---|---|---|---|",
        ]
        for row in rows:
            ratio = row.get("ratio")
            lines.append(
                f"| {row['name']} | {seconds(row['ours_s'])} | {row.get('peer') or '-'} | "
                f"{seconds(row.get('peer_s'))} | {'-' if ratio is None else f'{ratio:.1f}×'} |"
            )
        print(f"performance.md: {len(rows)} rows from {report}")
    else:
        lines += [
            "!!! note \"No benchmark report on the machine that built this site\"",
            f"    `{report}` was not there: run `make bench` (release builds, a few minutes) and then",
            "    `make docs` to put the table here. Numbers are not copied from another machine.",
        ]
        print(f"performance.md: no {report}; the page says how to produce it")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
