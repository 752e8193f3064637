//! Fitting: the solvers and the fit itself (its options and summary are
//! stored with the model: [`FitOptions`], [`FitSummary`]).
//!
//! [`fit`] asks the family of `options.family` ([`GoalModel`]) for its
//! likelihood problem over a validated [`Dataset`] (today a
//! [`DixonColesProblem`], with ρ free or held) and its starting values,
//! runs a solver on it (our [`newton()`] with the analytic Hessian, or
//! argmin's L-BFGS via [`lbfgs()`] for data with many teams; both generic
//! over [`crate::model::problem::SmoothProblem`]), computes standard
//! errors, and returns a [`FittedModel`]. Failing to converge is an error,
//! never a silent result.

pub mod lbfgs;
pub mod newton;

use std::time::Instant;

pub use lbfgs::lbfgs;
pub use newton::newton;

use crate::data::Dataset;
use crate::model::families::distribution::{DistributionProblem, ScoreDistribution};
use crate::model::families::kernel::{Kernel, KernelFamily};
use crate::model::families::{
    BivariatePoisson, ConwayMaxwellPoisson, DixonColes, GoalModel, NegativeBinomial, Poisson,
    WeibullCopula, ZeroInflatedPoisson,
};
use crate::model::likelihood::{DixonColesProblem, ModelSpec};
use crate::model::options::{Family, FitOptions, SolverChoice, NEWTON_MAX_TEAMS};
use crate::model::params::{ParamLayout, ParamMode, Parameters, MAX_ABS_RATING};
use crate::model::problem::FitError;
use crate::model::problem::SmoothProblem;
use crate::model::uncertainty::constrained_standard_errors;
use crate::model::uncertainty::{standard_errors, standard_errors_from_hessian, StandardErrors};
use crate::model::{FitSummary, FittedModel};
use crate::weights::TimeDecay;

/// Why a solver stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum Termination {
    /// The gradient is within tolerance.
    Converged,
    /// The iteration cap was reached.
    MaxIterations,
    /// The solver could not make progress, with the reason.
    Stalled(String),
}

/// What a solver returns: where it stopped and why.
#[derive(Debug, Clone)]
pub struct SolverReport {
    /// The final parameter vector (attack and defence centred).
    pub theta: Vec<f64>,
    /// The objective there.
    pub objective: f64,
    /// The largest absolute gradient entry there.
    pub gradient_norm: f64,
    /// Iterations done.
    pub iterations: usize,
    /// Why it stopped.
    pub termination: Termination,
    /// The Hessian at `theta`, when the solver computed it there.
    pub hessian: Option<nalgebra::DMatrix<f64>>,
}

/// Fits the model to a validated dataset.
///
/// ```
/// use chrono::{Days, NaiveDate};
/// use scoreline_dixon_coles::data::{Dataset, Match, ValidationOptions};
/// use scoreline_dixon_coles::model::fit::fit;
/// use scoreline_dixon_coles::model::options::FitOptions;
/// let day = NaiveDate::from_ymd_opt(2024, 8, 1).unwrap();
/// let results = [("A", "B", 2, 1), ("B", "C", 1, 1), ("C", "D", 0, 2), ("D", "A", 1, 3),
///                ("A", "C", 2, 0), ("B", "D", 0, 1), ("B", "A", 1, 1), ("C", "B", 2, 3),
///                ("D", "C", 4, 2), ("A", "D", 1, 0), ("C", "A", 0, 0), ("D", "B", 2, 2)];
/// let matches: Vec<Match> = results.iter().enumerate()
///     .map(|(i, &(h, a, x, y))| Match::new(day + Days::new(i as u64), h, a, x, y))
///     .collect();
/// let data = Dataset::from_matches(&matches, &ValidationOptions::default()).unwrap();
/// let model = fit(&data, &FitOptions::default()).unwrap();
/// assert!(model.summary().converged);
/// ```
pub fn fit(data: &Dataset, options: &FitOptions) -> Result<FittedModel, FitError> {
    fit_family(data, options, None, Fingerprint::Record)
}

