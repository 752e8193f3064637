"""`make bench-server`: a load test of `POST /v1/predict`.

Starts the release `scoreline-server` on an ephemeral loopback port (fitting
the latest three Premier League seasons under $SCORELINE_DATA_DIR), drives it
with wrk for 20 s over 64 connections, prints requests/s, p50/p99/p99.9
latency and the error count next to the targets, writes
target/bench/server.json, and stops the server with SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGETS = {"requests_per_second": 30_000.0, "p99_ms": 5.0, "errors": 0}


def start_server(binary: Path, data_dir: str) -> tuple[subprocess.Popen[str], str]:
    """Starts the server on port 0 and returns it with its base URL."""
    server = subprocess.Popen(
        [str(binary), "--data", data_dir, "--bind", "127.0.0.1:0", "--log-level", "warn"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    line = server.stdout.readline()
    if "listening on" not in line:
        server.kill()
        sys.exit(f"the server did not start: {line!r}")
    return server, line.strip().rsplit(" ", 1)[-1]


def fixtures(base: str) -> list[str]:
    """Request bodies: every team against the next one in the ratings table."""
    with urllib.request.urlopen(f"{base}/v1/teams") as response:
        teams = [row["team"] for row in json.load(response)["teams"]]
    return [json.dumps({"home": h, "away": a}) for h, a in zip(teams, teams[1:] + teams[:1])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--server", type=Path, default=ROOT / "target/release/scoreline-server")
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk is not installed: `apt-get install wrk` (Debian) and run again")
    data_dir = os.environ.get("SCORELINE_DATA_DIR", str(ROOT.parent / "shared/data"))
    server, base = start_server(args.server, data_dir)
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
            f.write("\n".join(fixtures(base)) + "\n")
            bodies = f.name
        run = subprocess.run(
            [wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
             "-s", str(ROOT / "benches/server/predict.lua"), base],
            env={**os.environ, "BENCH_BODIES": bodies},
            capture_output=True,
            text=True,
            check=True,
        )
        os.unlink(bodies)
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=30)
    result = json.loads([line for line in run.stdout.splitlines() if line.startswith("{")][-1])
    result["server_exit_code"] = code
    print(f"POST /v1/predict, wrk {args.threads} threads, {args.connections} connections, {args.duration} s "
          "(server and load generator share this machine's cores)")
    rows = [
        ("requests/s", f"{result['requests_per_second']:,.0f}", "≥ 30,000",
         result["requests_per_second"] >= TARGETS["requests_per_second"]),
        ("p50 latency", f"{result['p50_ms']:.3f} ms", "", True),
        ("p99 latency", f"{result['p99_ms']:.3f} ms", "< 5 ms", result["p99_ms"] < TARGETS["p99_ms"]),
        ("p99.9 latency", f"{result['p999_ms']:.3f} ms", "", True),
        ("errors", f"{result['errors']} (non-2xx {result['non_2xx']})", "0", result["errors"] == 0),
        ("requests", f"{result['requests']:,}", "", True),
    ]
    for name, value, target, ok in rows:
        mark = "" if not target else ("  ok" if ok else "  MISSED")
        print(f"  {name:<14} {value:>22}  {target}{mark}")
    out = ROOT / "target/bench/server.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}; server exit code after SIGTERM: {code}")


if __name__ == "__main__":
    main()
