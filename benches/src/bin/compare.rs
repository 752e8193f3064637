//! `make bench`: every side-by-side row, printed and written to `target/bench/report.json`.
//!
//! Flags: `--quick` (fewer repetitions on both sides), `--only AREA` to run
//! one area and `--skip AREA` (repeatable) to leave one out, AREA being
//! `engine`, `families`, `scoring`, `python`, `spark`, `dynamic` or
//! `leaderboard` (the whole model leaderboard, about 100 s). From make:
//! `make bench BENCH_ARGS="--skip leaderboard"`.

const AREAS: [&str; 7] = [
    "engine",
    "families",
    "scoring",
    "python",
    "spark",
    "dynamic",
    "leaderboard",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str);
    let skipped: Vec<&str> = args
        .windows(2)
        .filter(|w| w[0] == "--skip")
        .map(|w| w[1].as_str())
        .collect();
    for area in only.iter().chain(&skipped) {
        if !AREAS.contains(area) {
            eprintln!(
                "unknown area {area}: --only and --skip take {}",
                AREAS.join(", ")
            );
            std::process::exit(2);
        }
    }
    let wanted = |area: &str| only.is_none_or(|o| o == area) && !skipped.contains(&area);
    let mut rows: Vec<scoreline_benches::Row> = Vec::new();
    // Each area appends its rows here.
    if wanted("engine") {
        rows.extend(scoreline_benches::engine::rows(quick));
    }
    if wanted("families") {
        rows.extend(scoreline_benches::families::rows(quick));
    }
    if wanted("scoring") {
        rows.extend(scoreline_benches::scoring::rows(quick));
    }
    if wanted("python") {
        rows.extend(scoreline_benches::python::rows(quick));
    }
    if wanted("spark") {
        rows.extend(scoreline_benches::spark::rows(quick));
    }
    if wanted("dynamic") {
        rows.extend(scoreline_benches::dynamic::rows(quick));
    }
    if wanted("leaderboard") {
        rows.extend(scoreline_benches::leaderboard::rows(quick));
    }
    if rows.is_empty() {
        eprintln!("no bench rows: --only takes {}", AREAS.join(", "));
        std::process::exit(2);
    }
    scoreline_benches::print_table(&rows);
    match scoreline_benches::write_report(&rows) {
        Ok(path) => println!("\nwrote {}", path.display()),
        Err(e) => {
            eprintln!("cannot write the report: {e}");
            std::process::exit(1);
        }
    }
}
