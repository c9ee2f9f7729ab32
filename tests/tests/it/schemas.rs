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

#[test]
fn the_checked_in_case_file_schema_matches_the_types_and_the_official_cases_meet_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rule-cases.schema.json");
    let out = run(&["rule", "schema", "--out", s(&file), "-q"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let want = std::fs::read_to_string(&file).unwrap();
    let have = std::fs::read_to_string(root().join("schemas/rule-cases.schema.json")).unwrap();
    assert!(
        want == have,
        "schemas/rule-cases.schema.json drifted from the types; regenerate it with `mizuchi rule schema` and commit"
    );
    // Every official case file names the schema and is valid against it.
    let schema: serde_json::Value = serde_json::from_str(&have).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut files = 0;
    for entry in std::fs::read_dir(root().join("rules-wasm/cases")).unwrap() {
        let path = entry.unwrap().path();
        let case: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(
            case["$schema"],
            "../../schemas/rule-cases.schema.json",
            "{}",
            path.display()
        );
        let errors: Vec<String> = validator
            .iter_errors(&case)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        files += 1;
    }
    assert_eq!(files, 29);
}