/// Fits starting from an earlier model's parameters (a warm start, e.g. in
/// a walk-forward backtest). Teams the earlier model did not know start at
/// the league average (attack = defence = 0).
pub fn fit_from(
    data: &Dataset,
    options: &FitOptions,
    previous: &FittedModel,
) -> Result<FittedModel, FitError> {
    fit_family(data, options, Some(previous), Fingerprint::Record)
}

/// Whether a fit records its training data's fingerprint (a SHA-256 over
/// every match) in the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fingerprint {
    /// Recorded, as [`fit`] and [`fit_from`] do.
    Record,
    /// Left out: for models that are used once and never saved (a
    /// backtest's folds), where hashing the window at every refit costs
    /// as much as a Poisson fit's last Newton step.
    Skip,
}

/// [`fit`] (`previous` `None`) or [`fit_from`], with the fingerprint
/// recorded or not.
pub(crate) fn fit_with(
    data: &Dataset,
    options: &FitOptions,
    previous: Option<&FittedModel>,
    fingerprint: Fingerprint,
) -> Result<FittedModel, FitError> {
    fit_family(data, options, previous, fingerprint)
}

/// Dispatches on `options.family` to the family's [`GoalModel`].
fn fit_family(
    data: &Dataset,
    options: &FitOptions,
    previous: Option<&FittedModel>,
    fingerprint: Fingerprint,
) -> Result<FittedModel, FitError> {
    match options.family {
        Family::DixonColes => fit_inner(&DixonColes, data, options, previous, fingerprint),
        Family::Poisson => fit_inner(&Poisson, data, options, previous, fingerprint),
        Family::NegativeBinomial => fit_kernel(
            &NegativeBinomial::new(),
            data,
            options,
            previous,
            fingerprint,
        ),
        Family::ZeroInflatedPoisson => fit_kernel(
            &ZeroInflatedPoisson::new(),
            data,
            options,
            previous,
            fingerprint,
        ),
        Family::BivariatePoisson => fit_kernel(
            &BivariatePoisson::new(),
            data,
            options,
            previous,
            fingerprint,
        ),
        Family::ConwayMaxwellPoisson => fit_kernel(
            &ConwayMaxwellPoisson::new(),
            data,
            options,
            previous,
            fingerprint,
        ),
        Family::WeibullCopula => {
            fit_kernel(&WeibullCopula::new(), data, options, previous, fingerprint)
        }
    }
}

