//! Tar archives from untrusted hands: the one walk over their members that
//! every reader uses (evidence archives, pack files).
//!
//! A member is yielded only if it is a plain file whose path stays inside
//! the archive and that no earlier member had: a second member of the same
//! name (after `./` is dropped) would otherwise replace the first when
//! extracted, or be taken instead of it when looked up, so an archive could
//! show one file to a check and another to its user. Directories are
//! skipped; links and special files are refused.

use std::collections::HashSet;
use std::io::Read;
use std::path::Component;

/// Why a member was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Refusal {
    #[error("the archive is damaged: {0}")]
    Damaged(String),
    #[error("`{0}` points outside the archive (an absolute path or `..`)")]
    Leaves(String),
    #[error("`{0}` is a link or a special file; an archive may hold plain files only")]
    NotPlain(String),
    #[error("`{0}` is in the archive twice")]
    Twice(String),
}

impl Refusal {
    /// The refusal in Japanese.
    pub(crate) fn ja(&self) -> String {
        match self {
            Refusal::Damaged(e) => format!("アーカイブが壊れています: {e}"),
            Refusal::Leaves(n) => {
                format!("`{n}` はアーカイブの外を指しています（絶対パスや `..`）")
            }
            Refusal::NotPlain(n) => {
                format!(
                    "`{n}` はリンク等の特殊なファイルです。アーカイブには通常のファイルだけを入れてください"
                )
            }
            Refusal::Twice(n) => format!("`{n}` がアーカイブに2回入っています"),
        }
    }
}

/// The plain-file members of an archive, each with its path (components
/// joined by `/`, without `.`), in archive order.
pub(crate) struct Members<'a, R: Read> {
    entries: tar::Entries<'a, R>,
    seen: HashSet<String>,
    done: bool,
}

impl<'a, R: Read> Members<'a, R> {
    /// Walks `archive`.
    pub(crate) fn new(archive: &'a mut tar::Archive<R>) -> Result<Self, Refusal> {
        let entries = archive
            .entries()
            .map_err(|e| Refusal::Damaged(format!("not a tar archive: {e}")))?;
        Ok(Members {
            entries,
            seen: HashSet::new(),
            done: false,
        })
    }
}

impl<'a, R: Read> Iterator for Members<'a, R> {
    type Item = Result<(String, tar::Entry<'a, R>), Refusal>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            let entry = match self.entries.next()? {
                Ok(e) => e,
                Err(e) => {
                    // After a damaged header nothing further can be trusted.
                    self.done = true;
                    return Some(Err(Refusal::Damaged(e.to_string())));
                }
            };
            let path = match entry.path() {
                Ok(p) => p.into_owned(),
                Err(e) => {
                    self.done = true;
                    return Some(Err(Refusal::Damaged(format!(
                        "a member has a bad name: {e}"
                    ))));
                }
            };
            let shown = path.display().to_string();
            let mut parts = Vec::new();
            for c in path.components() {
                match c {
                    Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
                    Component::CurDir => {}
                    _ => return Some(Err(Refusal::Leaves(shown))),
                }
            }
            let kind = entry.header().entry_type();
            if kind.is_dir() {
                continue;
            }
            if parts.is_empty() {
                return Some(Err(Refusal::Leaves(shown)));
            }
            let name = parts.join("/");
            if !kind.is_file() {
                return Some(Err(Refusal::NotPlain(name)));
            }
            if !self.seen.insert(name.clone()) {
                return Some(Err(Refusal::Twice(name)));
            }
            return Some(Ok((name, entry)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn archive(members: &[(&str, &[u8], tar::EntryType)]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (name, bytes, kind) in members {
            let mut h = tar::Header::new_old();
            h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
            h.set_size(bytes.len() as u64);
            h.set_mode(0o644);
            h.set_entry_type(*kind);
            h.set_cksum();
            b.append(&h, *bytes).unwrap();
        }
        b.into_inner().unwrap()
    }

    fn walk(bytes: &[u8]) -> Vec<Result<String, Refusal>> {
        let mut a = tar::Archive::new(bytes);
        Members::new(&mut a)
            .unwrap()
            .map(|m| m.map(|(n, _)| n))
            .collect()
    }

    #[test]
    fn a_name_given_twice_is_refused_however_it_is_spelt() {
        use tar::EntryType::{Directory, Regular};
        let got = walk(&archive(&[
            ("a/", b"", Directory),
            ("a/b.json", b"1", Regular),
            ("./a/b.json", b"2", Regular),
            ("c.json", b"3", Regular),
            ("c.json", b"4", Regular),
        ]));
        assert_eq!(
            got,
            vec![
                Ok("a/b.json".into()),
                Err(Refusal::Twice("a/b.json".into())),
                Ok("c.json".into()),
                Err(Refusal::Twice("c.json".into())),
            ]
        );
    }

    #[test]
    fn paths_that_leave_and_links_are_refused() {
        use tar::EntryType::{Regular, Symlink};
        let got = walk(&archive(&[
            ("../x", b"", Regular),
            ("/etc/passwd", b"", Regular),
            ("l", b"", Symlink),
        ]));
        assert_eq!(
            got,
            vec![
                Err(Refusal::Leaves("../x".into())),
                Err(Refusal::Leaves("/etc/passwd".into())),
                Err(Refusal::NotPlain("l".into())),
            ]
        );
    }
}
