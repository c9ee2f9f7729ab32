//! The rule ABI: bindings generated from `sdk/wit/rule.wit`, and the version check
//! that runs before any module is instantiated.

use semver::{Comparator, Op, Prerelease, Version, VersionReq};
use wasmtime::Engine;
use wasmtime::component::Component;

wasmtime::component::bindgen!({
    path: "../sdk/wit",
    world: "rule-module",
    with: {
        "mizuchi:rule/evidence.log-cursor": crate::sandbox::JsonCursor,
        "mizuchi:encoding/read.auth-events": crate::sandbox::EncodedAuthCursor,
        "mizuchi:encoding/read.door-events": crate::sandbox::EncodedDoorCursor,
    },
});

pub(crate) use self::mizuchi::encoding::read as wit_read;
pub(crate) use self::mizuchi::rule::evidence as wit_evidence;
pub(crate) use self::mizuchi::rule::types as wit_types;

/// The version of the rule ABI this host implements.
pub const ABI_VERSION: &str = "2.0.0";

/// [`ABI_VERSION`] as a version (a unit test holds the two together).
pub(crate) const HOST_ABI: Version = Version::new(2, 0, 0);

/// The WIT package every rule module exports from.
const PACKAGE: &str = "mizuchi:rule";

/// The WIT package of the binary encoding of evidence, whose version is the
/// encoding's (`mizuchi_evidence::ENCODING`).
const ENCODING_PACKAGE: &str = "mizuchi:encoding";

/// The encoding this host serves: `mizuchi_evidence::ENCODING`, whose major
/// version a module's import must share (a minor version may only add).
pub fn served_encoding() -> VersionReq {
    // The evidence crate's constant is a literal a unit test parses.
    let v = Version::parse(mizuchi_evidence::ENCODING).unwrap_or(Version::new(0, 0, 0));
    VersionReq {
        comparators: vec![
            Comparator {
                op: Op::GreaterEq,
                major: v.major,
                minor: Some(0),
                patch: Some(0),
                pre: Prerelease::EMPTY,
            },
            Comparator {
                op: Op::LessEq,
                major: v.major,
                minor: Some(v.minor),
                patch: Some(v.patch),
                pre: Prerelease::EMPTY,
            },
        ],
    }
}

/// The ABI versions this host accepts: its own major version, up to its own
/// minor version (a module built against a newer minor version may import
/// functions this host lacks). Built from its parts: there is no text to
/// parse, so no parse failure that could widen it.
pub fn accepted() -> VersionReq {
    let v = HOST_ABI;
    let bound = |op, minor, patch| Comparator {
        op,
        major: v.major,
        minor: Some(minor),
        patch: Some(patch),
        pre: Prerelease::EMPTY,
    };
    VersionReq {
        comparators: vec![
            bound(Op::GreaterEq, 0, 0),
            bound(Op::LessEq, v.minor, v.patch),
        ],
    }
}

/// Why a component cannot be run by this host, found before instantiation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AbiError {
    #[error(
        "it was built for rule ABI {found}, but this host accepts rule ABI {accepted} (it implements {ABI_VERSION}); rebuild it against a matching mizuchi-sdk or use a matching mizuchi"
    )]
    /// The module's rule ABI is not one this host accepts.
    Incompatible {
        /// The version it was built for.
        found: Version,
        /// The versions this host accepts.
        accepted: VersionReq,
    },
    #[error(
        "it does not export the `{PACKAGE}/rules` interface, so it is not a Mizuchi rule module"
    )]
    /// The module exports no rules interface.
    NotARuleModule,
    #[error("it exports `{name}` whose version is not semver: {reason}")]
    /// An export's version is not semver.
    BadVersion {
        /// The export.
        name: String,
        /// What the parser said.
        reason: String,
    },
    #[error(
        "it imports `{0}`, which a rule may not use; a rule can import only WASI, `{PACKAGE}` and `{ENCODING_PACKAGE}` interfaces"
    )]
    /// The module imports something a rule may not use.
    ForbiddenImport(String),
    #[error(
        "it reads evidence in encoding {found}, but this host serves encoding {}; rebuild it against a matching mizuchi-sdk or use a matching mizuchi",
        mizuchi_evidence::ENCODING
    )]
    /// The module reads evidence in an encoding this host does not serve.
    Encoding {
        /// The version the module has.
        found: Version,
        /// The encodings this host serves.
        served: VersionReq,
    },
}

/// Checks the ABI version a compiled component was built against.
pub(crate) fn check(engine: &Engine, component: &Component) -> Result<Version, AbiError> {
    let ty = component.component_type();
    let mut found = None;
    for (name, _) in ty.exports(engine) {
        if let Some(rest) = name.strip_prefix(&format!("{PACKAGE}/rules@")) {
            let v = Version::parse(rest).map_err(|e| AbiError::BadVersion {
                name: name.to_owned(),
                reason: e.to_string(),
            })?;
            found = Some(v);
        }
    }
    let found = found.ok_or(AbiError::NotARuleModule)?;
    let accepted = accepted();
    if !accepted.matches(&found) {
        return Err(AbiError::Incompatible { found, accepted });
    }
    let served = served_encoding();
    for (name, _) in ty.imports(engine) {
        if let Some(rest) = name.strip_prefix(&format!("{ENCODING_PACKAGE}/read@")) {
            let v = Version::parse(rest).map_err(|e| AbiError::BadVersion {
                name: name.to_owned(),
                reason: e.to_string(),
            })?;
            if !served.matches(&v) {
                return Err(AbiError::Encoding { found: v, served });
            }
        } else if !(name.starts_with("wasi:") || name.starts_with(&format!("{PACKAGE}/"))) {
            return Err(AbiError::ForbiddenImport(name.to_owned()));
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_serves_the_encoding_of_its_evidence_crate() {
        let v = Version::parse(mizuchi_evidence::ENCODING).unwrap();
        let served = served_encoding();
        assert!(served.matches(&v));
        assert!(!served.matches(&Version::new(v.major + 1, 0, 0)));
        assert!(!served.matches(&Version::new(v.major, v.minor + 1, 0)));
    }

    #[test]
    fn the_host_accepts_its_major_up_to_its_own_minor() {
        assert_eq!(Version::parse(ABI_VERSION).unwrap(), HOST_ABI);
        let req = accepted();
        assert_eq!(req.to_string(), ">=2.0.0, <=2.0.0");
        assert!(req.matches(&Version::new(2, 0, 0)));
        assert!(!req.matches(&Version::new(1, 2, 0)));
        assert!(!req.matches(&Version::new(3, 0, 0)));
        assert!(!req.matches(&Version::new(2, 1, 0)));
    }
}