/// The fit of a family whose likelihood is a [`DixonColesProblem`] (with ρ
/// free or fixed): the family prepares the problem and the start, the
/// solver runs on it, and a ρ outside its valid region is moved to its
/// edge ([`bound_rho`]).
fn fit_inner<M: GoalModel<Problem = DixonColesProblem>>(
    family: &M,
    data: &Dataset,
    options: &FitOptions,
    previous: Option<&FittedModel>,
    fingerprint: Fingerprint,
) -> Result<FittedModel, FitError> {
    let started = Instant::now();
    let options = &family.options(options)?;
    check_options(options)?;
    let reference_date = options
        .time_decay
        .reference_date
        .or_else(|| data.last_date())
        .ok_or(FitError::NoWeightedMatches)?;
    let decay = TimeDecay {
        reference_date: Some(reference_date),
        ..options.time_decay
    };
    let weights = decay.weights(data.dates());
    let spec = ModelSpec {
        home_advantage: options.home_advantage,
        rho: options.rho,
        ridge: options.ridge,
    };
    let problem = family.problem(data, &weights, options)?;
    if options.ridge == 0.0 {
        check_every_team_rated(data, &problem)?;
    }
    let layout = problem.layout();
    let start = match previous {
        Some(model) => warm_start(data, &problem, model),
        None => family.start(&problem),
    };
    let theta0 = layout.pack(&start);
    if !problem.objective(&theta0).is_finite() {
        return Err(FitError::InfeasibleStart);
    }
    let use_newton = match options.solver {
        SolverChoice::Newton => true,
        SolverChoice::Lbfgs => false,
        SolverChoice::Auto => layout.n_teams <= NEWTON_MAX_TEAMS,
    };
    let (solver_name, mut report) = run_solver(&problem, theta0, options, use_newton);
    let mut params = layout.unpack(
        &report.theta,
        problem.fixed_home_advantage(),
        problem.fixed_rho(),
    );
    let (lower, upper) = params.rho_bounds();
    let rho_at_bound = layout.rho.is_some() && !(lower <= params.rho && params.rho <= upper);
    if !rho_at_bound {
        // A solver that stopped with ρ outside the valid region gets the
        // bounded search below; any other failure is an error.
        converged(&problem, solver_name, &report, options)?;
    }
    check_ratings(data, &params)?;
    let mut iterations = report.iterations;
    if rho_at_bound {
        let bounded = bound_rho(data, &weights, spec, options, use_newton, &params)?;
        iterations += bounded.2;
        (params, report) = (bounded.0, bounded.1);
    }
    check_ratings(data, &params)?;
    let theta = layout.pack(&params);
    let log_likelihood = problem.log_likelihood(&theta);
    check_degenerate(&params, log_likelihood)?;
    let errors = if !options.standard_errors {
        None
    } else if rho_at_bound {
        // ρ is held at its bound: the errors of the others given ρ.
        let fixed = ParamLayout::new(layout.n_teams, layout.home_advantage.is_some(), false);
        let hessian = report
            .hessian
            .as_ref()
            .ok_or(FitError::SingularInformation)?;
        Some(standard_errors_from_hessian(fixed, hessian)?)
    } else {
        Some(match &report.hessian {
            Some(h) => standard_errors_from_hessian(layout, h)?,
            None => StandardErrors::from_flat(layout, &standard_errors(&problem, &report.theta)?),
        })
    };
    let summary = FitSummary {
        log_likelihood,
        objective: report.objective,
        iterations,
        gradient_norm: report.gradient_norm,
        converged: true,
        solver: solver_name.to_owned(),
        matches_used: problem.n_matches(),
        total_weight: problem.total_weight(),
        reference_date,
        fit_seconds: started.elapsed().as_secs_f64(),
        fitted_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        rho_at_bound,
        at_boundary: Vec::new(),
    };
    Ok(FittedModel::new(
        data.teams().clone(),
        params,
        *options,
        summary,
        match fingerprint {
            Fingerprint::Record => data.fingerprint(),
            Fingerprint::Skip => None,
        },
        errors,
    ))
}

