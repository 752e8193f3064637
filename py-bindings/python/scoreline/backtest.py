"""Walk-forward backtests: refit on the past, predict the next matches,
repeat, and score every prediction out of sample — then compare the model
with the bookmakers.

``walk_forward(df)`` runs the Rust engine (folds in parallel, the GIL
released) and returns a :class:`BacktestResult` with the predictions, the
folds and a metrics table; ``market_report`` sets the model, a calibrated
model, a model–market blend and the market side by side per league and
season, with a Diebold–Mariano test of model against market. A tqdm
progress bar is shown when tqdm is installed (it is optional).

Errors: bad match data raises ``scoreline.DataError`` naming the row, a
fold whose fit fails ``scoreline.FitError``, bad options and a report with
no market prices ``scoreline.BacktestError`` (all ``ValueError``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from . import _columns as col
from . import _optional
from . import _scoreline as _native
from .model import GoalModel, model_class

__all__ = [
    "LEADERBOARD_COLUMNS",
    "BacktestResult",
    "ProgressCallback",
    "football_data_report",
    "forecast",
    "leaderboard",
    "market_report",
    "tune_xi",
    "walk_forward",
]

#: ``progress(done, total)``: folds finished so far out of all folds.
ProgressCallback = Callable[[int, int], Any]

_PREDICTION_COLUMNS = [
    "date",
    "season",
    "division",
    "home_team",
    "away_team",
    "p_home",
    "p_draw",
    "p_away",
    "xg_home",
    "xg_away",
    "p_over_2_5",
    "p_btts",
    "outcome",
    "fold",
    "prior_teams",
]


@dataclass(frozen=True, eq=False)
class BacktestResult:
    """A walk-forward backtest's out-of-sample predictions and scores.

    Attributes
    ----------
    predictions : one row per predicted match, in date order, indexed by the
        input's index (so ``df.join(result.predictions, rsuffix="_pred")``
        works): date, season, division, home_team, away_team, p_home,
        p_draw, p_away, xg_home, xg_away, p_over_2_5, p_btts, outcome
        (0 home win, 1 draw, 2 away win), fold, prior_teams (how many of
        the two sides had no training match and got the league-average prior).
    folds : one row per refit: start, predicted, training_matches,
        iterations, log_likelihood, warm (and any field the engine adds).
    metrics : matches, rps, brier, log_loss, accuracy, ece per league and
        season; ``"all"`` marks an aggregate (the first row is everything,
        then one per season; per league rows only with several leagues).
    elapsed_s : the run's wall time in seconds.
    skipped : target matches not predicted for lack of training data.
    """

    predictions: Any = field(repr=False)
    folds: Any = field(repr=False)
    metrics: Any = field(repr=False)
    elapsed_s: float
    skipped: int
    native: _native.Backtest = field(repr=False)

    def market_report(self, seasons: str | Iterable[str] | None = None) -> Any:
        """The model against the market per league and season (see :func:`market_report`)."""
        return market_report(self, seasons=seasons)

    def __repr__(self) -> str:
        overall = self.metrics.iloc[0] if len(self.metrics) else None
        scores = "" if overall is None else f", rps {overall['rps']:.4f}, log loss {overall['log_loss']:.4f}"
        return (
            f"BacktestResult({len(self.predictions)} predictions, {len(self.folds)} folds, "
            f"{self.skipped} skipped{scores}, {self.elapsed_s:.2f} s)"
        )


def _refit(refit: str | int) -> tuple[str, int | None]:
    if isinstance(refit, bool):
        raise _native.BacktestError(f"refit = {refit!r}: expected 'matchday', 'date' or a number of days")
    if isinstance(refit, (int, np.integer)):
        if refit < 1:
            raise _native.BacktestError(f"refit = {refit}: refit every 1 or more days")
        return "days", int(refit)
    if refit in ("matchday", "date"):
        return str(refit), None
    raise _native.BacktestError(f"refit = {refit!r}: expected 'matchday', 'date' or a number of days")


def _codes(values: str | Iterable[str] | None) -> list[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        return [values]
    return [str(v) for v in values]


def _progress_callback(progress: bool | ProgressCallback) -> tuple[ProgressCallback | None, Callable[[], None]]:
    """The callback to hand to Rust and a function that closes any bar."""
    if callable(progress):
        return progress, lambda: None
    if not progress:
        return None, lambda: None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None, lambda: None
    bars: list[Any] = []

    def update(done: int, total: int) -> None:
        if not bars:
            bars.append(tqdm(total=total, desc="walk-forward", unit="fold"))
        bar = bars[0]
        # Workers report out of order: move the bar to the highest count seen.
        if done > bar.n:
            bar.update(done - bar.n)

    def close() -> None:
        for bar in bars:
            bar.close()

    return update, close


def _model_spec(model: Any) -> tuple[str, GoalModel | None]:
    """The family name of ``walk_forward``'s ``model`` and, for an instance,
    the instance (whose options are used)."""
    if isinstance(model, GoalModel):
        return model.family, model
    if isinstance(model, type) and issubclass(model, GoalModel) and model.family:
        return model.family, None
    if isinstance(model, str):
        return model_class(model).family, None
    raise _native.BacktestError(
        f"model = {model!r}: give a family name, a model class (e.g. scoreline.NegativeBinomial) or an unfitted instance"
    )


def walk_forward(
    data: Any,
    *,
    target: Any = None,
    leagues: str | Iterable[str] | None = None,
    seasons: str | Iterable[str] | None = None,
    refit: str | int = "matchday",
    window_days: int | None = None,
    xi: float = 0.0018,
    ridge: float = 1e-3,
    rho: bool = True,
    home_advantage: bool = True,
    warm_start: bool = True,
    chain_length: int = 16,
    min_training_matches: int = 100,
    max_goals: int | None = None,
    truncate: bool = False,
    threads: int | None = None,
    progress: bool | ProgressCallback = True,
    home: Any = "HomeTeam",
    away: Any = "AwayTeam",
    home_goals: Any = "FTHG",
    away_goals: Any = "FTAG",
    date: Any = "Date",
    division: Any = "Div",
    season: Any = "Season",
    neutral: Any = None,
    weights: Any = None,
    model: str | type[GoalModel] | GoalModel = "dixon_coles",
) -> BacktestResult:
    """Walk-forward backtest of a goal model (Dixon–Coles by default) on
    played matches.

    The matches are sorted by date. The ones to predict are cut into folds
    by ``refit`` — ``"matchday"`` (a run of dates within 3 days, the
    default), ``"date"`` (every date) or a whole number of days — and each
    fold is predicted by a model fitted on every earlier match (or the last
    ``window_days``), the time decay ``exp(−xi·days)`` measured from the
    fold's first date. Folds with fewer than ``min_training_matches``
    training matches are skipped (counted in ``skipped``). A team with no
    training match is priced with the league-average prior. Consecutive fits
    start from the previous one's parameters (``warm_start``) in chains of
    ``chain_length`` folds; chains run in parallel on ``threads`` threads
    (default: all cores) and the result does not depend on the thread count.

    Parameters
    ----------
    data : a DataFrame (or dict of columns) of played matches, e.g. from
        :func:`scoreline.read_football_data`; every match is history.
    target : which rows to predict — a boolean mask (array, list or Series
        with the data's index), one value per row; default every row.
    leagues, seasons : predict only these divisions (``Div``) and season
        codes (``"2324"``); combined with ``target``.
    xi, ridge, rho, home_advantage, max_goals, truncate : the model, as in
        :class:`scoreline.DixonColes`, except that ``ridge`` defaults to 1e-3:
        over hundreds of refits some fold sees a side that has not scored
        yet, whose unpenalised attack diverges. ``rho`` applies to
        Dixon–Coles only.
    model : the family every fold fits: a family name (``"poisson"``,
        ``"negative_binomial"``, … — ``scoreline.FAMILIES``), a class
        (``scoreline.NegativeBinomial``), or an unfitted instance, whose
        options (xi, ridge, home_advantage, rho, max_goals, truncate,
        max_iterations, tolerance) then replace the keyword arguments above.
    progress : show a tqdm bar when tqdm is installed (nothing otherwise), or
        a callable ``progress(done, total)`` called after each fold (from
        worker threads; an exception it raises is re-raised at the end).
    home, away, home_goals, away_goals, date, neutral, weights : columns, as
        in :meth:`scoreline.DixonColes.fit`.
    division, season : the division and season columns (used when present;
        a missing season is the season of the date, July to June). The
        bookmaker odds columns (``PSCH``…, ``AvgH``…, ``B365H``…) are carried
        along for :func:`market_report` when present.

    Example
    -------
    >>> import scoreline
    >>> teams = ["A", "B", "C", "D"]
    >>> rows = [(h, teams[(i + 1 + r % 3) % 4], r % 3, i % 2, f"2024-{1 + r // 28:02d}-{1 + r % 28:02d}")
    ...         for r in range(60) for i, h in enumerate(teams)]
    >>> df = {"HomeTeam": [r[0] for r in rows], "AwayTeam": [r[1] for r in rows], "FTHG": [r[2] for r in rows],
    ...       "FTAG": [r[3] for r in rows], "Date": [r[4] for r in rows]}
    >>> result = scoreline.backtest.walk_forward(df, min_training_matches=80, progress=False)
    >>> len(result.predictions) + result.skipped
    240
    >>> bool(abs(result.predictions[["p_home", "p_draw", "p_away"]].sum(axis=1) - 1).max() < 1e-12)
    True
    """
    pd = _optional.pandas("scoreline.backtest.walk_forward")

    arrays = col.match_arrays(
        data,
        home=home,
        away=away,
        home_goals=home_goals,
        away_goals=away_goals,
        date=date,
        neutral=neutral,
        weights=weights,
    )
    n = len(arrays["home"])
    extra: dict[str, Any] = {}
    for name, spec, default in (("division", division, "Div"), ("season", season, "Season")):
        if spec is None or (isinstance(spec, str) and spec == default and not col.has_column(data, spec)):
            continue
        names, codes = col.labels(col.column(data, spec, name), name, n)
        extra[f"{name}_names"], extra[f"{name}_codes"] = names, codes
    if col.is_pandas(target) and col.is_pandas(data) and not target.index.equals(data.index):
        raise _native.DataError("target: a Series whose index differs from the data's; align it first")
    target_arr = None if target is None else col.booleans(target, "target", n)
    refit_kind, refit_days = _refit(refit)
    if threads is not None and (isinstance(threads, bool) or int(threads) < 1):
        raise _native.BacktestError(f"threads = {threads!r}: give at least 1 (or None for every core)")
    family, instance = _model_spec(model)
    max_iterations, tolerance = 1000, 1e-7
    if instance is not None:
        xi, ridge, home_advantage = instance.xi, instance.ridge, instance.home_advantage
        max_goals, truncate = instance.max_goals, instance.truncate
        max_iterations, tolerance = instance.max_iterations, instance.tolerance
        rho = instance._estimates_rho()
    callback, close = _progress_callback(progress)
    try:
        native = _native.backtest_walk_forward(
            arrays["teams"],
            arrays["home"],
            arrays["away"],
            arrays["home_goals"],
            arrays["away_goals"],
            arrays["dates"],
            neutral=arrays["neutral"],
            weights=arrays["weights"],
            odds=col.odds_arrays(data),
            target=target_arr,
            leagues=_codes(leagues),
            seasons=_codes(seasons),
            refit=refit_kind,
            refit_days=refit_days,
            window_days=window_days,
            xi=xi,
            ridge=ridge,
            rho=rho,
            home_advantage=home_advantage,
            max_iterations=max_iterations,
            tolerance=tolerance,
            family=family,
            warm_start=warm_start,
            chain_length=chain_length,
            min_training_matches=min_training_matches,
            max_goals=max_goals,
            truncate=truncate,
            threads=None if threads is None else int(threads),
            progress=callback,
            **extra,
        )
    finally:
        close()

    columns = native.predictions_columns()
    rows = columns.pop("row")
    index = data.index[rows] if col.is_pandas(data) else pd.RangeIndex(n)[rows]
    predictions = pd.DataFrame(columns, index=index)[_PREDICTION_COLUMNS]
    predictions["date"] = pd.to_datetime(predictions["date"], unit="D")
    folds = pd.DataFrame(json.loads(native.folds_json()))
    if len(folds):
        folds["start"] = pd.to_datetime(folds["start"])
    metrics = pd.DataFrame(native.metrics_columns())
    if len(metrics):
        metrics["matches"] = metrics["matches"].astype("int64")
    else:
        metrics = pd.DataFrame(columns=["league", "season", "matches", "rps", "brier", "log_loss", "accuracy", "ece"])
    return BacktestResult(
        predictions=predictions,
        folds=folds,
        metrics=metrics,
        elapsed_s=float(native.elapsed_s),
        skipped=int(native.skipped),
        native=native,
    )


def market_report(
    result: BacktestResult | Any, *, seasons: str | Iterable[str] | None = None, **walk_forward_options: Any
) -> Any:
    """The model against the bookmakers, per league and season, out of sample.

    For each league-season of the predictions with a market price, and
    overall (the last row, league and season ``"all"``): matches, then
    ``rps``, ``brier``, ``log_loss``, ``accuracy`` and ``ece`` of

    - ``model_*``: the backtest's forecasts;
    - ``calibrated_*``: the forecasts after temperature scaling
      (``q ∝ p^(1/T)``), T fitted by log loss on the league's earlier seasons;
    - ``blend_*``: the logarithmic pool ``p ∝ model^w · market^(1−w)``, with
      ``blend_weight`` w fitted by log loss on the league's earlier seasons;
    - ``market_*``: Pinnacle's closing odds (``PSCH/PSCD/PSCA``) with the
      margin removed by Shin's method, else the market average (``AvgH``…)
      the same way;

    and ``dm_statistic`` / ``dm_p_value``, the Diebold–Mariano test of model
    minus market RPS (negative: the model is better). Calibrated and blend
    columns are NaN for a league's first season (fewer than 100 earlier
    priced predictions), and then also on the overall row.

    ``result`` is a :class:`BacktestResult` whose input carried the odds
    columns, or a DataFrame, which is backtested first with
    ``walk_forward_options``. ``seasons`` limits the report, not the
    backtest: the calibrator and the blend learn from the earlier seasons'
    predictions. Raises ``scoreline.BacktestError`` when no reported match
    has a market price.

    Example
    -------
    >>> report = result.market_report()                     # doctest: +SKIP
    >>> report[["league", "season", "model_rps", "market_rps", "dm_p_value"]]  # doctest: +SKIP
    """
    pd = _optional.pandas("scoreline.backtest.market_report")

    if not isinstance(result, BacktestResult):
        result = walk_forward(result, **walk_forward_options)
    elif walk_forward_options:
        raise TypeError(f"walk_forward options {sorted(walk_forward_options)} given with a finished BacktestResult")
    frame = pd.DataFrame(result.native.market_report_columns(_codes(seasons) or []))
    frame["matches"] = frame["matches"].astype("int64")
    return frame


def tune_xi(
    data: Any,
    xis: Iterable[float] = (0.0, 0.0006, 0.0012, 0.0018, 0.0024, 0.0030, 0.0036),
    **walk_forward_options: Any,
) -> Any:
    """The time-decay curve: one walk-forward backtest per ξ in ``xis``
    (each ≥ 0, increasing), scored by the mean out-of-sample log-likelihood
    of the 1X2 outcome ``(1/n) Σ ln p(outcome)`` (Dixon & Coles 1997, §4.5:
    choose the ξ that maximises it) and the mean RPS.

    ``walk_forward_options`` go to :func:`walk_forward` (``seasons``,
    ``leagues``, ``refit``, ``window_days``, ``ridge``…; not ``xi``).
    Returns a DataFrame with columns xi, log_likelihood, rps, matches, one
    row per ξ; ``.attrs["best_xi"]`` is the ξ with the highest
    log-likelihood. Plot it with :func:`scoreline.plot.xi_curve`. Each point
    is a whole backtest, so the cost is ``len(xis)`` backtests.
    """
    from . import metrics

    pd = _optional.pandas("scoreline.backtest.tune_xi")
    if "xi" in walk_forward_options:
        raise _native.BacktestError("tune_xi: give the ξ values as xis, not xi")
    grid = [float(x) for x in xis]
    if not grid or any(not np.isfinite(x) or x < 0 for x in grid) or any(b <= a for a, b in zip(grid, grid[1:])):
        raise _native.BacktestError(f"xis = {grid}: needs at least one finite ξ ≥ 0, strictly increasing")
    walk_forward_options.setdefault("progress", False)
    rows = []
    for xi in grid:
        result = walk_forward(data, xi=xi, **walk_forward_options)
        p = result.predictions
        if not len(p):
            raise _native.BacktestError(f"xi = {xi}: the backtest predicted no match (skipped {result.skipped})")
        probs = p[["p_home", "p_draw", "p_away"]].to_numpy(dtype=np.float64)
        outcome = p["outcome"].to_numpy(dtype=np.int64)
        rows.append(
            {
                "xi": xi,
                "log_likelihood": float(np.mean(np.log(probs[np.arange(len(outcome)), outcome]))),
                "rps": metrics.rps(probs, outcome),
                "matches": len(outcome),
            }
        )
    frame = pd.DataFrame(rows)
    frame.attrs["best_xi"] = float(frame["xi"].iloc[int(frame["log_likelihood"].to_numpy().argmax())])
    return frame


def football_data_report(
    path: Any,
    *,
    leagues: str | Iterable[str] | None = None,
    seasons: str | Iterable[str] | None = None,
    xi: float = 0.0018,
    ridge: float = 1e-3,
    refit_days: int | None = None,
    window_days: int = 1461,
) -> Any:
    """The model against the bookmakers for every league and season in a
    football-data folder (``<path>/mmz4281/<season>/<div>.csv``, as
    :func:`scoreline.read_football_data` reads it).

    Each league is backtested from its second season on, refitted every
    matchday (or every ``refit_days``) on the last ``window_days`` days
    (default: three seasons plus the season so far) of the league and the
    other divisions of its country (``E1`` for ``E0`` and the reverse), and
    every season with market prices is reported. The columns are
    :func:`market_report`'s; the rows are each league's seasons, then its row
    over them all (season ``"all"``), and last the overall row (league and
    season ``"all"``). ``leagues`` and ``seasons`` limit the report (default:
    everything); earlier seasons are still backtested, so calibrators and
    blend weights are fitted out of sample. Raises
    ``scoreline.BacktestError`` for an unknown league or when nothing
    reported has a market price.

    Example
    -------
    >>> report = football_data_report("data/football-data", leagues="E0")  # doctest: +SKIP
    >>> report[["league", "season", "model_rps", "market_rps", "dm_p_value"]]  # doctest: +SKIP
    """
    import os
    from pathlib import Path

    pd = _optional.pandas("scoreline.backtest.football_data_report")

    root = Path(os.fspath(path))
    if root.name == "mmz4281":
        root = root.parent
    columns = _native.backtest_football_data_report(
        str(root),
        leagues=_codes(leagues) or [],
        seasons=_codes(seasons) or [],
        xi=xi,
        ridge=ridge,
        refit_days=refit_days,
        window_days=window_days,
    )
    frame = pd.DataFrame(columns)
    frame["matches"] = frame["matches"].astype("int64")
    return frame


#: The columns of :func:`leaderboard`, in order.
LEADERBOARD_COLUMNS = [
    "model",
    "blend",
    "league",
    "matches",
    "rps",
    "log_loss",
    "brier",
    "ece",
    "market_rps",
    "gap",
    "dm_p_vs_dixon_coles",
    "dm_p_vs_market",
    "refits",
    "elapsed_s",
]


def _football_data_dir(path: Any) -> str:
    """The football-data folder (the one holding ``mmz4281/``) of a data
    folder, of the football-data folder itself or of its ``mmz4281/``."""
    import os
    from pathlib import Path

    root = Path(os.fspath(path))
    if root.name == "mmz4281":
        return str(root.parent)
    if (root / "football-data" / "mmz4281").is_dir() or (
        (root / "football-data").is_dir() and not (root / "mmz4281").is_dir()
    ):
        return str(root / "football-data")
    return str(root)


def leaderboard(
    path: Any,
    *,
    models: str | Iterable[str] = "all",
    leagues: str | Iterable[str] | None = None,
    seasons: str | Iterable[str] | None = None,
    refit_days: int | None = None,
    window_days: int = 1461,
    xi: float = 0.0018,
    ridge: float = 1e-3,
    threads: int | None = None,
) -> Any:
    """The leaderboard of goal-model families and sequential models on every
    league of a football-data folder, out of sample and against the market.

    ``path`` is the data folder (holding ``football-data/``), the
    football-data folder itself (holding ``mmz4281/<season>/<div>.csv``) or
    its ``mmz4281/``. ``models`` is ``"all"`` or a list mixing goal-model
    families (``"poisson"``, ``"dixon_coles"``, … — ``scoreline.FAMILIES``)
    and sequential models (``"division_dixon_coles"``,
    ``"shots_dixon_coles"``, ``"xg_dixon_coles"``, ``"gas_dixon_coles"``,
    ``"elo"``, ``"pi_ratings"``, ``"massey"``, ``"colley"``, ``"log_pool"``,
    ``"linear_pool"``); Dixon–Coles is always run (it is the baseline of
    ``dm_p_vs_dixon_coles``) and listed. Every model prices the same
    matches: each league from its third season on (two warm-up seasons),
    families refitted every matchday (or every ``refit_days``) on the last
    ``window_days`` days with time decay ``xi`` and ridge ``ridge``.

    Returns a DataFrame with :data:`LEADERBOARD_COLUMNS`: one row per model
    and league, then the model's row with league ``"overall"``; ``blend``
    is True for the separately labelled blends of a pool with the market
    (``"log_pool+market"``; every other row is model-only); rps,
    log_loss, brier, ece of the model, ``market_rps`` (the closing market on
    the same matches), ``gap`` (rps − market_rps), the Diebold–Mariano
    p-values of the model's RPS against Dixon–Coles' and the market's, the
    model's refits and wall time. Raises ``scoreline.BacktestError`` (a
    ``ValueError``) for an unknown model name (the message lists the valid
    ones) or league. The run happens in Rust with the GIL released; a
    Ctrl-C stops it at the next fold and raises ``KeyboardInterrupt``.

    Example
    -------
    >>> board = scoreline.backtest.leaderboard("data", models=["dixon_coles", "elo", "log_pool"],
    ...                                        leagues=["E0"], refit_days=30)  # doctest: +SKIP
    >>> board[board.league == "overall"].sort_values("rps")[["model", "rps", "gap"]]  # doctest: +SKIP
    """
    pd = _optional.pandas("scoreline.backtest.leaderboard")
    names = _codes(models) or []
    if threads is not None and (isinstance(threads, bool) or int(threads) < 1):
        raise _native.BacktestError(f"threads = {threads!r}: give at least 1 (or None for every core)")
    columns = _native.backtest_model_leaderboard(
        _football_data_dir(path),
        names,
        leagues=_codes(leagues) or [],
        seasons=_codes(seasons) or [],
        xi=xi,
        ridge=ridge,
        refit_days=refit_days,
        window_days=window_days,
        threads=None if threads is None else int(threads),
    )
    frame = pd.DataFrame(columns)
    if len(frame):
        frame = frame[LEADERBOARD_COLUMNS]
    else:
        frame = pd.DataFrame(columns=LEADERBOARD_COLUMNS)
    frame["matches"] = frame["matches"].astype("int64")
    frame["refits"] = frame["refits"].astype("int64")
    return frame


#: Statistics columns :func:`forecast` reads when present: (home, away) names, the first pair found wins.
_STATS_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "shots_on_target": [("HST", "AST"), ("home_shots_on_target", "away_shots_on_target")],
    "xg": [("home_xg", "away_xg"), ("xg_home", "xg_away")],
}


def _stats_arrays(data: Any) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for name, candidates in _STATS_COLUMNS.items():
        pair = next((c for c in candidates if all(col.has_column(data, x) for x in c)), None)
        if pair is None:
            continue
        out[name] = np.ascontiguousarray(
            np.column_stack([col.floats(col.column(data, x, name), name) for x in pair])
        )
    return out


def forecast(
    data: Any,
    model: str,
    *,
    targets: Any = None,
    refit: str | int = "matchday",
    stats: bool = True,
    home: Any = "HomeTeam",
    away: Any = "AwayTeam",
    home_goals: Any = "FTHG",
    away_goals: Any = "FTAG",
    date: Any = "Date",
    division: Any = "Div",
    neutral: Any = None,
) -> Any:
    """Out-of-sample 1X2 forecasts of a sequential model on your own matches.

    ``model`` is a sequential model name: ``"elo"``, ``"pi_ratings"``,
    ``"massey"``, ``"colley"``, ``"gas_dixon_coles"``,
    ``"division_dixon_coles"``, ``"shots_dixon_coles"`` (needs shots on
    target), ``"xg_dixon_coles"`` (uses xG where a match has it),
    ``"log_pool"`` or ``"linear_pool"`` (for the goal-model families use
    :func:`walk_forward`). The matches are taken in date order; the
    ``targets`` rows (a boolean mask with one value per row, or the name of
    a boolean column; default every row) are cut into folds by ``refit``
    (``"matchday"``, ``"date"`` or a number of days), and each fold is
    forecast from every match dated strictly before it — no result, statistic
    or odds of a forecast match or a later one is seen.

    Columns are as in :func:`walk_forward` (``Div`` is used when present).
    With ``stats`` (the default), shots on target (``HST``/``AST`` or
    ``home_shots_on_target``/``away_shots_on_target``) and expected goals
    (``home_xg``/``away_xg``) are passed to the model when present (NaN where
    unknown). Returns a DataFrame of ``p_home``, ``p_draw``, ``p_away``, one
    row per target, indexed by the input's index, in the input's order.
    Raises ``scoreline.BacktestError`` for an unknown model (listing the
    valid names), ``scoreline.DataError`` for bad rows or a missing
    statistic.

    Example
    -------
    >>> import scoreline
    >>> teams = ["A", "B", "C", "D"]
    >>> rows = [(h, teams[(i + 1 + r % 3) % 4], r % 3, i % 2, f"2024-{1 + r // 28:02d}-{1 + r % 28:02d}")
    ...         for r in range(60) for i, h in enumerate(teams)]
    >>> df = {"HomeTeam": [r[0] for r in rows], "AwayTeam": [r[1] for r in rows], "FTHG": [r[2] for r in rows],
    ...       "FTAG": [r[3] for r in rows], "Date": [r[4] for r in rows]}
    >>> p = scoreline.backtest.forecast(df, "elo")
    >>> len(p), bool(abs(p.sum(axis=1) - 1).max() < 1e-9)
    (240, True)
    """
    pd = _optional.pandas("scoreline.backtest.forecast")
    if not isinstance(model, str):
        raise _native.BacktestError(f"model = {model!r}: give a sequential model name, e.g. 'elo'")
    arrays = col.match_arrays(
        data, home=home, away=away, home_goals=home_goals, away_goals=away_goals, date=date, neutral=neutral
    )
    n = len(arrays["home"])
    extra: dict[str, Any] = {}
    if division is not None and not (isinstance(division, str) and division == "Div" and not col.has_column(data, "Div")):
        extra["division_names"], extra["division_codes"] = col.labels(col.column(data, division, "division"), "division", n)
    if isinstance(targets, str):
        targets = col.column(data, targets, "targets")
    if col.is_pandas(targets) and col.is_pandas(data) and not targets.index.equals(data.index):
        raise _native.DataError("targets: a Series whose index differs from the data's; align it first")
    target_arr = None if targets is None else col.booleans(targets, "targets", n)
    refit_kind, refit_days = _refit(refit)
    if stats:
        extra.update(_stats_arrays(data))
    columns = _native.forecast_sequential(
        arrays["teams"],
        arrays["home"],
        arrays["away"],
        arrays["home_goals"],
        arrays["away_goals"],
        arrays["dates"],
        model,
        neutral=arrays["neutral"],
        target=target_arr,
        refit=refit_kind,
        refit_days=refit_days,
        **extra,
    )
    rows = np.asarray(columns.pop("row"), dtype=np.int64)
    order = np.argsort(rows, kind="stable")
    rows = rows[order]
    index = data.index[rows] if col.is_pandas(data) else pd.RangeIndex(n)[rows]
    return pd.DataFrame({k: np.asarray(columns[k])[order] for k in ("p_home", "p_draw", "p_away")}, index=index)
