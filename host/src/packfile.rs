//! The pack file: a rule pack as a single signed file that a regulator can
//! publish on any web server or USB stick.
//!
//! A pack is a tar archive holding `manifest.dsse.json`, a DSSE envelope
//! whose payload is the manifest (JSON) and whose signatures are the
//! publisher's, and the modules under `modules/`. The manifest names the pack,
//! its version, publisher, dates, the ABI and evidence format it needs, and
//! every module with its size, SHA-256 and the rules it provides. The pack's
//! digest is the SHA-256 of the manifest bytes: they bind everything else.
//!
//! Reading a pack checks what can be checked without trusting anyone: size
//! caps, paths, that every file is listed and every listed file is there with
//! its size and digest. Whether the signatures are trusted is
//! [`crate::trust`]'s decision; only then are modules compiled.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use mizuchi_evidence::Date;
use semver::{Version, VersionReq};
use serde::{Deserialize, Serialize};

use mizuchi_ledger::digest::sha256_hex;
use mizuchi_ledger::dsse::Envelope;
use mizuchi_ledger::keys::SecretKey;

use crate::extension::{ExtensionSection, ExtensionTemplate};

/// The payload type of a pack manifest.
pub const MANIFEST_TYPE: &str = "application/vnd.mizuchi.pack-manifest+json";
/// The name of the pack format.
pub const PACK_FORMAT: &str = "mizuchi-pack";
/// The envelope's name in the archive.
const ENVELOPE: &str = "manifest.dsse.json";

/// Largest pack file accepted.
pub const MAX_PACK: u64 = 256 << 20;
/// Largest module accepted.
pub const MAX_MODULE: u64 = 64 << 20;
/// Largest manifest envelope accepted.
pub const MAX_MANIFEST: u64 = 1 << 20;

/// A rule a module provides.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleEntry {
    /// The rule's id.
    pub id: String,
    /// The rule's version.
    pub version: String,
}

/// A module of the pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModuleEntry {
    /// Path in the archive, `modules/<name>.wasm`.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// The SHA-256 of its bytes.
    pub sha256: String,
    /// The rules it provides.
    pub rules: Vec<RuleEntry>,
}

/// The pack manifest: what the publisher signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackManifest {
    /// Always `mizuchi-pack`.
    pub format: String,
    /// The version of the pack format.
    pub format_version: String,
    /// The pack's name.
    pub name: String,
    /// The pack's version (semver).
    pub version: String,
    /// The publisher, as the trust store names it.
    pub publisher: String,
    /// The rule ABI versions the modules need, e.g. `^2.0`.
    pub abi: String,
    /// The evidence format versions the rules understand, e.g. `^2.0`.
    pub evidence_format: String,
    /// When the pack was published.
    pub published_on: Date,
    /// Last day the pack may be installed or run.
    pub expires_on: Date,
    /// Every module, with what it provides.
    pub modules: Vec<ModuleEntry>,
    /// Evidence sections the pack defines, with their schemas (pack format
    /// 1.1.0; absent when there are none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<ExtensionSection>,
}

/// What a publisher writes to describe a pack before it is built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestTemplate {
    /// The pack's name.
    pub name: String,
    /// The pack's version (semver).
    pub version: String,
    /// The publisher, as trust stores know it.
    pub publisher: String,
    /// The rule ABI versions the modules need, e.g. `^2.0`. Stated, never
    /// defaulted: it is signed.
    pub abi: String,
    /// The evidence format versions the rules understand, e.g. `^2.0`.
    pub evidence_format: String,
    /// When the pack is published.
    pub published_on: Date,
    /// The last day it may be installed or run.
    pub expires_on: Date,
    /// Evidence sections the pack defines, each with a JSON Schema file
    /// beside `pack.json`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<ExtensionTemplate>,
}