/// Fits a family given by a score distribution ([`KernelFamily`]): the
/// likelihood of [`crate::model::families::distribution`], maximised by the
/// projected Newton method (its extras may end exactly on their lower
/// bound, reported in [`FitSummary::at_boundary`]) from the Poisson
/// optimum with the family's starting extras, or from `previous` (its
/// ratings, and its extras when it is of the same family). L-BFGS is not
/// offered: it has no bounds here, and these families' problems are small
/// enough for Newton's dense steps.
fn fit_kernel<T: Kernel<E, K>, const E: usize, const K: usize>(
    family: &KernelFamily<T, E, K>,
    data: &Dataset,
    options: &FitOptions,
    previous: Option<&FittedModel>,
    fingerprint: Fingerprint,
) -> Result<FittedModel, FitError> {
    let started = Instant::now();
    let options = &family.options(options)?;
    check_options(options)?;
    if options.solver == SolverChoice::Lbfgs {
        return Err(FitError::InvalidOption {
            option: "solver",
            reason: format!(
                "the {} family is fitted by Newton's method only (it has bounded parameters)",
                T::NAME
            ),
        });
    }
    let reference_date = options
        .time_decay
        .reference_date
        .or_else(|| data.last_date())
        .ok_or(FitError::NoWeightedMatches)?;
    let decay = TimeDecay {
        reference_date: Some(reference_date),
        ..options.time_decay
    };
    let weights = decay.weights(data.dates());
    let problem = family.problem(data, &weights, options)?;
    // A warm start of the same family with an extra off its bound starts
    // Newton from the previous model's parameters mapped onto this data's
    // teams. Otherwise (or when that start cannot be priced or Newton fails
    // from it) the Poisson fit checks the data (every team rated, ratings
    // finite) and gives the start, with the previous extras or the
    // family's starting ones: when every extra was on its bound (the
    // Poisson case of NB, ZIP and BP) that start is usually the optimum.
    let same_family = previous.filter(|model| model.family() == T::FAMILY);
    let direct = match same_family {
        Some(model)
            if (options.ridge > 0.0 || problem.every_team_rated())
                && model.summary().at_boundary.len() < T::EXTRAS.len() =>
        {
            let start = mapped_parameters(
                data,
                model,
                problem.home_advantage_index().is_some(),
                problem.fixed_home_advantage(),
            );
            let theta0 = pack_kernel(&problem, &start, &start.extra);
            problem.objective(&theta0).is_finite().then(|| {
                newton(
                    &problem,
                    theta0,
                    options.gradient_tolerance,
                    options.max_iterations,
                )
            })
        }
        _ => None,
    };
    let report = match direct {
        Some(report) if report.termination == Termination::Converged => report,
        _ => {
            let poisson_options = FitOptions {
                family: Family::Poisson,
                rho: ParamMode::Free,
                standard_errors: false,
                solver: SolverChoice::Newton,
                ..*options
            };
            let start = fit_inner(
                &Poisson,
                data,
                &poisson_options,
                previous,
                Fingerprint::Skip,
            )?
            .parameters()
            .clone();
            let extra = same_family.map_or(&T::START[..], |model| &model.parameters().extra);
            let mut theta0 = pack_kernel(&problem, &start, extra);
            if !problem.objective(&theta0).is_finite() {
                // A warm start's extras may not fit the new data (e.g. a CMP
                // ν < 1 leaves no valid rate for a side expected to score
                // almost nothing): start them where a cold fit does.
                theta0 = pack_kernel(&problem, &start, &T::START);
                if !problem.objective(&theta0).is_finite() {
                    return Err(FitError::InfeasibleStart);
                }
            }
            newton(
                &problem,
                theta0,
                options.gradient_tolerance,
                options.max_iterations,
            )
        }
    };
    let first_extra = problem.first_extra();
    if report.termination != Termination::Converged {
        let reason = match &report.termination {
            Termination::MaxIterations => "the iteration cap was reached".to_owned(),
            Termination::Stalled(why) => why.clone(),
            Termination::Converged => unreachable!(),
        };
        return Err(FitError::NotConverged {
            solver: "newton",
            iterations: report.iterations,
            gradient_norm: report.gradient_norm,
            tolerance: options.gradient_tolerance,
            reason,
        });
    }
    let n = problem.n_teams();
    let theta = &report.theta;
    let params = Parameters {
        attack: theta[..n].to_vec(),
        defence: theta[n..2 * n].to_vec(),
        intercept: theta[2 * n],
        home_advantage: problem
            .home_advantage_index()
            .map_or(problem.fixed_home_advantage(), |i| theta[i]),
        rho: 0.0,
        extra: theta[first_extra..].to_vec(),
    };
    check_ratings(data, &params)?;
    let log_likelihood = problem.log_likelihood(theta);
    check_degenerate(&params, log_likelihood)?;
    let held: Vec<usize> = problem
        .lower_bounds()
        .into_iter()
        .filter(|&(i, lower)| theta[i] <= lower)
        .map(|(i, _)| i)
        .collect();
    let at_boundary = held
        .iter()
        .map(|&i| T::EXTRAS[i - first_extra].name.to_owned())
        .collect();
    let errors = if options.standard_errors {
        let hessian = report
            .hessian
            .as_ref()
            .ok_or(FitError::SingularInformation)?;
        // The free coordinates only: an extra on its bound has no error.
        let free: Vec<usize> = (0..theta.len()).filter(|j| !held.contains(j)).collect();
        let sub =
            nalgebra::DMatrix::from_fn(free.len(), free.len(), |r, c| hessian[(free[r], free[c])]);
        let sub_errors = constrained_standard_errors(&problem.gauge_blocks(), &sub)?;
        let mut full = vec![None; theta.len()];
        for (k, &j) in free.iter().enumerate() {
            full[j] = Some(sub_errors[k]);
        }
        Some(StandardErrors {
            attack: full[..n].iter().map(|e| e.unwrap_or(f64::NAN)).collect(),
            defence: full[n..2 * n]
                .iter()
                .map(|e| e.unwrap_or(f64::NAN))
                .collect(),
            intercept: full[2 * n].unwrap_or(f64::NAN),
            home_advantage: problem.home_advantage_index().and_then(|i| full[i]),
            rho: None,
            extra: full[first_extra..].to_vec(),
        })
    } else {
        None
    };
    let summary = FitSummary {
        log_likelihood,
        objective: report.objective,
        iterations: report.iterations,
        gradient_norm: report.gradient_norm,
        converged: true,
        solver: "newton".to_owned(),
        matches_used: problem.n_matches(),
        total_weight: problem.total_weight(),
        reference_date,
        fit_seconds: started.elapsed().as_secs_f64(),
        fitted_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        rho_at_bound: false,
        at_boundary,
    };
    Ok(FittedModel::new(
        data.teams().clone(),
        params,
        *options,
        summary,
        match fingerprint {
            Fingerprint::Record => data.fingerprint(),
            Fingerprint::Skip => None,
        },
        errors,
    ))
}

