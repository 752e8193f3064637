"""The goal models: ``DixonColes().fit(df)`` (or any of the seven families,
``Poisson``, ``NegativeBinomial``, ``ZeroInflatedPoisson``, ``BivariatePoisson``,
``WeibullCopula``, ``ConwayMaxwellPoisson``) and predictions, with every
computation in Rust."""

from __future__ import annotations

import html
import json
import math
from typing import TYPE_CHECKING, Any, ClassVar

from . import _columns as col
from . import _optional
from ._scoreline import DataError, FitError, FittedModel, ModelFileError, ScoreGrid, ScorelineError

if TYPE_CHECKING:
    from typing_extensions import Self


class NotFittedError(ScorelineError):
    """The model was used before ``fit`` (or ``load``)."""


class GoalModel:
    """The shared API of every goal-model family (use a subclass, e.g.
    :class:`DixonColes` or :class:`NegativeBinomial`).

    Every family has the same linear predictor
    ``log λ_home = μ + γ·[not neutral] + attack[home] − defence[away]``,
    ``log λ_away = μ + attack[away] − defence[home]``, Σ attack = Σ defence = 0,
    with time-decay weights ``exp(−xi · days before the reference date)``;
    they differ in how the score distribution is built from (λ, ν) and the
    family's extra parameters (:attr:`extra_names`).

    Parameters
    ----------
    xi : decay rate per day (0 weighs every match equally).
    home_advantage : estimate γ (``False`` fixes it at 0).
    ridge : penalty ``ridge·Σ(attack² + defence²)`` (use it for small data or
        teams that never scored).
    max_goals : goals a side in score grids (at most 50). ``None`` (the
        default) sizes each grid so that less than 1e-12 of the probability
        lies outside it; an explicit number that leaves more than 1e-9 outside
        raises ``PredictError`` unless ``truncate=True``.
    truncate : with an explicit ``max_goals``, renormalise the grid whatever
        the mass outside it (reported by ``ScoreGrid.mass_outside``).
    """

    #: The family's name in model files, ``walk_forward(model=...)`` and the CLI.
    family: ClassVar[str] = ""
    #: The family's extra parameters beyond the linear predictor, in order.
    extra_names: ClassVar[tuple[str, ...]] = ()
    #: The name in ``__repr__`` and ``_repr_html_``.
    display_name: ClassVar[str] = ""

    def __init__(
        self,
        xi: float = 0.0018,
        home_advantage: bool = True,
        ridge: float = 0.0,
        max_goals: int | None = None,
        max_iterations: int = 1000,
        tolerance: float = 1e-7,
        truncate: bool = False,
    ) -> None:
        if not self.family:
            raise TypeError("GoalModel is the shared base: use a family's class (e.g. scoreline.DixonColes)")
        self.xi = xi
        self.home_advantage = home_advantage
        self.ridge = ridge
        self.max_goals = max_goals
        self.truncate = truncate
        self.max_iterations = max_iterations
        self.tolerance = tolerance
        self._model: FittedModel | None = None

    def _estimates_rho(self) -> bool:
        """Whether the native fit estimates ρ (only Dixon–Coles has one)."""
        return True

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
    ) -> Self:
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
            family=self.family,
            xi=self.xi,
            reference_date=None if reference_date is None else col.one_day(reference_date, "reference_date"),
            rho=self._estimates_rho(),
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
            raise NotFittedError(f"call fit() or {type(self).__name__}.load() first")
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
        pd = _optional.pandas(f"{type(self).__name__}.predict_markets")

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
        """attack and defence (dicts by team), intercept, home_advantage and
        the family's extra parameters by name (``rho``, ``dispersion``, …)."""
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
        pd = _optional.pandas(f"{type(self).__name__}.ratings")

        frame = pd.DataFrame(self.fitted_model.ratings_columns())
        frame.insert(3, "strength", frame["attack"] + frame["defence"])
        return frame.sort_values("strength", ascending=False).reset_index(drop=True)

    def summary(self) -> dict[str, Any]:
        """The fit summary: log_likelihood, iterations, converged, gradient_norm,
        at_boundary (the extra parameters whose maximum is on their bound,
        held there exactly, e.g. ``["dispersion"]``), rho_at_bound, intercept,
        home_advantage (and its standard error), each extra parameter and its
        standard error ``<name>_se`` (``None`` when fixed or on its bound),
        n_teams, n_params, aic and bic."""
        out: dict[str, Any] = json.loads(self.fitted_model.summary_json())
        # True when ρ̂ fell outside the region where τ is valid for every pair
        # and ρ was moved to its edge (the model file omits it when false).
        out.setdefault("rho_at_bound", False)
        out.setdefault("at_boundary", [])
        ses = self.fitted_model.scalar_standard_errors()
        extra_ses = self.fitted_model.extra_standard_errors()
        params = self.params
        out.update(
            family=self.family,
            home_advantage=params["home_advantage"],
            intercept=params["intercept"],
            home_advantage_se=None if ses is None else ses[1],
        )
        for name in self.extra_names:
            out[name] = params[name]
            out[f"{name}_se"] = None if extra_ses is None else extra_ses.get(name)
        out.update(n_teams=len(self.teams), n_params=self.n_params, aic=self.aic, bic=self.bic)
        return out

    @property
    def loglik(self) -> float:
        """The weighted log-likelihood at the optimum."""
        return self.fitted_model.loglik  # type: ignore[no-any-return]

    @property
    def n_params(self) -> int:
        """k, the number of estimated parameters: ``2·n_teams − 2`` attack
        and defence strengths (each set sums to zero), the intercept μ, γ
        when ``home_advantage`` is estimated, and every extra parameter the
        family estimates (ρ only when ``rho=True``). An extra parameter that
        ended on its bound (``summary()["at_boundary"]``) still counts: it
        was estimated, its maximum just lies there (penaltyblog counts the
        same way)."""
        # From the options the fit ran with (stored in the model file), so a
        # file written without this class's options (by Rust, say) counts right.
        options = json.loads(self.fitted_model.options_json())
        free = {name: options.get(name) == "free" for name in ("home_advantage", "rho")}
        extras = sum(1 for name in self.extra_names if name != "rho" or free["rho"])
        return 2 * len(self.teams) - 2 + 1 + int(free["home_advantage"]) + extras

    @property
    def aic(self) -> float:
        """Akaike's information criterion ``2k − 2ℓ`` (k = :attr:`n_params`,
        ℓ = :attr:`loglik`, the weighted log-likelihood without the ridge
        penalty). Lower is better; compare models fitted on the same data
        and weights."""
        return 2.0 * self.n_params - 2.0 * self.loglik

    @property
    def bic(self) -> float:
        """The Bayesian information criterion ``k·ln(m) − 2ℓ`` with m the
        matches that entered the fit (``summary()["matches_used"]``, weight
        > 0) and k, ℓ as in :attr:`aic`."""
        matches = json.loads(self.fitted_model.summary_json())["matches_used"]
        return self.n_params * math.log(matches) - 2.0 * self.loglik

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
    def from_json(cls, text: str) -> Self:
        """A model from ``to_json`` output, a Rust model file, or the former
        ``{"scoreline_python": options, "model": ...}`` wrapper."""
        model, _version, metadata = FittedModel.parse_model_file(text)
        return cls._from_parts(model, metadata, "model JSON")

    def save(self, path: str | Any) -> None:
        """Saves the model file atomically (in Rust: temporary file, fsync, rename)."""
        self.fitted_model.save(path, self._metadata())

    @classmethod
    def load(cls, path: str | Any) -> Self:
        """Loads a model saved by ``save`` (or by the Rust ``FittedModel::save``)
        of this class's family; :func:`load_model` loads any family."""
        model, _version, metadata = FittedModel.load_model_file(path)
        return cls._from_parts(model, metadata, str(path))

    def _metadata(self) -> str:
        return json.dumps({"python_options": self._options()})

    @classmethod
    def _from_parts(cls, model: FittedModel, metadata: str | None, source: str) -> Self:
        target: type[Self] = model_class(model.family) if cls is GoalModel else cls  # type: ignore[assignment]
        if model.family != target.family:
            raise ModelFileError(
                f"{source}: holds a {model.family} model, not {target.family}; "
                f"load it with scoreline.load_model(path) (or scoreline.{model_class(model.family).__name__}.load)"
            )
        options = (json.loads(metadata) if metadata is not None else {}).get("python_options", {})
        known = set(target().__dict__) - {"_model"}
        if not isinstance(options, dict) or not set(options) <= known:
            raise ModelFileError(f"invalid model file: metadata.python_options: expected options among {sorted(known)}")
        if options.get("max_goals") is not None and "truncate" not in options:
            # Written before grids were exact by default: a stored max_goals
            # meant a truncated, renormalised grid, so it keeps meaning that.
            options = {**options, "truncate": True}
        obj = target(**options)
        obj._model = model
        return obj

    def __getstate__(self) -> dict[str, Any]:
        return {"json": self.to_json() if self._model is not None else None, "options": self._options()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state["options"])  # type: ignore[misc]
        if state["json"] is not None:
            self._model = type(self).from_json(state["json"])._model

    def _options(self) -> dict[str, Any]:
        return {
            "xi": self.xi,
            "home_advantage": self.home_advantage,
            "ridge": self.ridge,
            "max_goals": self.max_goals,
            "truncate": self.truncate,
            "max_iterations": self.max_iterations,
            "tolerance": self.tolerance,
        }

    # -- display -----------------------------------------------------------------

    def __repr__(self) -> str:
        lines = ["Module: scoreline", "", f"Model: {self.display_name}", ""]
        if self._model is None:
            lines.append("Status: Model not fitted")
            return "\n".join(lines)
        s = self.summary()
        lines += [
            f"Number of parameters: {s['n_params']}",
            f"Log Likelihood: {s['log_likelihood']:.3f}",
            f"AIC: {s['aic']:.3f}",
            "",
            f"{'Team':<20} {'Attack':<20} {'Defence':<20}",
            "-" * 60,
        ]
        for team, attack, defence in zip(self.teams, self.params["attack"].values(), self.params["defence"].values()):
            lines.append(f"{team:<20} {attack:<20.3f} {defence:<20.3f}")
        lines += ["-" * 60, f"Home Advantage: {s['home_advantage']:.3f}"]
        lines += [f"{_label(name)}: {s[name]:.3f}" for name in self.extra_names]
        if s["at_boundary"]:
            lines.append(f"At boundary: {', '.join(s['at_boundary'])}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        if self._model is None:
            return f"<p>{html.escape(type(self).__name__)} (not fitted)</p>"
        s = self.summary()
        rows = "".join(
            f"<tr><td>{html.escape(str(r['team']))}</td><td>{r['attack']:.3f}</td><td>{r['attack_se']:.3f}</td>"
            f"<td>{r['defence']:.3f}</td><td>{r['defence_se']:.3f}</td></tr>"
            for r in self.ratings().to_dict("records")
        )
        extras = "".join(f", {html.escape(_label(name, html_=True))} {s[name]:.3f}" for name in self.extra_names)
        boundary = f", at boundary: {html.escape(', '.join(s['at_boundary']))}" if s["at_boundary"] else ""
        return (
            f"<p><b>{html.escape(self.display_name)}</b>: {s['matches_used']} matches, "
            f"log-likelihood {s['log_likelihood']:.3f}, AIC {s['aic']:.3f}, "
            f"home advantage {s['home_advantage']:.3f}{extras}{boundary}, {s['iterations']} iterations</p>"
            "<table><thead><tr><th>team</th><th>attack</th><th>± se</th><th>defence</th><th>± se</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )


def _label(name: str, html_: bool = False) -> str:
    """An extra parameter's name as shown (``rho`` → ``Rho``, or ``ρ`` in HTML)."""
    if html_ and name == "rho":
        return "ρ"
    return name.replace("_", " ").capitalize()


class DixonColes(GoalModel):
    """The Dixon–Coles (1997) goal model: independent Poisson goals with the
    low-score correction τ controlled by ρ (``family = "dixon_coles"``).

    Takes :class:`GoalModel`'s options plus ``rho``: estimate ρ (``False``
    fixes ρ = 0, the independent-Poisson model).

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

    family = "dixon_coles"
    extra_names = ("rho",)
    display_name = "Dixon and Coles"

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
        self.rho = rho
        super().__init__(
            xi=xi,
            home_advantage=home_advantage,
            ridge=ridge,
            max_goals=max_goals,
            max_iterations=max_iterations,
            tolerance=tolerance,
            truncate=truncate,
        )

    def _estimates_rho(self) -> bool:
        return self.rho

    def _options(self) -> dict[str, Any]:
        return {"rho": self.rho, **super()._options()}


class Poisson(GoalModel):
    """Independent Poisson goals (Maher 1982): no extra parameter
    (``family = "poisson"``; the same fit as ``DixonColes(rho=False)``)."""

    family = "poisson"
    display_name = "Poisson"


class NegativeBinomial(GoalModel):
    """Negative-binomial goals with mean λ and variance λ + α·λ², one
    dispersion α = 1/r ≥ 0 for both sides (``family = "negative_binomial"``;
    penaltyblog's ``NegativeBinomialGoalModel``). α = 0 is the Poisson model;
    a fit whose maximum lies there ends on it exactly and reports
    ``summary()["at_boundary"] == ["dispersion"]``."""

    family = "negative_binomial"
    extra_names = ("dispersion",)
    display_name = "Negative Binomial"


class ZeroInflatedPoisson(GoalModel):
    """Zero-inflated Poisson goals: each side scores 0 with extra
    probability π (``family = "zero_inflated_poisson"``; penaltyblog's
    ``ZeroInflatedPoissonGoalsModel``). π = 0, the Poisson model, is
    attainable and reported in ``at_boundary``."""

    family = "zero_inflated_poisson"
    extra_names = ("zero_inflation",)
    display_name = "Zero-inflated Poisson"


class BivariatePoisson(GoalModel):
    """Bivariate Poisson goals (Karlis & Ntzoufras 2003) with a shared
    component λ₃ ≥ 0 (``family = "bivariate_poisson"``; penaltyblog's
    ``BivariatePoissonGoalModel``). λ₃ = 0, the Poisson model, is attainable
    and reported in ``at_boundary``."""

    family = "bivariate_poisson"
    extra_names = ("lambda3",)
    display_name = "Bivariate Poisson"


class WeibullCopula(GoalModel):
    """Weibull-count goals joined by a Frank copula (Boshnakov, Kharrat &
    McHale 2017; ``family = "weibull_copula"``): a Weibull shape and the
    copula's κ. The Weibull-count probabilities are summed to convergence
    (penaltyblog's ``WeibullCopulaGoalsModel`` cuts the series at 15 goals)."""

    family = "weibull_copula"
    extra_names = ("shape", "kappa")
    display_name = "Weibull Copula"


class ConwayMaxwellPoisson(GoalModel):
    """Conway–Maxwell–Poisson goals with one dispersion ν
    (``family = "conway_maxwell_poisson"``; goalmodel's CMP model; ν = 1 is
    the Poisson model, ν < 1 over-dispersed, ν > 1 under-dispersed)."""

    family = "conway_maxwell_poisson"
    extra_names = ("cmp_nu",)
    display_name = "Conway-Maxwell-Poisson"


#: Every family's class by family name, in the engine's order.
FAMILIES: dict[str, type[GoalModel]] = {
    cls.family: cls
    for cls in (
        Poisson,
        DixonColes,
        NegativeBinomial,
        ZeroInflatedPoisson,
        BivariatePoisson,
        WeibullCopula,
        ConwayMaxwellPoisson,
    )
}


def model_class(family: str) -> type[GoalModel]:
    """The class of a family name (``"negative_binomial"`` →
    :class:`NegativeBinomial`); an unknown name raises ``FitError`` listing
    the families."""
    try:
        return FAMILIES[family]
    except (KeyError, TypeError):
        raise FitError(f"family: unknown family {family!r}; expected one of {', '.join(FAMILIES)}") from None


def load_model(path: str | Any) -> GoalModel:
    """Loads a model file of any family as its class (a negative-binomial
    file as :class:`NegativeBinomial`, and so on)."""
    return GoalModel.load(path)


def model_from_json(text: str) -> GoalModel:
    """:func:`load_model` for a model file's text."""
    return GoalModel.from_json(text)