impl ManifestTemplate {
    /// Reads the schemas of the extension sections the template defines,
    /// from files relative to `dir` (the directory of `pack.json`).
    pub fn read_extensions(&self, dir: &Path) -> Result<Vec<ExtensionSection>, PackFileError> {
        self.extensions
            .iter()
            .map(|e| {
                let path = dir.join(&e.schema);
                let bytes =
                    mizuchi_ledger::files::read(&path).map_err(|source| PackFileError::Io {
                        path: path.clone(),
                        source,
                    })?;
                let schema = serde_json::from_slice(&bytes).map_err(|err| {
                    PackFileError::Extension(format!(
                        "the schema of extension section `{}`, `{}`, is not JSON: {err}",
                        e.section,
                        path.display()
                    ))
                })?;
                Ok(ExtensionSection {
                    section: e.section.clone(),
                    schema,
                })
            })
            .collect()
    }
}

/// Why a pack file cannot be built, read or trusted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PackFileError {
    #[error("cannot read `{path}`: {source}")]
    /// The pack file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        #[source]
        /// Why.
        source: std::io::Error,
    },
    #[error(
        "`{path}` is {size} bytes, over the {cap}-byte cap for a {what}; a pack this large is refused"
    )]
    /// The pack or a part of it is over its size cap.
    TooLarge {
        /// The file, or the member of the pack.
        path: String,
        /// What it is (pack, manifest, module).
        what: &'static str,
        /// Its size.
        size: u64,
        /// The cap.
        cap: u64,
    },
    #[error("`{path}` in the pack points outside it (absolute or `..`); the pack is refused")]
    /// A path in the pack leaves it.
    PathTraversal {
        /// The path.
        path: String,
    },
    #[error("the pack holds `{0}`, which its manifest does not list; the pack is refused")]
    /// The pack holds a file its manifest does not list.
    Unlisted(String),
    #[error("the pack lacks `{0}`, which its manifest lists")]
    /// The pack lacks a file its manifest lists.
    Missing(String),
    #[error(
        "`{path}` does not match the manifest ({what}: manifest {expected}, file {actual}): the pack is tampered with or mixes files of different versions"
    )]
    /// A module differs from its manifest entry.
    Mismatch {
        /// The module's path.
        path: String,
        /// What differs (size, sha256).
        what: &'static str,
        /// What the manifest says.
        expected: String,
        /// What the file is.
        actual: String,
    },
    #[error("`{path}` is not a valid pack: {message}")]
    /// The pack is not valid.
    Format {
        /// The pack.
        path: String,
        /// What is wrong.
        message: String,
    },
    #[error("{0}; the pack is refused")]
    /// An extension section the pack defines is not acceptable: which, why,
    /// and what to change.
    Extension(String),
    #[error("`{0}` is not a semver version; give the pack a version like 1.2.0")]
    /// A version is not semver.
    Version(String),
}

/// Refuses extension sections outside the publisher's namespace, defined
/// twice, or whose schema is not a valid JSON Schema.
fn check_extensions(publisher: &str, extensions: &[ExtensionSection]) -> Result<(), PackFileError> {
    crate::extension::check_definitions(publisher, extensions).map_err(PackFileError::Extension)
}

fn format_err(path: &Path, message: impl Into<String>) -> PackFileError {
    PackFileError::Format {
        path: path.display().to_string(),
        message: message.into(),
    }
}

/// A pack read from its file; its structure is sound, its trust not yet
/// decided. Its parts can be read, not replaced: the manifest is always the
/// one its envelope signs, and every module matches its entry.
#[derive(Debug, Clone)]
pub struct PackFile {
    manifest: PackManifest,
    /// The exact manifest bytes that were signed.
    manifest_bytes: Vec<u8>,
    envelope: Envelope,
    /// Module bytes by path, each matching its manifest entry.
    modules: BTreeMap<String, Vec<u8>>,
}

impl PackFile {
    /// The manifest, as parsed from the signed bytes.
    pub fn manifest(&self) -> &PackManifest {
        &self.manifest
    }

    /// The exact manifest bytes the signatures cover.
    pub fn manifest_bytes(&self) -> &[u8] {
        &self.manifest_bytes
    }

    /// The signed envelope of the manifest.
    pub fn envelope(&self) -> &Envelope {
        &self.envelope
    }

