//! The local pack store: installed packs, the version each is at, and the
//! highest version ever installed, which is what rollback protection compares
//! against (removing a newer pack does not make an older one installable).
//!
//! Layout: `<store>/<name>/<version>.pack` and `<store>/<name>/installed.json`.
//!
//! What is verified is what is stored: a pack file is read once into memory,
//! and those bytes are checked, compiled and written into the store. Installs
//! may run at the same time (two terminals, a scheduled update): each takes
//! the store's lock (`<store>/.lock`) around its commit, and the rollback check
//! is made again under that lock, against the state as it is then, so a slow
//! install of an older version can never land after a newer one. Temporary
//! files a killed install left behind are removed under the same lock.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use mizuchi_evidence::Date;
use semver::Version;
use serde::{Deserialize, Serialize};

use crate::engine::Runtime;
use crate::extension::ExtensionSection;
use crate::pack::{Pack, PackError};
use crate::packfile::{MAX_PACK, PackFile, PackFileError};
use crate::trust::{Rotation, Signed, TrustError, TrustStore};
use mizuchi_ledger::dsse::Envelope;
use mizuchi_ledger::files as fsx;

/// Largest `index.json` accepted from a distribution point.
const MAX_INDEX: u64 = 1 << 20;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Installed {
    current: String,
    highest: String,
}

/// Why a pack was not installed (nothing was changed).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InstallError {
    #[error(transparent)]
    /// The pack file is not valid.
    Pack(#[from] PackFileError),
    #[error(transparent)]
    /// The pack is not trusted.
    Trust(#[from] TrustError),
    #[error(transparent)]
    /// The pack's modules do not load on this host.
    Load(#[from] PackError),
    #[error(
        "pack {name} {offered} is older than {installed}, which was installed before; a rollback is refused"
    )]
    /// A higher version was installed before.
    Rollback {
        /// The pack.
        name: String,
        /// The version offered.
        offered: Version,
        /// The highest version installed before.
        installed: Version,
    },
    #[error("cannot write the pack store `{path}`: {message}")]
    /// The pack store could not be written.
    Store {
        /// The path.
        path: PathBuf,
        /// Why.
        message: String,
    },
    #[error(
        "the pack store's record `{path}` is damaged ({message}); the highest version installed before is unknown, so nothing is installed: remove the pack's directory and install the newest version you trust"
    )]
    /// A record of the pack store cannot be read.
    Damaged {
        /// The record.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    #[error("cannot fetch `{url}`: {message}")]
    /// A pack or index could not be fetched.
    Fetch {
        /// The address.
        url: String,
        /// Why.
        message: String,
    },
}

/// What an install did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Installation {
    /// The pack's name.
    pub name: String,
    /// The version installed.
    pub version: String,
    /// The version installed before, if any.
    pub previous: Option<String>,
    /// Who vouches for it.
    pub signed: Signed,
    /// The same version was already installed; nothing changed.
    pub unchanged: bool,
}

/// A pack store directory.
#[derive(Debug, Clone)]
pub struct PackStore {
    dir: PathBuf,
}

