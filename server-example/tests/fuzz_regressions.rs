//! Replays the fuzz target's seeds and every input it ever crashed on
//! (`fuzz/regressions/predict_json/`, where `make fuzz` findings go) through
//! the same path, so a fixed crash stays fixed.

mod common;

use std::path::Path;

#[test]
fn fuzz_seeds_and_regressions_do_not_panic() {
    let model = common::model(1, 2);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut replayed = 0;
    let mut parsed = 0;
    for dir in ["seeds/predict_json", "regressions/predict_json"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                continue;
            }
            parsed += scoreline_server::fuzzing::exercise(&model, &std::fs::read(&path).unwrap());
            replayed += 1;
        }
    }
    assert!(replayed >= 4, "the seeds are there");
    assert!(parsed >= 4, "the seeds parse as requests");
}