/// Runs the chosen solver; anything but convergence is [`FitError::NotConverged`].
fn solve(
    problem: &DixonColesProblem,
    theta0: Vec<f64>,
    options: &FitOptions,
    use_newton: bool,
) -> Result<(&'static str, SolverReport), FitError> {
    let (solver_name, report) = run_solver(problem, theta0, options, use_newton);
    converged(problem, solver_name, &report, options)?;
    Ok((solver_name, report))
}

/// Runs Newton or L-BFGS from `theta0` with the options' tolerance and cap.
fn run_solver(
    problem: &DixonColesProblem,
    theta0: Vec<f64>,
    options: &FitOptions,
    use_newton: bool,
) -> (&'static str, SolverReport) {
    let (tolerance, cap) = (options.gradient_tolerance, options.max_iterations);
    if use_newton {
        ("newton", newton(problem, theta0, tolerance, cap))
    } else {
        ("lbfgs", lbfgs(problem, theta0, tolerance, cap))
    }
}

/// [`FitError::NotConverged`] (with a hint why) unless the solver converged.
fn converged(
    problem: &DixonColesProblem,
    solver_name: &'static str,
    report: &SolverReport,
    options: &FitOptions,
) -> Result<(), FitError> {
    if report.termination != Termination::Converged {
        let mut reason = match &report.termination {
            Termination::MaxIterations => "the iteration cap was reached".to_owned(),
            Termination::Stalled(why) => why.clone(),
            Termination::Converged => unreachable!(),
        };
        reason.push_str(&diagnose(problem, &report.theta));
        return Err(FitError::NotConverged {
            solver: solver_name,
            iterations: report.iterations,
            gradient_norm: report.gradient_norm,
            tolerance: options.gradient_tolerance,
            reason,
        });
    }
    Ok(())
}

/// A rating beyond ±[`MAX_ABS_RATING`] is [`FitError::DivergentRating`].
fn check_ratings(data: &Dataset, params: &Parameters) -> Result<(), FitError> {
    for (parameter, values) in [("attack", &params.attack), ("defence", &params.defence)] {
        if let Some(t) = values.iter().position(|v| v.abs() > MAX_ABS_RATING) {
            return Err(FitError::DivergentRating {
                team: data.teams().name(t as u32).to_owned(),
                parameter,
                value: values[t],
            });
        }
    }
    Ok(())
}

/// Bisection steps of [`bound_rho`] at most (enough to go from |ρ| = 10⁹ to 10⁻⁸).
const RHO_BISECTION_STEPS: usize = 64;

