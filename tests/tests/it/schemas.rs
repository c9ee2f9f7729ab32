//! The JSON Schemas in `schemas/evidence/` are generated from the evidence
//! types; they must not drift from them.

use mizuchi_tests::{root, run, s};

#[test]
fn checked_in_schemas_match_the_types() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["evidence", "schema", "--out", s(dir.path()), "-q"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let checked_in = root().join("schemas/evidence");
    let mut generated: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    generated.sort();
    let mut committed: Vec<String> = std::fs::read_dir(&checked_in)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    committed.sort();
    assert_eq!(
        generated, committed,
        "schema files differ; run `mizuchi evidence schema` and commit"
    );
    for name in generated {
        let want = std::fs::read_to_string(dir.path().join(&name)).unwrap();
        let have = std::fs::read_to_string(checked_in.join(&name)).unwrap();
        assert!(
            want == have,
            "schemas/evidence/{name} drifted from the types; regenerate it with `mizuchi evidence schema --out schemas/evidence` and commit"
        );
    }
}
