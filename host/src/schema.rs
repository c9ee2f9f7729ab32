//! JSON Schemas of the evidence format, generated from the Rust types of
//! `mizuchi-evidence`: the types are the one definition; the schemas are how
//! everyone else (spreadsheets, other tools, auditors) learns it.
//!
//! The generated schemas are checked in under `schemas/evidence/`; a test
//! fails when they drift from the types. Every type denies unknown fields, so
//! every object of every schema refuses properties it does not define (a test
//! checks this of the generated schemas): a misspelt field is an error, not a
//! silent default, and the schema and the type refuse the same.

use std::sync::OnceLock;

use mizuchi_evidence::{
    Accounts, AreaAccess, AuthEvent, Backups, Contracts, DoorEvent, FORMAT_VERSION, Governance,
    Inventory, Manifest, Networks, People, SectionKind, Sites, Training,
};
use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema};
use serde_json::Value;

use crate::json::DocJson;

/// One schema file.
#[derive(Debug, Clone)]
pub struct SchemaFile {
    /// File name, e.g. `inventory.schema.json`.
    pub name: String,
    /// The section it describes; `None` for the manifest.
    pub section: Option<SectionKind>,
    /// The schema.
    pub schema: Value,
}

/// Turns `oneOf: [{const: "a", description: "…"}, …]` (schemars' form for an
/// enum with documented variants) into `enum: ["a", …]`, so that a wrong value
/// is reported as "not one of …" with the allowed values, and keeps the
/// variants' descriptions in the description.
fn flatten_enums(schema: &mut Schema) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    let Some(Value::Array(variants)) = obj.get("oneOf") else {
        return;
    };
    let mut values = Vec::new();
    let mut notes = Vec::new();
    for v in variants {
        if v.as_object().is_some_and(|o| {
            o.keys()
                .any(|k| !matches!(k.as_str(), "const" | "enum" | "type" | "description"))
        }) {
            return;
        }
        // Undocumented variants come grouped as one `enum`, documented ones as `const`s.
        if let Some(Value::Array(grouped)) = v.get("enum") {
            if !grouped.iter().all(Value::is_string) {
                return;
            }
            values.extend(grouped.iter().cloned());
            continue;
        }
        let Some(c) = v.get("const").and_then(Value::as_str) else {
            return;
        };
        values.push(Value::String(c.to_owned()));
        if let Some(d) = v.get("description").and_then(Value::as_str) {
            notes.push(format!("`{c}`: {d}"));
        }
    }
    obj.remove("oneOf");
    obj.insert("type".into(), Value::String("string".into()));
    obj.insert("enum".into(), Value::Array(values));
    if !notes.is_empty() {
        let base = obj
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let text = if base.is_empty() {
            notes.join("\n")
        } else {
            format!("{base}\n\n{}", notes.join("\n"))
        };
        obj.insert("description".into(), Value::String(text));
    }
}

fn generate<T: JsonSchema>(name: &str, title: &str) -> Value {
    let settings = SchemaSettings::draft2020_12().with_transform(RecursiveTransform(flatten_enums));
    let schema = settings.into_generator().into_root_schema_for::<T>();
    // Identity first, then the body, for whoever reads the file.
    let mut out = serde_json::Map::new();
    let Value::Object(body) = schema.to_value() else {
        return Value::Bool(true);
    };
    if let Some(v) = body.get("$schema") {
        out.insert("$schema".into(), v.clone());
    }
    out.insert(
        "$id".into(),
        Value::String(format!("urn:mizuchi:evidence:{FORMAT_VERSION}:{name}")),
    );
    out.insert("title".into(), Value::String(title.into()));
    for (k, v) in body {
        if k != "$schema" && k != "title" {
            out.insert(k, v);
        }
    }
    Value::Object(out)
}

/// The JSON Schema of rule test case files (`mizuchi rule test`), for
/// editors and reviewers: `schemas/rule-cases.schema.json`.
pub fn case_file_schema() -> Value {
    let mut v = generate::<crate::cases::FileSpec>("rule-cases", "Mizuchi rule test cases");
    if let Some(id) = v.get_mut("$id") {
        *id = Value::String("urn:mizuchi:rule-cases:1".into());
    }
    v
}

/// The schema of a section's document, or of one line of a log section.
fn section_schema(kind: SectionKind) -> Value {
    let name = kind.as_str();
    let title = format!("Mizuchi evidence {FORMAT_VERSION}: {}", kind.title().en);
    match kind {
        SectionKind::Inventory => generate::<Inventory>(name, &title),
        SectionKind::Networks => generate::<Networks>(name, &title),
        SectionKind::Sites => generate::<Sites>(name, &title),
        SectionKind::People => generate::<People>(name, &title),
        SectionKind::Accounts => generate::<Accounts>(name, &title),
        SectionKind::AuthEvents => generate::<AuthEvent>(name, &format!("{title} (one line)")),
        SectionKind::DoorEvents => generate::<DoorEvent>(name, &format!("{title} (one line)")),
        SectionKind::AreaAccess => generate::<AreaAccess>(name, &title),
        SectionKind::Contracts => generate::<Contracts>(name, &title),
        SectionKind::Backups => generate::<Backups>(name, &title),
        SectionKind::Training => generate::<Training>(name, &title),
        SectionKind::Governance => generate::<Governance>(name, &title),
        _ => Value::Bool(true),
    }
}