/// Moves ρ from an estimate `unconstrained.rho` outside
/// [`Parameters::rho_bounds`] towards 0 until the model is valid for every
/// pair of teams: the largest step `r = t·ρ̂` (0 ≤ t ≤ 1) whose fit with ρ
/// held at `r` has `lower(r) ≤ r ≤ upper(r)`, found by bisection on `t` to
/// |Δr| ≤ 10⁻⁸·max(1, |r|). ρ = 0 is always valid, so the search starts
/// there; a sub-fit that fails counts as invalid. Every other parameter is
/// refitted with ρ held at the result. Returns the parameters, the solver
/// report of that last fit (in the layout without ρ) and the iterations of
/// every sub-fit.
///
/// The likelihood itself is unbounded in some data (a league where every
/// match is a draw sends ρ to −∞ without this); elsewhere small samples put
/// ρ̂ just outside the region, and the result is then on its edge.
fn bound_rho(
    data: &Dataset,
    weights: &[f64],
    spec: ModelSpec,
    options: &FitOptions,
    use_newton: bool,
    unconstrained: &Parameters,
) -> Result<(Parameters, SolverReport, usize), FitError> {
    let mut iterations = 0;
    let mut fit_at =
        |rho: f64, start: &Parameters| -> Result<(Parameters, SolverReport), FitError> {
            let problem = DixonColesProblem::new(
                data,
                weights,
                ModelSpec {
                    rho: ParamMode::Fixed(rho),
                    ..spec
                },
            )?;
            let layout = problem.layout();
            let start = Parameters {
                rho,
                ..start.clone()
            };
            let theta0 = layout.pack(&start);
            if !problem.objective(&theta0).is_finite() {
                return Err(FitError::InfeasibleStart);
            }
            let (_, mut report) = solve(&problem, theta0, options, use_newton)?;
            iterations += report.iterations;
            if report.hessian.is_none() {
                let mut gradient = vec![0.0; layout.len];
                let mut hessian = nalgebra::DMatrix::zeros(layout.len, layout.len);
                problem.objective_gradient_hessian(&report.theta, &mut gradient, &mut hessian);
                report.hessian = Some(hessian);
            }
            let params = layout.unpack(&report.theta, problem.fixed_home_advantage(), rho);
            check_ratings(data, &params)?;
            Ok((params, report))
        };
    let valid = |p: &Parameters| {
        let (lower, upper) = p.rho_bounds();
        lower <= p.rho && p.rho <= upper
    };
    let (mut good, mut bad) = (0.0, unconstrained.rho);
    let mut best = fit_at(good, unconstrained)?;
    for _ in 0..RHO_BISECTION_STEPS {
        if (bad - good).abs() <= 1e-8 * good.abs().max(1.0) {
            break;
        }
        let mid = 0.5 * (good + bad);
        match fit_at(mid, &best.0) {
            Ok(found) if valid(&found.0) => {
                good = mid;
                best = found;
            }
            _ => bad = mid,
        }
    }
    Ok((best.0, best.1, iterations))
}

/// Rejects a converged fit that is still absurd: an intercept or home
/// advantage beyond ±[`MAX_ABS_RATING`], a ρ outside
/// [`Parameters::rho_bounds`] (where τ is valid for every pair of teams the
/// model can price), or a positive log-likelihood.
fn check_degenerate(params: &Parameters, log_likelihood: f64) -> Result<(), FitError> {
    for (parameter, value) in [
        ("intercept", params.intercept),
        ("home_advantage", params.home_advantage),
    ] {
        if value.is_nan() || value.abs() > MAX_ABS_RATING {
            return Err(FitError::UnboundedParameter { parameter, value });
        }
    }
    let (lower, upper) = params.rho_bounds();
    if !(lower..=upper).contains(&params.rho) {
        return Err(FitError::RhoOutOfRange {
            rho: params.rho,
            lower,
            upper,
        });
    }
    if log_likelihood.is_nan() || log_likelihood > 0.0 {
        return Err(FitError::PositiveLogLikelihood { log_likelihood });
    }
    Ok(())
}

/// A hint about why a fit did not converge: a rating running off to
/// infinity (a team that never scored or never conceded) or ρ pressed
/// against the edge of the region where every τ is positive.
fn diagnose(problem: &DixonColesProblem, theta: &[f64]) -> String {
    let layout = problem.layout();
    let n = layout.n_teams;
    let largest = theta[..2 * n].iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if largest > MAX_ABS_RATING {
        return format!(
            "; a team rating has reached {largest:.1} and is still growing (a team that never scored or never conceded has no finite estimate): use the ridge option or more matches"
        );
    }
    if let Some(r) = layout.rho {
        let rho = theta[r];
        let mut nudged = theta.to_vec();
        nudged[r] = rho * 1.01;
        if !problem.objective(&nudged).is_finite() {
            return format!(
                "; ρ = {rho:.4} is at the edge of the region where every τ is positive (too few low-score matches to pin it down): fix ρ (e.g. ParamMode::Fixed(0.0)) or use more matches"
            );
        }
    }
    String::new()
}

