//! The single-file form of a bundle: a tar archive of the bundle directory.
//!
//! Writing is deterministic (entries sorted, owner, permissions and times
//! fixed), so the same bundle gives the same archive bytes. Reading extracts
//! into a private temporary directory through [`crate::tarx`]: plain files
//! only, no links, no absolute paths, no `..`, no name given twice.

use std::io::Read;
use std::path::Path;

use mizuchi_evidence::Text;

use super::problem::Problems;
use crate::tarx::{Members, Refusal};

/// Largest single file accepted from an archive (4 GiB).
const MAX_FILE: u64 = 4 << 30;

fn t(ja: impl Into<String>, en: impl Into<String>) -> Text {
    Text::new(ja, en)
}

/// Extracts an archive; `None` if it cannot be used (the problems say why).
pub(crate) fn extract(archive: &Path, out: &mut Problems) -> Option<tempfile::TempDir> {
    let name = archive.display().to_string();
    let file = match mizuchi_ledger::files::open_regular(archive) {
        Ok(f) => f,
        Err(e) => {
            out.error(
                &name,
                None,
                None,
                t(format!("読めません: {e}"), format!("cannot be read: {e}")),
            );
            return None;
        }
    };
    let dir = match tempfile::Builder::new().prefix("mizuchi-bundle-").tempdir() {
        Ok(d) => d,
        Err(e) => {
            out.error(
                &name,
                None,
                None,
                t(
                    format!("一時ディレクトリを作れません: {e}"),
                    format!("cannot create a temporary directory to extract into: {e}"),
                ),
            );
            return None;
        }
    };
    let mut tar = tar::Archive::new(file);
    let members = match Members::new(&mut tar) {
        Ok(m) => m,
        Err(r) => {
            out.error(&name, None, None, t(r.ja(), r.to_string()));
            return None;
        }
    };
    let mut ok = true;
    for member in members {
        let (path, mut entry) = match member {
            Ok(m) => m,
            Err(r) => {
                let damaged = matches!(r, Refusal::Damaged(_));
                out.error(&name, None, None, t(r.ja(), r.to_string()));
                ok = false;
                if damaged {
                    return None;
                }
                continue;
            }
        };
        if entry.header().size().unwrap_or(u64::MAX) > MAX_FILE {
            out.error(
                &path,
                None,
                None,
                t(
                    "大きすぎます（上限4GiB）",
                    "is too large (the limit is 4 GiB)",
                ),
            );
            ok = false;
            continue;
        }
        let target = dir.path().join(&path);
        if let Some(parent) = target.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let written = std::fs::File::create_new(&target)
            .and_then(|mut f| std::io::copy(&mut (&mut entry).take(MAX_FILE), &mut f));
        if let Err(e) = written {
            out.error(
                &path,
                None,
                None,
                t(
                    format!("展開できません: {e}"),
                    format!("cannot be extracted: {e}"),
                ),
            );
            ok = false;
        }
    }
    ok.then_some(dir)
}

/// Writes the bundle directory `dir` as a deterministic tar archive.
pub fn write(dir: &Path, out: &Path) -> std::io::Result<()> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)? {
            let e = e?;
            let ft = e.file_type()?;
            if ft.is_symlink() {
                return Err(std::io::Error::other(format!(
                    "`{}` is a symbolic link; a bundle must hold its files itself",
                    e.path().display()
                )));
            }
            if ft.is_dir() {
                stack.push(e.path());
            } else {
                files.push(e.path());
            }
        }
    }
    files.sort();
    let tmp = mizuchi_ledger::files::temp_in(
        out.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new(".")),
        false,
    )?;
    let mut builder = tar::Builder::new(tmp);
    builder.mode(tar::HeaderMode::Deterministic);
    for f in files {
        let rel = f.strip_prefix(dir).map_err(std::io::Error::other)?;
        let bytes = mizuchi_ledger::files::read(&f)?;
        let mut h = tar::Header::new_gnu();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(0);
        h.set_uid(0);
        h.set_gid(0);
        h.set_entry_type(tar::EntryType::Regular);
        builder.append_data(&mut h, rel, bytes.as_slice())?;
    }
    let tmp = builder.into_inner()?;
    tmp.as_file().sync_all()?;
    tmp.persist(out).map_err(|e| e.error)?;
    Ok(())
}
