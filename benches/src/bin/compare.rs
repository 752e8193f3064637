//! `make bench`: every side-by-side row, printed and written to `target/bench/report.json`.
//!
//! Flags: `--quick` (fewer repetitions on both sides) and `--only AREA`
//! (`engine`, `families`, `scoring`, `python` or `spark`) to run one area.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str);
    let wanted = |area: &str| only.is_none_or(|o| o == area);
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
    if rows.is_empty() {
        eprintln!("no bench rows: --only takes engine, families, scoring, python or spark");
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