fn store_err(path: &Path, e: impl std::fmt::Display) -> InstallError {
    InstallError::Store {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

impl PackStore {
    /// The store in `dir` (created on first install).
    pub fn new(dir: &Path) -> PackStore {
        PackStore {
            dir: dir.to_owned(),
        }
    }

    /// The installation state of pack `name`; `None` if it was never
    /// installed. A state that cannot be read is an error: the highest
    /// version ever installed, which rollback protection needs, is then unknown.
    fn state(&self, name: &str) -> Result<Option<Installed>, InstallError> {
        let path = self.dir.join(name).join("installed.json");
        let bytes = match fsx::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(store_err(&path, e)),
        };
        let st: Installed = serde_json::from_slice(&bytes).map_err(|e| InstallError::Damaged {
            path: path.clone(),
            message: e.to_string(),
        })?;
        for v in [&st.current, &st.highest] {
            Version::parse(v).map_err(|e| InstallError::Damaged {
                path: path.clone(),
                message: format!("`{v}` is not a version: {e}"),
            })?;
        }
        Ok(Some(st))
    }

    /// Takes the store's lock, waiting for another install to finish, and
    /// removes what killed installs left behind.
    fn lock(&self) -> Result<std::fs::File, InstallError> {
        std::fs::create_dir_all(&self.dir).map_err(|e| store_err(&self.dir, e))?;
        let path = self.dir.join(".lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| store_err(&path, e))?;
        file.lock().map_err(|e| store_err(&path, e))?;
        let mut dirs = vec![self.dir.clone()];
        if let Ok(entries) = std::fs::read_dir(&self.dir) {
            dirs.extend(
                entries
                    .flatten()
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .map(|e| e.path()),
            );
        }
        for d in dirs {
            fsx::remove_stale_temps(&d).map_err(|e| store_err(&d, e))?;
        }
        Ok(file)
    }

    /// Installed packs, by name: name, current version and its file. A
    /// pack whose state cannot be read is an error, not a pack left out.
    pub fn installed(&self) -> Result<Vec<(String, Version, PathBuf)>, InstallError> {
        let mut out = Vec::new();
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(store_err(&self.dir, e)),
        };
        for e in entries.flatten() {
            if !e.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(st) = self.state(&name)?
                && let Ok(v) = Version::parse(&st.current)
            {
                out.push((
                    name.clone(),
                    v,
                    self.dir.join(&name).join(format!("{}.pack", st.current)),
                ));
            }
        }
        out.sort();
        Ok(out)
    }

    /// The extension sections the installed packs define, each with the
    /// name of its pack: what `evidence validate` checks a bundle's
    /// extension files against. Each pack file is read and its structure
    /// checked again (its signatures were checked when it was installed).
    pub fn extensions(&self) -> Result<Vec<(String, ExtensionSection)>, InstallError> {
        let mut out = Vec::new();
        for (name, _, path) in self.installed()? {
            let file = PackFile::read(&path)?;
            out.extend(
                file.manifest()
                    .extensions
                    .iter()
                    .map(|e| (name.clone(), e.clone())),
            );
        }
        Ok(out)
    }

    /// The extension sections of the installed packs other than `name`
    /// whose files can be read.
    fn extensions_except(&self, name: &str) -> Vec<(String, ExtensionSection)> {
        let Ok(installed) = self.installed() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (other, _, path) in installed.into_iter().filter(|(n, _, _)| n != name) {
            match PackFile::read(&path) {
                Ok(file) => out.extend(
                    file.manifest()
                        .extensions
                        .iter()
                        .map(|e| (other.clone(), e.clone())),
                ),
                Err(e) => {
                    tracing::warn!(pack = %other, error = %e, "an installed pack cannot be read")
                }
            }
        }
        out
    }

    /// Refuses `version` of pack `name` when a higher version was ever installed.
    pub fn check_rollback(&self, name: &str, version: &Version) -> Result<(), InstallError> {
        if let Some(highest) = self
            .state(name)?
            .and_then(|st| Version::parse(&st.highest).ok())
            && *version < highest
        {
            return Err(InstallError::Rollback {
                name: name.to_owned(),
                offered: version.clone(),
                installed: highest,
            });
        }
        Ok(())
    }

    /// Every check of an install, with nothing written.
    fn prepare(
        &self,
        runtime: &Runtime,
        path: &Path,
        trust: &TrustStore,
        today: Date,
    ) -> Result<Prepared, InstallError> {
        // Read once: these bytes are checked, compiled and stored.
        let bytes = PackFile::read_bytes(path)?;
        self.prepare_bytes(runtime, path, bytes, trust, today)
    }

    fn prepare_bytes(
        &self,
        runtime: &Runtime,
        path: &Path,
        bytes: Vec<u8>,
        trust: &TrustStore,
        today: Date,
    ) -> Result<Prepared, InstallError> {
        let pack = PackFile::parse(&bytes, path)?;
        let signed = trust.check(&pack, Some(today))?;
        let version = pack.version()?;
        let name = pack.manifest().name.clone();
        let usable = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && !name.starts_with('.');
        if !usable {
            return Err(InstallError::Pack(PackFileError::Format {
                path: path.display().to_string(),
                message: format!(
                    "`{name}` is not a usable pack name (letters, digits, `-`, `_` and `.`)"
                ),
            }));
        }
        self.check_rollback(&name, &version)?;
        // Only now, with the publisher trusted, are the modules compiled: each
        // must load on this host and provide exactly the rules listed.
        let loaded = Pack::from_pack_file(runtime, &pack, Some(signed.clone()))?;
        if let Some((m, why)) = loaded
            .modules()
            .iter()
            .find_map(|m| m.refusal().map(|why| (m, why)))
        {
            return Err(InstallError::Load(PackError::Unusable {
                module: m.name().to_owned(),
                message: why.to_owned(),
            }));
        }
        Ok(Prepared {
            name,
            version,
            signed,
            bytes,
            extensions: pack.manifest().extensions.clone(),
        })
    }

    /// Writes a prepared pack: the file first, then the state that names it,
    /// each atomically, so a crash leaves the previous installation in force.
    /// Under the store's lock, the rollback check is made again against the
    /// state as it is now: another install may have committed meanwhile.
    fn commit(&self, p: Prepared) -> Result<Installation, InstallError> {
        let _lock = self.lock()?;
        self.check_rollback(&p.name, &p.version)?;
        // One definition per extension section among the installed packs,
        // checked under the lock against the store as it is now. Another
        // pack's file that cannot be read defines nothing here: it is
        // refused wherever it is used, and must not stop this install (nor
        // the reinstall that repairs it).
        for (other, def) in self.extensions_except(&p.name) {
            let conflict = p
                .extensions
                .iter()
                .any(|e| e.section == def.section && e.schema != def.schema);
            if conflict {
                return Err(InstallError::Load(PackError::ConflictingExtension {
                    section: def.section.to_string(),
                    first: other,
                    second: p.name,
                }));
            }
        }
        let state = self.state(&p.name)?;
        let version = p.version.to_string();
        let dir = self.dir.join(&p.name);
        let file = dir.join(format!("{version}.pack"));
        // The same version again is a no-op only if the stored file is the
        // one just verified: reinstalling repairs a damaged store.
        let intact = || fsx::read(&file).is_ok_and(|stored| stored == p.bytes);
        if state.as_ref().is_some_and(|st| st.current == version) && intact() {
            return Ok(Installation {
                name: p.name,
                version,
                previous: state.map(|s| s.current),
                signed: p.signed,
                unchanged: true,
            });
        }
        fsx::write_atomic(&file, &p.bytes).map_err(|e| store_err(&file, e))?;
        let highest = state
            .as_ref()
            .and_then(|st| Version::parse(&st.highest).ok())
            .filter(|h| *h > p.version)
            .map_or_else(|| version.clone(), |h| h.to_string());
        let st = Installed {
            current: version.clone(),
            highest,
        };
        let json = serde_json::to_vec_pretty(&st).map_err(|e| store_err(&dir, e))?;
        let state_path = dir.join("installed.json");
        fsx::write_atomic(&state_path, &json).map_err(|e| store_err(&state_path, e))?;
        tracing::info!(pack = %p.name, %version, "installed");
        Ok(Installation {
            name: p.name,
            version,
            previous: state.map(|s| s.current),
            signed: p.signed,
            unchanged: false,
        })
    }

    /// Verifies the pack file at `path` (structure, trust, expiry on `today`,
    /// rollback, then that its modules load and provide the rules listed) and
    /// installs it; on any refusal nothing is written.
    pub fn install(
        &self,
        runtime: &Runtime,
        path: &Path,
        trust: &TrustStore,
        today: Date,
    ) -> Result<Installation, InstallError> {
        let prepared = self.prepare(runtime, path, trust, today)?;
        self.commit(prepared)
    }

    /// Reads what `source` (a directory or an `http(s)://` URL holding
    /// `index.json`) offers and checks all of it, installing nothing: first
    /// the key rotations it publishes, in order, each applied to a copy of
    /// `trust` only if the publisher's keys in force vouch for it (one
    /// already in force is skipped); then, under the rotated keys, the
    /// newest pack of each name, fetched and verified. What an installed
    /// pack would become is said too: one the rotated keys no longer vouch
    /// for, and that nothing offered replaces, is orphaned (every run would
    /// refuse it). [`Update::commit`] installs; the caller saves
    /// [`Update::trust`] first if it rotated.
    pub fn fetch_update(
        &self,
        runtime: &Runtime,
        source: &str,
        trust: &TrustStore,
        today: Date,
    ) -> Result<Update, InstallError> {
        let index: Index = serde_json::from_slice(&fetch(source, "index.json", MAX_INDEX)?)
            .map_err(|e| InstallError::Fetch {
                url: join(source, "index.json"),
                message: format!("not a pack index: {e}"),
            })?;
        let mut trust = trust.clone();
        let mut rotations = Vec::new();
        for file in &index.rotations {
            plain_in_source(source, file)?;
            let bytes = fetch(source, file, MAX_INDEX)?;
            let envelope: Envelope =
                serde_json::from_slice(&bytes).map_err(|e| InstallError::Fetch {
                    url: join(source, file),
                    message: format!("not a signed rotation: {e}"),
                })?;
            if rotation_in_force(&trust, &envelope) {
                continue;
            }
            rotations.push(trust.apply(&envelope)?);
        }
        let mut newest: BTreeMap<String, (Version, String)> = BTreeMap::new();
        for e in index.packs {
            let Ok(v) = Version::parse(&e.version) else {
                continue;
            };
            if newest.get(&e.name).is_none_or(|(best, _)| v > *best) {
                newest.insert(e.name, (v, e.file));
            }
        }
        let mut prepared = Vec::new();
        for (_, (_, file)) in newest {
            plain_in_source(source, &file)?;
            let bytes = fetch(source, &file, MAX_PACK)?;
            let shown = PathBuf::from(join(source, &file));
            prepared.push(self.prepare_bytes(runtime, &shown, bytes, &trust, today)?);
        }
        let mut orphaned = Vec::new();
        for (name, version, path) in self.installed()? {
            if prepared.iter().any(|p| p.name == name) {
                continue;
            }
            let why = match PackFile::read(&path) {
                Ok(file) => trust.check(&file, Some(today)).err().map(|e| e.to_string()),
                Err(e) => Some(e.to_string()),
            };
            if let Some(why) = why {
                orphaned.push(format!("{name} {version}: {why}"));
            }
        }
        Ok(Update {
            trust,
            rotations,
            orphaned,
            prepared,
        })
    }

    /// [`PackStore::fetch_update`], then [`Update::commit`]: for a caller
    /// whose trust store does not change (one that already applied every
    /// rotation `source` publishes).
    pub fn update(
        &self,
        runtime: &Runtime,
        source: &str,
        trust: &TrustStore,
        today: Date,
    ) -> Result<Vec<Installation>, InstallError> {
        self.fetch_update(runtime, source, trust, today)?
            .commit(self)
    }
}

/// A rotation whose keys and threshold are those in force already.
fn rotation_in_force(trust: &TrustStore, envelope: &Envelope) -> bool {
    let Ok(bytes) = envelope.payload_bytes() else {
        return false;
    };
    let Ok(r) = serde_json::from_slice::<Rotation>(&bytes) else {
        return false;
    };
    trust
        .publisher(&r.publisher)
        .is_some_and(|p| p.keys == r.keys && p.threshold == r.threshold)
}

/// Refuses a file an index names outside its source.
fn plain_in_source(source: &str, file: &str) -> Result<(), InstallError> {
    let plain = Path::new(file)
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
        && !file.contains('\\');
    if plain {
        Ok(())
    } else {
        Err(InstallError::Fetch {
            url: join(source, file),
            message: "the index names a file outside the source; the update is refused".into(),
        })
    }
}

/// What a distribution point offers, checked, not yet installed.
#[derive(Debug)]
pub struct Update {
    trust: TrustStore,
    rotations: Vec<Rotation>,
    orphaned: Vec<String>,
    prepared: Vec<Prepared>,
}

impl Update {
    /// The trust store with the rotations applied.
    pub fn trust(&self) -> &TrustStore {
        &self.trust
    }

    /// The rotations applied, in order.
    pub fn rotations(&self) -> &[Rotation] {
        &self.rotations
    }

    /// Installed packs that the rotated keys no longer vouch for and that
    /// nothing offered replaces, each with the reason.
    pub fn orphaned(&self) -> &[String] {
        &self.orphaned
    }

    /// Installs the packs, each as [`PackStore::install`] would.
    pub fn commit(self, store: &PackStore) -> Result<Vec<Installation>, InstallError> {
        self.prepared.into_iter().map(|p| store.commit(p)).collect()
    }
}

/// A pack that passed every check, ready to be written.
#[derive(Debug)]
struct Prepared {
    name: String,
    version: Version,
    signed: Signed,
    bytes: Vec<u8>,
    extensions: Vec<ExtensionSection>,
}

/// `index.json` of a distribution point.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Index {
    /// The packs offered.
    pub packs: Vec<IndexEntry>,
    /// Signed key rotations (`*.rotation.json`, files relative to the
    /// index), oldest first: applied before the packs are checked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rotations: Vec<String>,
}