fn check_options(options: &FitOptions) -> Result<(), FitError> {
    let xi = options.time_decay.xi_per_day;
    if !(xi.is_finite() && xi >= 0.0) {
        return Err(FitError::InvalidOption {
            option: "xi_per_day",
            reason: format!("must be finite and ≥ 0, got {xi}"),
        });
    }
    let tol = options.gradient_tolerance;
    if !(tol.is_finite() && tol > 0.0) {
        return Err(FitError::InvalidOption {
            option: "gradient_tolerance",
            reason: format!("must be finite and > 0, got {tol}"),
        });
    }
    if options.max_iterations == 0 {
        return Err(FitError::InvalidOption {
            option: "max_iterations",
            reason: "must be at least 1".into(),
        });
    }
    Ok(())
}

/// Without a ridge penalty, a team with no weighted match has no information.
fn check_every_team_rated(data: &Dataset, problem: &DixonColesProblem) -> Result<(), FitError> {
    let mut seen = vec![false; data.teams().len()];
    for (&h, &a) in problem.home_team().iter().zip(problem.away_team()) {
        seen[h as usize] = true;
        seen[a as usize] = true;
    }
    match seen.iter().position(|s| !s) {
        Some(t) => Err(FitError::UnratedTeam {
            team: data.teams().name(t as u32).to_owned(),
        }),
        None => Ok(()),
    }
}

/// The previous model's parameters mapped onto this dataset's teams (a
/// team it did not know starts at attack = defence = 0), centred; the home
/// advantage is the fixed value when it is not estimated, ρ and the extras
/// are the previous model's.
fn mapped_parameters(
    data: &Dataset,
    previous: &FittedModel,
    free_home_advantage: bool,
    fixed_home_advantage: f64,
) -> Parameters {
    let old = previous.parameters();
    let names = data.teams().names();
    let lookup = |name: &String, values: &[f64]| {
        previous
            .teams()
            .id(name)
            .map_or(0.0, |id| values[id as usize])
    };
    let mut params = Parameters {
        attack: names.iter().map(|n| lookup(n, &old.attack)).collect(),
        defence: names.iter().map(|n| lookup(n, &old.defence)).collect(),
        intercept: old.intercept,
        home_advantage: if free_home_advantage {
            old.home_advantage
        } else {
            fixed_home_advantage
        },
        rho: old.rho,
        extra: old.extra.clone(),
    };
    params.centre();
    params
}

/// The flat vector of a [`DistributionProblem`] (`attack`, `defence`, μ,
/// γ when estimated, then `extra`) from `start`'s ratings.
fn pack_kernel<D: ScoreDistribution<K>, const K: usize>(
    problem: &DistributionProblem<D, K>,
    start: &Parameters,
    extra: &[f64],
) -> Vec<f64> {
    let mut theta: Vec<f64> = Vec::with_capacity(problem.dimension());
    theta.extend_from_slice(&start.attack);
    theta.extend_from_slice(&start.defence);
    theta.push(start.intercept);
    if problem.home_advantage_index().is_some() {
        theta.push(start.home_advantage);
    }
    theta.extend_from_slice(extra);
    debug_assert_eq!(theta.len(), problem.dimension());
    theta
}

/// The previous model's parameters mapped onto this dataset's teams, with
/// ρ restarted at 0 when the old one cannot price the new data.
fn warm_start(data: &Dataset, problem: &DixonColesProblem, previous: &FittedModel) -> Parameters {
    let layout = problem.layout();
    let mut params = mapped_parameters(
        data,
        previous,
        layout.home_advantage.is_some(),
        problem.fixed_home_advantage(),
    );
    params.extra = Vec::new();
    if layout.rho.is_none() {
        params.rho = problem.fixed_rho();
    }
    if !problem.objective(&layout.pack(&params)).is_finite() {
        // The old ρ may be infeasible for the new data: restart it at 0.
        if layout.rho.is_some() {
            params.rho = 0.0;
        }
    }
    params
}
