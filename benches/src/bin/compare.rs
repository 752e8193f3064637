//! `make bench`: every side-by-side row, printed and written to `target/bench/report.json`.

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let mut rows: Vec<scoreline_benches::Row> = Vec::new();
    // Each area appends its rows here.
    rows.extend(scoreline_benches::engine::rows(quick));
    rows.extend(scoreline_benches::scoring::rows(quick));
    rows.extend(scoreline_benches::python::rows(quick));
    scoreline_benches::print_table(&rows);
    match scoreline_benches::write_report(&rows) {
        Ok(path) => println!("\nwrote {}", path.display()),
        Err(e) => {
            eprintln!("cannot write the report: {e}");
            std::process::exit(1);
        }
    }
}