    /// The bytes of the module at `path` (as its manifest entry names it).
    pub fn module(&self, path: &str) -> Option<&[u8]> {
        self.modules.get(path).map(Vec::as_slice)
    }

    /// The pack's digest: the SHA-256 of its manifest.
    pub fn digest(&self) -> String {
        sha256_hex(&self.manifest_bytes)
    }

    /// The version, parsed.
    pub fn version(&self) -> Result<Version, PackFileError> {
        Version::parse(&self.manifest.version)
            .map_err(|_| PackFileError::Version(self.manifest.version.clone()))
    }

    /// Builds an unsigned pack from modules and what each provides, and the
    /// extension sections it defines ([`ManifestTemplate::read_extensions`]).
    pub fn build(
        template: &ManifestTemplate,
        modules: Vec<(String, Vec<u8>, Vec<RuleEntry>)>,
        extensions: Vec<ExtensionSection>,
    ) -> Result<PackFile, PackFileError> {
        check_extensions(&template.publisher, &extensions)?;
        Version::parse(&template.version)
            .map_err(|_| PackFileError::Version(template.version.clone()))?;
        VersionReq::parse(&template.abi)
            .map_err(|_| PackFileError::Version(template.abi.clone()))?;
        let mut entries = Vec::new();
        let mut files = BTreeMap::new();
        for (name, bytes, rules) in modules {
            let path = format!("modules/{name}");
            entries.push(ModuleEntry {
                path: path.clone(),
                size: bytes.len() as u64,
                sha256: sha256_hex(&bytes),
                rules,
            });
            files.insert(path, bytes);
        }
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        let manifest = PackManifest {
            format: PACK_FORMAT.into(),
            // 1.1.0 added extension sections; a pack without them stays 1.0.0,
            // readable by every host.
            format_version: if extensions.is_empty() {
                "1.0.0"
            } else {
                "1.1.0"
            }
            .into(),
            name: template.name.clone(),
            version: template.version.clone(),
            publisher: template.publisher.clone(),
            abi: template.abi.clone(),
            evidence_format: template.evidence_format.clone(),
            published_on: template.published_on,
            expires_on: template.expires_on,
            modules: entries,
            extensions,
        };
        let mut manifest_bytes = serde_json::to_vec_pretty(&manifest)
            .map_err(|e| format_err(Path::new("manifest"), e.to_string()))?;
        manifest_bytes.push(b'\n');
        let envelope = Envelope::unsigned(MANIFEST_TYPE, &manifest_bytes);
        Ok(PackFile {
            manifest,
            manifest_bytes,
            envelope,
            modules: files,
        })
    }

    /// Adds the signature of `key` over the manifest.
    pub fn sign(&mut self, key: &SecretKey) -> Result<(), PackFileError> {
        self.envelope
            .add_signature(key)
            .map_err(|e| PackFileError::Format {
                path: "manifest".into(),
                message: e.to_string(),
            })
    }

    /// Writes the pack as a deterministic tar archive.
    pub fn write(&self, out: &Path) -> Result<(), PackFileError> {
        let io = |source| PackFileError::Io {
            path: out.to_owned(),
            source,
        };
        let dir = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(io)?;
        let tmp = mizuchi_ledger::files::temp_in(dir, false).map_err(io)?;
        let mut tar = tar::Builder::new(tmp);
        tar.mode(tar::HeaderMode::Deterministic);
        let mut add = |path: &str, bytes: &[u8]| {
            let mut h = tar::Header::new_gnu();
            h.set_size(bytes.len() as u64);
            h.set_mode(0o644);
            h.set_mtime(0);
            h.set_entry_type(tar::EntryType::Regular);
            tar.append_data(&mut h, path, bytes)
        };
        let envelope = serde_json::to_vec_pretty(&self.envelope)
            .map_err(|e| format_err(out, e.to_string()))?;
        add(ENVELOPE, &envelope).map_err(io)?;
        for (path, bytes) in &self.modules {
            add(path, bytes).map_err(io)?;
        }
        let tmp = tar.into_inner().map_err(io)?;
        tmp.as_file().sync_all().map_err(io)?;
        tmp.persist(out).map_err(|e| io(e.error))?;
        Ok(())
    }

