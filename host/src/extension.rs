//! Evidence sections a rule pack defines: `x-<publisher>.<name>`, each with
//! a JSON Schema shipped in the pack's signed manifest.
//!
//! A third party's rule may need evidence the official model has no place
//! for (an HMI's screen-lock timeout). Its pack defines a section for it;
//! a utility adds the file to its bundle like any other; the host checks
//! the file against the pack's schema before any rule reads it, hands it to
//! the rules that declared it as JSON, and vouches for it in results like
//! every file. The official sections stay closed: an extension's name
//! always starts with `x-`, and its namespace is its publisher's, so a pack
//! can neither redefine an official section nor another publisher's.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use mizuchi_evidence::ExtensionName;

/// A section a pack defines, as its signed manifest states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtensionSection {
    /// The section's name, `x-<publisher>.<name>`.
    pub section: ExtensionName,
    /// The JSON Schema every file of the section must satisfy.
    pub schema: Value,
}

/// A section a pack defines, as a publisher writes it in `pack.json`: the
/// schema is a file beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtensionTemplate {
    /// The section's name, `x-<publisher>.<name>`.
    pub section: ExtensionName,
    /// The schema file, relative to `pack.json`.
    pub schema: String,
}

/// Why a pack's extension sections are refused: each reason names the
/// section and says what to change.
pub(crate) fn check_definitions(
    publisher: &str,
    definitions: &[ExtensionSection],
) -> Result<(), String> {
    let namespace = publisher.to_ascii_lowercase();
    for (i, d) in definitions.iter().enumerate() {
        let name = &d.section;
        if name.namespace() != namespace {
            return Err(format!(
                "extension section `{name}` is outside the publisher's namespace; publisher `{publisher}` may define only `x-{namespace}.<name>`"
            ));
        }
        if definitions[..i].iter().any(|o| &o.section == name) {
            return Err(format!("extension section `{name}` is defined twice"));
        }
        crate::schema::extension_validator(&d.schema).map_err(|e| {
            format!("the schema of extension section `{name}` is not a valid JSON Schema: {e}")
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn def(name: &str, schema: Value) -> ExtensionSection {
        ExtensionSection {
            section: name.parse().unwrap(),
            schema,
        }
    }

    #[test]
    fn a_publisher_defines_sections_in_its_own_namespace_with_valid_schemas() {
        let ok = def("x-acme.screen-lock", json!({"type": "object"}));
        assert_eq!(check_definitions("ACME", std::slice::from_ref(&ok)), Ok(()));
        let other = check_definitions("WIDGETCO", std::slice::from_ref(&ok)).unwrap_err();
        assert!(other.contains("`x-widgetco.<name>`"), "{other}");
        let twice = check_definitions("ACME", &[ok.clone(), ok.clone()]).unwrap_err();
        assert!(twice.contains("defined twice"), "{twice}");
        for bad in [
            json!({"type": 12}),
            json!({"$ref": "https://example.com/remote.json"}),
            json!({"properties": {"a": {"minimum": "ten"}}}),
        ] {
            let e = check_definitions("ACME", &[def("x-acme.lock", bad.clone())]).unwrap_err();
            assert!(e.contains("not a valid JSON Schema"), "{bad}: {e}");
        }
    }

    #[test]
    fn an_official_section_cannot_be_defined() {
        let e = serde_json::from_value::<ExtensionSection>(
            json!({"section": "inventory", "schema": {}}),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("official evidence section"), "{e}");
    }
}
