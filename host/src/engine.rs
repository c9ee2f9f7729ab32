//! The runtime: one wasmtime engine configured for deterministic, metered
//! execution, a compile cache, the epoch ticker behind the wall-clock
//! backstop, and the limits every rule run gets.

use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use sha2::{Digest, Sha256};
use wasmtime::component::Component;
use wasmtime::{Config, Engine, OptLevel, Strategy};

/// How often the epoch advances; the wall-clock limit is counted in these ticks.
pub(crate) const TICK: Duration = Duration::from_millis(10);

/// Limits applied to every rule run.
///
/// Fuel is deterministic: the same module on the same evidence uses the same
/// fuel on every machine, so a rule that runs out of fuel does so everywhere.
/// A rule gets `fuel` plus an allowance per evidence record and per byte of
/// the sections it declared, so that a budget fits any size of utility. The
/// wall-clock limit is only a backstop against a host that is much slower than
/// expected; it should never decide an outcome in practice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Fuel every run starts with.
    pub fuel: u64,
    /// Extra fuel per record of each log section the rule declared.
    pub fuel_per_record: u64,
    /// Extra fuel per byte of each document section the rule declared.
    pub fuel_per_byte: u64,
    /// Largest linear memory a run may grow to, in bytes.
    pub memory: usize,
    /// Largest result (findings and their texts) a run may return, in bytes.
    pub output: usize,
    /// Guest stdout and stderr kept for the log, in bytes; the rest is dropped.
    pub log: usize,
    /// Wall-clock backstop.
    pub wall_clock: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            fuel: 5_000_000_000,
            fuel_per_record: 20_000,
            fuel_per_byte: 400,
            memory: 256 << 20,
            output: 16 << 20,
            log: 64 << 10,
            wall_clock: Duration::from_secs(120),
        }
    }
}

/// Why the runtime could not be set up or a module could not be compiled.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RuntimeError {
    #[error("cannot configure the WebAssembly engine: {0}")]
    /// The engine could not be configured.
    Engine(String),
    #[error("`{name}` is not a valid WebAssembly component: {message}")]
    /// A module is not a valid WebAssembly component.
    Compile {
        /// The module's name.
        name: String,
        /// What is wrong.
        message: String,
    },
}

/// Advances the engine's epoch in the background, until it is dropped.
#[derive(Debug)]
struct Ticker {
    /// Dropped to stop the thread: it wakes at once, not at its next tick.
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Ticker {
    fn start(engine: &Engine) -> Ticker {
        let (stop, stopped) = mpsc::channel::<()>();
        let e = engine.clone();
        let thread = std::thread::Builder::new()
            .name("mizuchi-epoch".into())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(TICK) {
                    e.increment_epoch();
                }
            })
            .ok();
        Ticker {
            stop: Some(stop),
            thread,
        }
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The engine, its compile cache and the default limits.
#[derive(Debug)]
pub struct Runtime {
    engine: Engine,
    cache: Option<Cache>,
    limits: Limits,
    _ticker: Ticker,
}

impl Runtime {
    /// A runtime with the given compile-cache directory (`None`: compile every time).
    pub fn new(cache_dir: Option<PathBuf>, limits: Limits) -> Result<Runtime, RuntimeError> {
        let mut config = Config::new();
        config
            .strategy(Strategy::Cranelift)
            .cranelift_opt_level(OptLevel::Speed)
            .wasm_component_model(true)
            .consume_fuel(true)
            .epoch_interruption(true)
            // Same bits on every CPU: canonical NaNs, deterministic relaxed SIMD.
            .cranelift_nan_canonicalization(true)
            .relaxed_simd_deterministic(true)
            .parallel_compilation(true);
        let engine = Engine::new(&config).map_err(|e| RuntimeError::Engine(e.to_string()))?;
        let cache = cache_dir.map(|dir| Cache::new(dir, &engine));
        let ticker = Ticker::start(&engine);
        Ok(Runtime {
            engine,
            cache,
            limits,
            _ticker: ticker,
        })
    }

    /// The default cache directory: `$MIZUCHI_CACHE_DIR`, else the user's cache directory.
    pub fn default_cache_dir() -> Option<PathBuf> {
        std::env::var_os("MIZUCHI_CACHE_DIR")
            .map(PathBuf::from)
            .or_else(|| dirs::cache_dir().map(|d| d.join("mizuchi")))
    }