/// A pack offered by a distribution point.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexEntry {
    /// The pack's name.
    pub name: String,
    /// The pack's version.
    pub version: String,
    /// The pack file, relative to the index.
    pub file: String,
}

fn join(source: &str, file: &str) -> String {
    if source.starts_with("http://") || source.starts_with("https://") {
        format!("{}/{file}", source.trim_end_matches('/'))
    } else {
        Path::new(source).join(file).display().to_string()
    }
}

/// Reads `file` from a directory or a URL, refusing more than `cap` bytes.
fn fetch(source: &str, file: &str, cap: u64) -> Result<Vec<u8>, InstallError> {
    let url = join(source, file);
    let err = |message: String| InstallError::Fetch {
        url: url.clone(),
        message,
    };
    if source.starts_with("http://") || source.starts_with("https://") {
        let mut resp = ureq::get(&url).call().map_err(|e| err(e.to_string()))?;
        let body = resp.body_mut().with_config().limit(cap).read_to_vec();
        return body.map_err(|e| err(format!("{e} (a pack is at most {cap} bytes)")));
    }
    fsx::read_capped(Path::new(&url), cap).map_err(|e| err(e.to_string()))
}

/// Writes `index.json` listing the pack files (`*.pack`) and signed key
/// rotations (`*.rotation.json`) of a directory.
pub fn write_index(dir: &Path) -> Result<Index, InstallError> {
    let mut packs = Vec::new();
    let mut rotations = Vec::new();
    for e in std::fs::read_dir(dir)
        .map_err(|e| store_err(dir, e))?
        .flatten()
    {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".rotation.json") {
            rotations.push(name);
            continue;
        }
        if p.extension().is_none_or(|x| x != "pack") {
            continue;
        }
        let pack = PackFile::read(&p)?;
        packs.push(IndexEntry {
            name: pack.manifest().name.clone(),
            version: pack.manifest().version.clone(),
            file: e.file_name().to_string_lossy().into_owned(),
        });
    }
    packs.sort_by(|a, b| (&a.name, &a.file).cmp(&(&b.name, &b.file)));
    // Rotations apply in the order of their names: publish them as
    // `0001-….rotation.json`, `0002-…`.
    rotations.sort();
    let index = Index { packs, rotations };
    let json = serde_json::to_vec_pretty(&index).map_err(|e| store_err(dir, e))?;
    let path = dir.join("index.json");
    fsx::write_atomic(&path, &json).map_err(|e| store_err(&path, e))?;
    Ok(index)
}
