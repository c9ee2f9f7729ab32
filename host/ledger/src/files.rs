//! Files Mizuchi reads and writes, opened so that a check cannot be fooled.
//! Every Mizuchi crate that touches files goes through this module.
//!
//! Reading: every input (evidence, ledger, checkpoint, key, pack, trust
//! store, spreadsheet, log) must be a regular file. A named pipe, a device or
//! a directory is refused before a byte is read: opening a FIFO for reading
//! would wait forever for a writer. The file is opened without blocking and
//! its type taken from the open handle (`fstat`), so nothing can swap the
//! file between the check and the read.
//!
//! Writing: files are written to a temporary name in the target's directory,
//! flushed and renamed into place. Temporary names start with
//! [`TEMP_PREFIX`], so that what a killed process left behind can be found
//! and removed. Public artefacts get the permissions the user's umask gives;
//! only private keys are created readable by their owner alone.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;

/// How the names of temporary files begin.
pub const TEMP_PREFIX: &str = ".mizuchi-tmp-";

/// Why a path was refused: it is not a regular file (the source of the
/// [`io::Error`] the functions here return for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("is not a regular file ({kind}); give the path of a file")]
pub struct NotRegular {
    /// What it is instead: `a named pipe`, `a directory`, `a symbolic link`…
    pub kind: &'static str,
}

impl NotRegular {
    /// The refusal an error carries, if it is one.
    pub fn of(e: &io::Error) -> Option<NotRegular> {
        e.get_ref()
            .and_then(|inner| inner.downcast_ref::<NotRegular>())
            .copied()
    }
}

/// The error for a path that is not a regular file.
fn not_regular(meta: &std::fs::Metadata) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        NotRegular {
            kind: kind_of(meta),
        },
    )
}

fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let ft = meta.file_type();
    if ft.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a named pipe";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_block_device() || ft.is_char_device() {
            return "a device";
        }
    }
    if ft.is_symlink() {
        return "a symbolic link";
    }
    "not a plain file"
}

/// Opens `path` with `options`, refusing anything but a regular file, and
/// never waiting to open it.
pub fn open_regular_with(options: &mut OpenOptions, path: &Path) -> io::Result<File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A FIFO opened for reading without O_NONBLOCK waits for a writer.
        // For a regular file the flag changes nothing.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    Ok(file)
}

/// Opens a regular file for reading (following a symbolic link).
pub fn open_regular(path: &Path) -> io::Result<File> {
    open_regular_with(OpenOptions::new().read(true), path)
}

/// Opens a regular file for reading, refusing a symbolic link at its last
/// component (evidence files must be held by the bundle itself).
pub fn open_regular_nofollow(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }
    let file = match options.open(path) {
        Ok(f) => f,
        // O_NOFOLLOW on a symbolic link.
        #[cfg(unix)]
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                NotRegular {
                    kind: "a symbolic link",
                },
            ));
        }
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    Ok(file)
}

/// Reads a whole regular file.
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    let mut file = open_regular(path)?;
    let mut bytes = Vec::with_capacity(file.metadata().map_or(0, |m| m.len() as usize));
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads a whole regular file as UTF-8.
pub fn read_to_string(path: &Path) -> io::Result<String> {
    String::from_utf8(read(path)?).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("is not UTF-8 (at byte {})", e.utf8_error().valid_up_to()),
        )
    })
}

/// Reads a whole regular file of at most `cap` bytes; a larger one is an
/// error of kind [`io::ErrorKind::FileTooLarge`] whose message gives its size.
pub fn read_capped(path: &Path, cap: u64) -> io::Result<Vec<u8>> {
    let file = open_regular(path)?;
    let size = file.metadata()?.len();
    if size > cap {
        return Err(too_large(size, cap));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // The file may grow after the size was taken: never read past the cap.
    file.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(too_large(bytes.len() as u64, cap));
    }
    Ok(bytes)
}

fn too_large(size: u64, cap: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!("is {size} bytes, over the cap of {cap} bytes"),
    )
}

/// A new temporary file in `dir`, named with [`TEMP_PREFIX`]. With
/// `private`, only its owner may read it; otherwise it gets the permissions
/// the umask gives a new file.
pub fn temp_in(dir: &Path, private: bool) -> io::Result<tempfile::NamedTempFile> {
    temp_named(dir, TEMP_PREFIX, private)
}