    /// The WebAssembly engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The limits every rule run gets.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Compiles a component, or loads the compiled form this host cached for
    /// the same bytes and engine configuration.
    pub fn compile(
        &self,
        name: &str,
        bytes: &[u8],
        digest: &str,
    ) -> Result<Component, RuntimeError> {
        if let Some(c) = self
            .cache
            .as_ref()
            .and_then(|c| c.load(&self.engine, digest))
        {
            tracing::debug!(module = name, "compiled module loaded from cache");
            return Ok(c);
        }
        let component = Component::new(&self.engine, bytes).map_err(|e| RuntimeError::Compile {
            name: name.to_owned(),
            message: format!("{e:#}"),
        })?;
        if let Some(cache) = &self.cache {
            cache.store(digest, &component);
        }
        Ok(component)
    }
}

/// Compiled components on disk, keyed by module digest and engine configuration.
///
/// Only files this host wrote are loaded: the directory must belong to the
/// current user and be closed to others, and files are published by atomic
/// rename, so a reader never sees a partial file.
#[derive(Debug)]
struct Cache {
    dir: PathBuf,
    engine_key: String,
    /// Whether the directory is private to this user, found on first load.
    private: std::sync::OnceLock<bool>,
}

struct ShaHasher(Sha256);

impl Hasher for ShaHasher {
    fn finish(&self) -> u64 {
        0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

impl Cache {
    fn new(dir: PathBuf, engine: &Engine) -> Cache {
        let mut h = ShaHasher(Sha256::new());
        std::hash::Hash::hash(&engine.precompile_compatibility_hash(), &mut h);
        h.0.update(env!("CARGO_PKG_VERSION").as_bytes());
        let engine_key = hex::encode(&h.0.finalize()[..8]);
        Cache {
            dir,
            engine_key,
            private: std::sync::OnceLock::new(),
        }
    }

    fn path(&self, digest: &str) -> PathBuf {
        self.dir.join(format!("{digest}-{}.cwasm", self.engine_key))
    }

    fn dir_is_private(dir: &Path) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::{MetadataExt, PermissionsExt};
            let Ok(meta) = std::fs::symlink_metadata(dir) else {
                return false;
            };
            // Safe enough without libc: the directory must be owned by the
            // same user as a file we can create in it.
            let probe = tempfile::NamedTempFile::new_in(dir);
            let owner_ok = probe
                .ok()
                .and_then(|p| p.as_file().metadata().ok())
                .is_some_and(|m| m.uid() == meta.uid());
            meta.is_dir() && owner_ok && meta.permissions().mode() & 0o022 == 0
        }
        #[cfg(not(unix))]
        {
            dir.is_dir()
        }
    }

    fn load(&self, engine: &Engine, digest: &str) -> Option<Component> {
        let path = self.path(digest);
        if !path.is_file() || !*self.private.get_or_init(|| Self::dir_is_private(&self.dir)) {
            return None;
        }
        // SAFETY: the file was produced by `Component::serialize` of this host
        // for the same engine configuration (the key says so), written by
        // atomic rename into a directory only this user can write.
        #[allow(unsafe_code)]
        let loaded = unsafe { Component::deserialize_file(engine, &path) };
        match loaded {
            Ok(c) => Some(c),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "ignoring unusable compile cache entry");
                None
            }
        }
    }

    fn store(&self, digest: &str, component: &Component) {
        let result = (|| -> std::io::Result<()> {
            std::fs::create_dir_all(&self.dir)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&self.dir, std::fs::Permissions::from_mode(0o700))?;
            }
            let bytes = component
                .serialize()
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            let mut tmp = tempfile::NamedTempFile::new_in(&self.dir)?;
            std::io::Write::write_all(&mut tmp, &bytes)?;
            tmp.as_file().sync_all()?;
            tmp.persist(self.path(digest)).map_err(|e| e.error)?;
            Ok(())
        })();
        if let Err(e) = result {
            tracing::warn!(dir = %self.dir.display(), error = %e, "cannot write the compile cache; continuing without it");
        }
    }
}
