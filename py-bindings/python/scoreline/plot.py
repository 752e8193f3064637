"""Plots for notebooks (matplotlib is an optional dependency: ``pip install scoreline[plot]``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._scoreline import ScoreGrid


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(6, 5))
    return ax


def score_grid(grid: ScoreGrid, *, max_goals: int = 6, ax: Any = None, title: str | None = None) -> Any:
    """A heatmap of score probabilities (home goals down, away goals across)
    with each cell's probability in percent; returns the axes."""
    ax = _axes(ax)
    m = grid.to_numpy()[: max_goals + 1, : max_goals + 1]
    image = ax.imshow(m, cmap="viridis", origin="upper")
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            colour = "white" if m[i, j] < 0.6 * m.max() else "black"
            ax.text(j, i, f"{100 * m[i, j]:.1f}", ha="center", va="center", fontsize=8, color=colour)
    ax.set_xlabel("away goals")
    ax.set_ylabel("home goals")
    ax.set_xticks(range(m.shape[1]))
    ax.set_yticks(range(m.shape[0]))
    h, d, a = grid.home_draw_away
    ax.set_title(title or f"home {h:.1%} · draw {d:.1%} · away {a:.1%}")
    ax.figure.colorbar(image, ax=ax, label="probability")
    return ax


def reliability(
    probs: Any,
    outcomes: Any,
    *,
    labels: tuple[str, ...] = ("home", "draw", "away"),
    n_bins: int = 10,
    strategy: str = "uniform",
    ax: Any = None,
    title: str | None = None,
) -> Any:
    """A reliability diagram: observed frequency against mean forecast per
    bin, one line per outcome, with the diagonal of perfect calibration.
    ``probs`` is (n, k), ``outcomes`` integer indices. Returns the axes."""
    from .metrics import calibration_curve

    ax = _axes(ax)
    probs = np.asarray(probs, dtype=np.float64)
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1)
    for k, label in enumerate(labels[: probs.shape[1]]):
        curve = calibration_curve(probs, outcomes, outcome=k, n_bins=n_bins, strategy=strategy)
        keep = np.asarray(curve["count"]) > 0
        ax.plot(np.asarray(curve["mean_forecast"])[keep], np.asarray(curve["observed"])[keep], marker="o", label=label)
    ax.set_xlabel("forecast probability")
    ax.set_ylabel("observed frequency")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend()
    if title:
        ax.set_title(title)
    return ax
