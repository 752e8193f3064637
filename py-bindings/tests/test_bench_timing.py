"""The bench's timing helper (issue 15 item 11): rows compare warm medians, so a peer whose first
calls are slow (penaltyblog's first fits run ~10x slower than from the third on) is not timed cold."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

PEERS = Path(__file__).resolve().parents[2] / "benches" / "peers"
sys.path.insert(0, str(PEERS))

import common


def _slow_at_first(cold_calls: int, cold_s: float, warm_s: float) -> tuple[list[float], object]:
    calls: list[float] = []

    def fn() -> None:
        time.sleep(cold_s if len(calls) < cold_calls else warm_s)
        calls.append(1.0)

    return calls, fn


def test_median_time_is_not_fooled_by_slow_first_calls() -> None:
    calls, fn = _slow_at_first(cold_calls=3, cold_s=0.08, warm_s=0.002)
    median = common.median_time(fn, 3)  # type: ignore[arg-type]
    assert median < 0.02, f"timed cold: median {median:.4f} s"
    # Warm-up ran at least WARMUP_CALLS calls and WARMUP_S seconds before the timed runs.
    assert len(calls) >= common.WARMUP_CALLS + 3


def test_warm_up_is_bounded_for_slow_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    """A slow call (an international fit takes 10-20 s) is warmed up for at most WARMUP_MAX_S."""
    calls, fn = _slow_at_first(cold_calls=0, cold_s=0.0, warm_s=0.05)
    monkeypatch.setattr(common, "WARMUP_MAX_S", 0.12)
    n = common.warm_up(fn)  # type: ignore[arg-type]
    assert n == len(calls) and 2 <= n <= 4  # not the ~20 calls that WARMUP_S = 1 s would take


def test_peers_run_blas_on_one_thread_like_our_fits() -> None:
    """Under load, OpenBLAS's two threads made penaltyblog's fit 10-30x slower than on one."""
    threadpoolctl = pytest.importorskip("threadpoolctl")
    import numpy as np

    np.ones((2, 2)) @ np.ones((2, 2))  # load numpy's BLAS
    with common.one_thread():
        pools = threadpoolctl.threadpool_info()
        assert pools and all(p["num_threads"] == 1 for p in pools)
