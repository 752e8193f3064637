"""The Dixon–Coles model: ``DixonColes().fit(df)`` and predictions, with every
computation in Rust."""

from __future__ import annotations

import html
import json
from typing import Any

from . import _columns as col
from . import _optional
from ._scoreline import DataError, FittedModel, ModelFileError, ScoreGrid, ScorelineError


class NotFittedError(ScorelineError):
    """The model was used before ``fit`` (or ``load``)."""


class DixonColes:
    """The Dixon–Coles (1997) goal model.

    ``log λ_home = μ + γ·[not neutral] + attack[home] − defence[away]``,
    ``log λ_away = μ + attack[away] − defence[home]``, Σ attack = Σ defence = 0,
    with the low-score correction τ controlled by ρ and time-decay weights
    ``exp(−xi · days before the reference date)``.

    Parameters
    ----------
    xi : decay rate per day (0 weighs every match equally).
    rho : estimate ρ (``False`` fixes ρ = 0, the independent-Poisson model).
    home_advantage : estimate γ (``False`` fixes it at 0).
    ridge : penalty ``ridge·Σ(attack² + defence²)`` (use it for small data or
        teams that never scored).
    max_goals : goals a side in score grids (at most 50). ``None`` (the
        default) sizes each grid so that less than 1e-12 of the probability
        lies outside it; an explicit number that leaves more than 1e-9 outside
        raises ``PredictError`` unless ``truncate=True``.
    truncate : with an explicit ``max_goals``, renormalise the grid whatever
        the mass outside it (reported by ``ScoreGrid.mass_outside``).

    Example
    -------
    >>> import scoreline
    >>> model = scoreline.DixonColes(xi=0.0).fit(
    ...     {"HomeTeam": ["A", "B", "C", "A", "B", "C"], "AwayTeam": ["B", "C", "A", "C", "A", "B"],
    ...      "FTHG": [2, 1, 0, 3, 1, 2], "FTAG": [1, 1, 2, 0, 1, 2],
    ...      "Date": ["2024-08-01", "2024-08-02", "2024-08-03", "2024-08-04", "2024-08-05", "2024-08-06"]},
    ...     )
    >>> round(sum(model.predict("A", "B").home_draw_away), 12)
    1.0
    """

    def __init__(
        self,
        xi: float = 0.0018,
        rho: bool = True,
        home_advantage: bool = True,
        ridge: float = 0.0,
        max_goals: int | None = None,
        max_iterations: int = 1000,
        tolerance: float = 1e-7,
        truncate: bool = False,
    ) -> None:
        self.xi = xi
        self.rho = rho
        self.home_advantage = home_advantage
        self.ridge = ridge
        self.max_goals = max_goals
        self.truncate = truncate
        self.max_iterations = max_iterations
        self.tolerance = tolerance
        self._model: FittedModel | None = None

    # -- fitting -----------------------------------------------------------------

    def fit(
        self,
        data: Any = None,
        *,
        home: Any = "HomeTeam",
        away: Any = "AwayTeam",
        home_goals: Any = "FTHG",
        away_goals: Any = "FTAG",
        date: Any = "Date",
        neutral: Any = None,
        weights: Any = None,
        reference_date: Any = None,
    ) -> DixonColes:
        """Fits to ``data`` (a DataFrame or a dict of columns); each column
        argument is a column name or the values themselves. ``date=None``
        treats rows as consecutive days (use with ``xi=0``). Returns self.
        The fit runs with the GIL released."""
        columns = col.match_arrays(
            data,
            home=home,
            away=away,
            home_goals=home_goals,
            away_goals=away_goals,
            date=date,
            neutral=neutral,
            weights=weights,
        )
        self._model = FittedModel.fit(
            columns["teams"],
            columns["home"],
            columns["away"],
            columns["home_goals"],
            columns["away_goals"],
            columns["dates"],
            neutral=columns["neutral"],
            weights=columns["weights"],
            xi=self.xi,
            reference_date=None if reference_date is None else col.one_day(reference_date, "reference_date"),
            rho=self.rho,
            home_advantage=self.home_advantage,
            ridge=self.ridge,
            max_iterations=self.max_iterations,
            tolerance=self.tolerance,
        )
        return self

    @property
    def fitted_model(self) -> FittedModel:
        """The native fitted model (raises ``NotFittedError`` before ``fit``)."""
        if self._model is None:
            raise NotFittedError("call fit() or DixonColes.load() first")
        return self._model

    # -- predicting --------------------------------------------------------------

    def predict(self, home: str, away: str, neutral: bool = False) -> ScoreGrid:
        """The score grid (and every market on it) for one fixture."""
        return self.fitted_model.predict(home, away, neutral, self.max_goals, self.truncate)

    def predict_proba(self, home_teams: Any, away_teams: Any, neutral: Any = None) -> Any:
        """Home/draw/away probabilities, an (n, 3) array — or a DataFrame with
        columns home, draw, away when the teams come as a pandas Series."""
        teams, (home_codes, away_codes) = col.factorize(home_teams, away_teams)
        if len(home_codes) != len(away_codes):
            raise DataError(f"away_teams has {len(away_codes)} rows, expected {len(home_codes)}")
        neutral_arr = None if neutral is None else col.booleans(neutral, "neutral", len(home_codes))
        probs = self.fitted_model.predict_proba(
            teams, home_codes, away_codes, neutral_arr, self.max_goals, self.truncate
        )
        if col.is_pandas(home_teams):
            import pandas as pd

            return pd.DataFrame(probs, columns=["home", "draw", "away"], index=home_teams.index)
        return probs

    def predict_markets(
        self, fixtures: Any, *, home: Any = "HomeTeam", away: Any = "AwayTeam", neutral: Any = None
    ) -> Any:
        """A DataFrame of the usual markets per fixture (1X2, expected goals,
        over 1.5/2.5/3.5, both teams to score, double chance, draw no bet,
        expected points, most likely score)."""
        pd = _optional.pandas("DixonColes.predict_markets")

        home_names = col.strings(col.column(fixtures, home, "home"), "home")
        away_names = col.strings(col.column(fixtures, away, "away"), "away")
        neutral_list = None
        if neutral is not None:
            neutral_list = col.booleans(col.column(fixtures, neutral, "neutral"), "neutral", len(home_names)).tolist()
        columns = self.fitted_model.predict_markets(
            home_names, away_names, neutral_list, self.max_goals, self.truncate
        )
        index = fixtures.index if col.is_pandas(fixtures) else None
        frame = pd.DataFrame({"home_team": home_names, "away_team": away_names, **columns}, index=index)
        return frame

    def _summary_columns(self, home_teams: Any, away_teams: Any, neutral: Any = None) -> dict[str, Any]:
        """p_home, p_draw, p_away, xg_home, xg_away, p_over_2_5 and p_btts
        per fixture as arrays (the MLflow flavour's columns; the same numbers
        as ``predict_markets``, several times faster)."""
        teams, (home_codes, away_codes) = col.factorize(home_teams, away_teams)
        if len(home_codes) != len(away_codes):
            raise DataError(f"away_teams has {len(away_codes)} rows, expected {len(home_codes)}")
        neutral_arr = None if neutral is None else col.booleans(neutral, "neutral", len(home_codes))
        return self.fitted_model.predict_summary(  # type: ignore[no-any-return]
            teams, home_codes, away_codes, neutral_arr, self.max_goals, self.truncate
        )

    # -- inspecting --------------------------------------------------------------

    @property
    def params(self) -> dict[str, Any]:
        """attack and defence (dicts by team), intercept, home_advantage, rho."""
        return self.fitted_model.params  # type: ignore[no-any-return]

    @property
    def teams(self) -> list[str]:
        """The teams the model knows."""
        return self.fitted_model.teams  # type: ignore[no-any-return]

    def ratings(self) -> Any:
        """A DataFrame, strongest first: team, attack, defence (log scale,
        average 0; a larger defence concedes less), ``strength = attack +
        defence`` (the server's name too) and the standard errors
        attack_se, defence_se (NaN when not computed)."""
        pd = _optional.pandas("DixonColes.ratings")

        frame = pd.DataFrame(self.fitted_model.ratings_columns())
        frame.insert(3, "strength", frame["attack"] + frame["defence"])
        return frame.sort_values("strength", ascending=False).reset_index(drop=True)

    def summary(self) -> dict[str, Any]:
        """The fit summary: log_likelihood, iterations, converged, gradient_norm,
        rho_at_bound, …"""
        out: dict[str, Any] = json.loads(self.fitted_model.summary_json())
        # True when ρ̂ fell outside the region where τ is valid for every pair
        # and ρ was moved to its edge (the model file omits it when false).
        out.setdefault("rho_at_bound", False)
        ses = self.fitted_model.scalar_standard_errors()
        params = self.params
        out.update(
            home_advantage=params["home_advantage"],
            rho=params["rho"],
            intercept=params["intercept"],
            home_advantage_se=None if ses is None else ses[1],
            rho_se=None if ses is None else ses[2],
            n_teams=len(self.teams),
        )
        return out

    @property
    def loglik(self) -> float:
        """The weighted log-likelihood at the optimum."""
        return self.fitted_model.loglik  # type: ignore[no-any-return]

    @property
    def converged(self) -> bool:
        """True for a converged fit (a failed fit raises FitError instead)."""
        return self.fitted_model.converged  # type: ignore[no-any-return]

    @property
    def n_iter(self) -> int:
        """Solver iterations."""
        return self.fitted_model.n_iter  # type: ignore[no-any-return]

    # -- persistence -------------------------------------------------------------

    def to_json(self) -> str:
        """The model file as a JSON string: the Rust model-file format, with
        this object's options kept (under the checksum) as
        ``metadata.python_options``; the server and ``FittedModel.load`` read it."""
        return self.fitted_model.to_json(self._metadata())

    @classmethod
    def from_json(cls, text: str) -> DixonColes:
        """A model from ``to_json`` output, a Rust model file, or the former
        ``{"scoreline_python": options, "model": ...}`` wrapper."""
        model, _version, metadata = FittedModel.parse_model_file(text)
        return cls._from_parts(model, metadata)

    def save(self, path: str | Any) -> None:
        """Saves the model file atomically (in Rust: temporary file, fsync, rename)."""
        self.fitted_model.save(path, self._metadata())

    @classmethod
    def load(cls, path: str | Any) -> DixonColes:
        """Loads a model saved by ``save`` (or by the Rust ``FittedModel::save``)."""
        model, _version, metadata = FittedModel.load_model_file(path)
        return cls._from_parts(model, metadata)

    def _metadata(self) -> str:
        return json.dumps({"python_options": self._options()})

    @classmethod
    def _from_parts(cls, model: FittedModel, metadata: str | None) -> DixonColes:
        options = (json.loads(metadata) if metadata is not None else {}).get("python_options", {})
        known = set(cls().__dict__) - {"_model"}
        if not isinstance(options, dict) or not set(options) <= known:
            raise ModelFileError(f"invalid model file: metadata.python_options: expected options among {sorted(known)}")
        if options.get("max_goals") is not None and "truncate" not in options:
            # Written before grids were exact by default: a stored max_goals
            # meant a truncated, renormalised grid, so it keeps meaning that.
            options = {**options, "truncate": True}
        obj = cls(**options)
        obj._model = model
        return obj

    def __getstate__(self) -> dict[str, Any]:
        return {"json": self.to_json() if self._model is not None else None, "options": self._options()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state["options"])  # type: ignore[misc]
        if state["json"] is not None:
            self._model = DixonColes.from_json(state["json"])._model

    def _options(self) -> dict[str, Any]:
        return {
            "xi": self.xi,
            "rho": self.rho,
            "home_advantage": self.home_advantage,
            "ridge": self.ridge,
            "max_goals": self.max_goals,
            "truncate": self.truncate,
            "max_iterations": self.max_iterations,
            "tolerance": self.tolerance,
        }

    # -- display -----------------------------------------------------------------

    def __repr__(self) -> str:
        lines = ["Module: scoreline", "", "Model: Dixon and Coles", ""]
        if self._model is None:
            lines.append("Status: Model not fitted")
            return "\n".join(lines)
        s = self.summary()
        n_params = 2 * s["n_teams"] + 1 + int(self.rho) + int(self.home_advantage) - 2
        lines += [
            f"Number of parameters: {n_params}",
            f"Log Likelihood: {s['log_likelihood']:.3f}",
            f"AIC: {2 * n_params - 2 * s['log_likelihood']:.3f}",
            "",
            f"{'Team':<20} {'Attack':<20} {'Defence':<20}",
            "-" * 60,
        ]
        for team, attack, defence in zip(self.teams, self.params["attack"].values(), self.params["defence"].values()):
            lines.append(f"{team:<20} {attack:<20.3f} {defence:<20.3f}")
        lines += ["-" * 60, f"Home Advantage: {s['home_advantage']:.3f}", f"Rho: {s['rho']:.3f}"]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        if self._model is None:
            return "<p>DixonColes (not fitted)</p>"
        s = self.summary()
        rows = "".join(
            f"<tr><td>{html.escape(str(r['team']))}</td><td>{r['attack']:.3f}</td><td>{r['attack_se']:.3f}</td>"
            f"<td>{r['defence']:.3f}</td><td>{r['defence_se']:.3f}</td></tr>"
            for r in self.ratings().to_dict("records")
        )
        return (
            f"<p><b>Dixon–Coles</b>: {s['matches_used']} matches, log-likelihood {s['log_likelihood']:.3f}, "
            f"home advantage {s['home_advantage']:.3f}, ρ {s['rho']:.3f}, {s['iterations']} iterations</p>"
            "<table><thead><tr><th>team</th><th>attack</th><th>± se</th><th>defence</th><th>± se</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