/// Like [`temp_in`], with a name starting with `prefix` (which should end
/// with [`TEMP_PREFIX`]): a writer that holds a lock on one file among many
/// in a directory removes only its own leftovers.
pub fn temp_named(dir: &Path, prefix: &str, private: bool) -> io::Result<tempfile::NamedTempFile> {
    let mut b = tempfile::Builder::new();
    b.prefix(prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The mode asked for at creation; the umask then applies.
        b.permissions(std::fs::Permissions::from_mode(if private {
            0o600
        } else {
            0o666
        }));
    }
    #[cfg(not(unix))]
    let _ = private;
    b.tempfile_in(dir)
}

/// Makes a directory entry durable on platforms that can.
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Writes `bytes` to `path` through a temporary file, a flush and a rename,
/// so that `path` holds either its old or its new content, never a part.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut tmp = temp_in(dir, false)?;
    tmp.write_all(bytes)?;
    persist_durably(tmp, path)
}

/// Gives the temporary file `tmp` (made by [`temp_in`] in the directory of
/// `path`) the name `path` durably: its bytes are flushed to disk before the
/// rename, and the directory entry after it.
pub fn persist_durably(tmp: tempfile::NamedTempFile, path: &Path) -> io::Result<()> {
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    if let Some(dir) = path.parent() {
        sync_dir(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        });
    }
    Ok(())
}

/// Removes the temporary files a killed process left in `dir` (not below
/// it): names starting with [`TEMP_PREFIX`] or with `.tmp` (the names of
/// earlier versions). Only call it while holding the lock that every writer
/// of `dir` takes, so that no live writer's file is removed.
pub fn remove_stale_temps(dir: &Path) -> io::Result<usize> {
    remove_temps_named(dir, &[TEMP_PREFIX, ".tmp"])
}

/// Removes the files of `dir` whose names start with one of `prefixes`.
pub fn remove_temps_named(dir: &Path, prefixes: &[&str]) -> io::Result<usize> {
    let mut removed = 0;
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    for e in entries {
        let e = e?;
        let name = e.file_name();
        let name = name.to_string_lossy();
        if prefixes.iter().any(|p| name.starts_with(p)) && e.file_type()?.is_file() {
            std::fs::remove_file(e.path())?;
            tracing::info!(file = %e.path().display(), "removed a temporary file left by an interrupted write");
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_fifo_and_a_directory_are_refused_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        for (path, what) in [(fifo.as_path(), "named pipe"), (dir.path(), "directory")] {
            let e = read(path).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
            assert!(e.to_string().contains(what), "{e}");
            assert!(e.to_string().contains("not a regular file"), "{e}");
        }
        let file = dir.path().join("f");
        std::fs::write(&file, b"x").unwrap();
        assert_eq!(read(&file).unwrap(), b"x");
        let link = dir.path().join("l");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert_eq!(read(&link).unwrap(), b"x", "a link to a file is followed");
        assert!(open_regular_nofollow(&link).is_err());
    }

    #[test]
    fn a_file_over_the_cap_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, [0u8; 10]).unwrap();
        assert_eq!(read_capped(&file, 10).unwrap().len(), 10);
        let e = read_capped(&file, 9).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::FileTooLarge);
    }

    #[cfg(unix)]
    #[test]
    fn atomic_writes_get_the_umask_permissions_and_private_temps_do_not() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain");
        std::fs::write(&plain, b"x").unwrap();
        let umask_mode = std::fs::metadata(&plain).unwrap().permissions().mode() & 0o777;
        let atomic = dir.path().join("atomic");
        write_atomic(&atomic, b"y").unwrap();
        let mode = std::fs::metadata(&atomic).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, umask_mode);
        let private = temp_in(dir.path(), true).unwrap();
        let mode = private.as_file().metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn stale_temporary_files_are_removed_and_others_kept() {
        let dir = tempfile::tempdir().unwrap();
        for n in [".mizuchi-tmp-abc", ".tmpXYZ", "keep.pack", "installed.json"] {
            std::fs::write(dir.path().join(n), b"x").unwrap();
        }
        assert_eq!(remove_stale_temps(dir.path()).unwrap(), 2);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["installed.json", "keep.pack"]);
    }
}