    /// Reads the bytes of a pack file: a regular file of at most
    /// [`MAX_PACK`] bytes, read once. Verify and use these very bytes.
    pub fn read_bytes(path: &Path) -> Result<Vec<u8>, PackFileError> {
        mizuchi_ledger::files::read_capped(path, MAX_PACK).map_err(|e| match e.kind() {
            std::io::ErrorKind::FileTooLarge => PackFileError::TooLarge {
                path: path.display().to_string(),
                what: "pack",
                size: std::fs::metadata(path).map_or(MAX_PACK + 1, |m| m.len()),
                cap: MAX_PACK,
            },
            _ => PackFileError::Io {
                path: path.to_owned(),
                source: e,
            },
        })
    }

    /// Reads a pack file and checks its structure: caps, paths, and that the
    /// archive holds exactly the listed modules with their sizes and digests.
    pub fn read(path: &Path) -> Result<PackFile, PackFileError> {
        PackFile::parse(&PackFile::read_bytes(path)?, path)
    }

    /// Checks the structure of a pack read from `path` into `bytes`.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<PackFile, PackFileError> {
        let io = |source| PackFileError::Io {
            path: path.to_owned(),
            source,
        };
        let mut archive = tar::Archive::new(bytes);
        let mut envelope_bytes: Option<Vec<u8>> = None;
        let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let refused = |r: crate::tarx::Refusal| match r {
            crate::tarx::Refusal::Leaves(path) => PackFileError::PathTraversal { path },
            other => format_err(path, other.to_string()),
        };
        for member in crate::tarx::Members::new(&mut archive).map_err(refused)? {
            let (shown, mut entry) = member.map_err(refused)?;
            let size = entry.header().size().unwrap_or(u64::MAX);
            let (cap, what) = if shown == ENVELOPE {
                (MAX_MANIFEST, "manifest")
            } else {
                (MAX_MODULE, "module")
            };
            if size > cap {
                return Err(PackFileError::TooLarge {
                    path: shown,
                    what,
                    size,
                    cap,
                });
            }
            let mut bytes = Vec::with_capacity(size as usize);
            (&mut entry)
                .take(cap + 1)
                .read_to_end(&mut bytes)
                .map_err(io)?;
            if shown == ENVELOPE {
                envelope_bytes = Some(bytes);
            } else {
                files.insert(shown, bytes);
            }
        }
        let envelope_bytes =
            envelope_bytes.ok_or_else(|| PackFileError::Missing(ENVELOPE.into()))?;
        let envelope: Envelope = serde_json::from_slice(&envelope_bytes)
            .map_err(|e| format_err(path, format!("{ENVELOPE}: {e}")))?;
        if envelope.payload_type != MANIFEST_TYPE {
            return Err(format_err(
                path,
                format!(
                    "{ENVELOPE} holds `{}`, not a pack manifest",
                    envelope.payload_type
                ),
            ));
        }
        let manifest_bytes = envelope
            .payload_bytes()
            .map_err(|e| format_err(path, e.to_string()))?;
        let manifest: PackManifest = serde_json::from_slice(&manifest_bytes)
            .map_err(|e| format_err(path, format!("the manifest: {e}")))?;
        if manifest.format != PACK_FORMAT {
            return Err(format_err(
                path,
                format!("the manifest is `{}`, not `{PACK_FORMAT}`", manifest.format),
            ));
        }
        check_extensions(&manifest.publisher, &manifest.extensions)?;
        if let Some(extra) = files
            .keys()
            .find(|p| !manifest.modules.iter().any(|m| &m.path == *p))
        {
            return Err(PackFileError::Unlisted(extra.clone()));
        }
        for m in &manifest.modules {
            if Path::new(&m.path)
                .components()
                .any(|c| !matches!(c, Component::Normal(_)))
            {
                return Err(PackFileError::PathTraversal {
                    path: m.path.clone(),
                });
            }
            let bytes = files
                .get(&m.path)
                .ok_or_else(|| PackFileError::Missing(m.path.clone()))?;
            if bytes.len() as u64 != m.size {
                return Err(PackFileError::Mismatch {
                    path: m.path.clone(),
                    what: "size",
                    expected: m.size.to_string(),
                    actual: bytes.len().to_string(),
                });
            }
            let actual = sha256_hex(bytes);
            if actual != m.sha256 {
                return Err(PackFileError::Mismatch {
                    path: m.path.clone(),
                    what: "sha256",
                    expected: m.sha256.clone(),
                    actual,
                });
            }
        }
        Ok(PackFile {
            manifest,
            manifest_bytes,
            envelope,
            modules: files,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn template() -> ManifestTemplate {
        ManifestTemplate {
            name: "acme-lock".into(),
            version: "1.0.0".into(),
            publisher: "ACME".into(),
            abi: "^2.0".into(),
            evidence_format: "^2.0".into(),
            published_on: "2026-01-01".parse().unwrap_or_default(),
            expires_on: "2026-12-31".parse().unwrap_or_default(),
            extensions: Vec::new(),
        }
    }

    fn section(name: &str, schema: serde_json::Value) -> ExtensionSection {
        ExtensionSection {
            section: name.parse().unwrap(),
            schema,
        }
    }

    /// A pack file whose manifest (unsigned: structure is checked before
    /// trust) holds `extensions` as given, bypassing the builder's checks.
    fn crafted(extensions: serde_json::Value) -> Vec<u8> {
        let good = PackFile::build(&template(), Vec::new(), Vec::new()).unwrap();
        let mut manifest = serde_json::to_value(good.manifest()).unwrap();
        manifest["extensions"] = extensions;
        let bytes = serde_json::to_vec(&manifest).unwrap();
        let envelope = Envelope::unsigned(MANIFEST_TYPE, &bytes);
        let mut tar = tar::Builder::new(Vec::new());
        let data = serde_json::to_vec(&envelope).unwrap();
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut h, ENVELOPE, data.as_slice()).unwrap();
        tar.into_inner().unwrap()
    }

    #[test]
    fn the_extension_sections_of_a_pack_are_signed_and_checked_when_it_is_read() {
        let schema = json!({"type": "object", "properties": {"hmis": {"type": "array"}}});
        let ext = vec![section("x-acme.screen-lock", schema.clone())];
        let pack = PackFile::build(&template(), Vec::new(), ext.clone()).unwrap();
        assert_eq!(pack.manifest().format_version, "1.1.0");
        // The schema is in the manifest, which is what the signatures cover.
        let signed: serde_json::Value = serde_json::from_slice(pack.manifest_bytes()).unwrap();
        assert_eq!(signed["extensions"][0]["schema"], schema);
        let plain = PackFile::build(&template(), Vec::new(), Vec::new()).unwrap();
        assert_eq!(plain.manifest().format_version, "1.0.0");
        assert!(!String::from_utf8_lossy(plain.manifest_bytes()).contains("extensions"));

        let path = Path::new("crafted.pack");
        let ok = crafted(json!([{"section": "x-acme.screen-lock", "schema": schema}]));
        assert_eq!(
            PackFile::parse(&ok, path).unwrap().manifest().extensions,
            ext
        );
        let refused = [
            (
                json!([{"section": "x-acme.screen-lock", "schema": {"type": 12}}]),
                "is not a valid JSON Schema",
            ),
            (
                json!([{"section": "x-other.screen-lock", "schema": {}}]),
                "may define only `x-acme.<name>`",
            ),
            (
                json!([{"section": "accounts", "schema": {}}]),
                "`accounts` is an official evidence section",
            ),
        ];
        for (extensions, expected) in refused {
            let e = PackFile::parse(&crafted(extensions.clone()), path).unwrap_err();
            assert!(e.to_string().contains(expected), "{extensions}: {e}");
        }
    }
}