/// Every schema of the evidence format: the manifest, then each section.
pub fn evidence_schemas() -> Vec<SchemaFile> {
    let mut out = vec![manifest_schema()];
    for kind in SectionKind::ALL {
        out.push(SchemaFile {
            name: format!("{}.schema.json", kind.as_str()),
            section: Some(kind),
            schema: section_schema(kind),
        });
    }
    out
}

fn manifest_schema() -> SchemaFile {
    SchemaFile {
        name: "manifest.schema.json".into(),
        section: None,
        schema: generate::<Manifest>(
            "manifest",
            &format!("Mizuchi evidence {FORMAT_VERSION}: manifest"),
        ),
    }
}

/// A compiled schema, validating documents as [`Doc`](crate::json::Doc) trees.
pub(crate) type Validator = jsonschema::Validator<DocJson>;

/// Compiled validators, each built once per process when it is first
/// needed: a run checks only the sections its bundle holds.
pub(crate) struct Validators;

impl Validators {
    /// The manifest's validator.
    pub(crate) fn manifest() -> &'static Validator {
        static V: OnceLock<Validator> = OnceLock::new();
        V.get_or_init(|| compile(&manifest_schema().schema))
    }

    /// A section's validator (of one line, for a log).
    pub(crate) fn section(kind: SectionKind) -> Option<&'static Validator> {
        static V: [OnceLock<Validator>; SectionKind::ALL.len()] =
            [const { OnceLock::new() }; SectionKind::ALL.len()];
        let i = SectionKind::ALL.iter().position(|&k| k == kind)?;
        Some(V[i].get_or_init(|| compile(&section_schema(kind))))
    }
}

/// The schemas are generated by schemars from our own types: they are valid
/// JSON Schema by construction (a unit test builds every one).
fn compile(schema: &Value) -> Validator {
    build(schema).unwrap_or_else(|e| {
        tracing::error!(error = %e, "an evidence schema does not compile; it checks nothing");
        permissive()
    })
}

fn build(schema: &Value) -> Result<Validator, jsonschema::ValidationError<'static>> {
    jsonschema::options_for::<DocJson>()
        .should_validate_formats(true)
        .build(schema)
}

/// Compiles the schema of an extension section, which a pack ships: the
/// reason, if it is not a valid JSON Schema (checked against its
/// meta-schema) or refers to anything outside itself.
pub(crate) fn extension_validator(schema: &Value) -> Result<Validator, String> {
    build(schema).map_err(|e| e.to_string())
}

fn permissive() -> Validator {
    #[allow(clippy::expect_used)] // `true` is a valid schema
    jsonschema::options_for::<DocJson>()
        .build(&Value::Bool(true))
        .expect("the schema `true` compiles")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse_strict;

    #[test]
    fn every_schema_compiles_and_closes_its_objects() {
        for f in evidence_schemas() {
            // As the host builds it, for the tree it validates: `compile`
            // would fall back to a schema that checks nothing.
            build(&f.schema).unwrap_or_else(|e| panic!("{}: {e}", f.name));
            // Every object schema is closed: its type denies unknown fields.
            fn open_objects(v: &Value, at: &str, out: &mut Vec<String>) {
                match v {
                    Value::Object(o) => {
                        if o.contains_key("properties")
                            && o.get("additionalProperties") != Some(&Value::Bool(false))
                        {
                            out.push(at.to_owned());
                        }
                        for (k, x) in o {
                            open_objects(x, &format!("{at}/{k}"), out);
                        }
                    }
                    Value::Array(a) => {
                        for (i, x) in a.iter().enumerate() {
                            open_objects(x, &format!("{at}/{i}"), out);
                        }
                    }
                    _ => {}
                }
            }
            let mut open = Vec::new();
            open_objects(&f.schema, "", &mut open);
            assert!(open.is_empty(), "{}: open objects at {open:?}", f.name);
        }
        for kind in SectionKind::ALL {
            assert!(Validators::section(kind).is_some(), "{kind}");
        }
    }

    #[test]
    fn the_schemas_accept_what_the_types_write_and_refuse_unknown_fields() {
        let v = Validators::section(SectionKind::Inventory).unwrap();
        let ok = parse_strict(
            r#"{"assets": [{"id": "a", "name": "b", "kind": "hmi", "networks": null}]}"#,
        )
        .unwrap();
        assert!(v.is_valid(&ok));
        let typo = parse_strict(
            r#"{"assets": [{"id": "a", "name": "b", "kind": "hmi", "anti_malwre": {}}]}"#,
        )
        .unwrap();
        let errors: Vec<String> = v
            .iter_errors(&typo)
            .map(|e| e.instance_path().to_string())
            .collect();
        assert_eq!(errors, ["/assets/0"]);
    }

    #[test]
    fn enums_list_their_values_and_dates_are_checked() {
        let v = Validators::section(SectionKind::Inventory).unwrap();
        let bad = parse_strict(
            r#"{"reviewed_on": "2026-13-40", "assets": [{"id": "a", "name": "b", "kind": "scada"}]}"#,
        )
        .unwrap();
        let errors: Vec<String> = v
            .iter_errors(&bad)
            .map(|e| format!("{} {e}", e.instance_path()))
            .collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors.iter().any(|e| e.starts_with("/reviewed_on")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("/assets/0/kind") && e.contains("is not one of")),
            "{errors:?}"
        );
    }
}
