//! A card's files appear only once the card is registered.
//!
//! A signed card file is a valid card: if it existed without a registry entry, `revoke` could
//! not find it. So each file is first written under a temporary name beside its final name
//! (created new, never following a link), the registry transaction commits, and only then is
//! each file linked to its final name — which fails rather than replace an existing file, so
//! one holder's card never overwrites another's. Files not committed are removed on drop, on
//! every error path.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::OfficeError;

/// Who may read a file.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (0644 under the usual umask): the QR code, its text, the card face.
    Public,
    /// The owner only (0600): anything listing the private part in plain text.
    Private,
}

/// Files written under temporary names, waiting for [`Staged::commit`].
#[derive(Default)]
pub struct Staged {
    /// (temporary, final) paths.
    files: Vec<(PathBuf, PathBuf)>,
}

/// Refuses a path that exists already, as a file, a directory or a link (dangling or not).
pub fn ensure_free(path: &Path) -> Result<(), OfficeError> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(OfficeError::file(path)(e)),
        Ok(_) => Err(OfficeError::FileExists(path.to_owned())),
    }
}

/// Creates `path` new (failing if anything is there, links included) and writes `bytes`.
pub fn create_new(path: &Path, bytes: &[u8], access: Access) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if access == Access::Private {
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    }
    #[cfg(not(unix))]
    let _ = access;
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

impl Staged {
    /// Writes `bytes` under a temporary name beside `path`, after checking `path` is free.
    pub fn add(&mut self, path: PathBuf, bytes: &[u8], access: Access) -> Result<(), OfficeError> {
        ensure_free(&path)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        create_new(&tmp, bytes, access).map_err(OfficeError::file(&tmp))?;
        self.files.push((tmp, path));
        Ok(())
    }

    /// Gives every file its final name. A link (not a rename) so that an existing file is an
    /// error, never replaced. On error the files not yet linked stay temporary and are removed.
    pub fn commit(mut self) -> Result<(), OfficeError> {
        for (tmp, path) in std::mem::take(&mut self.files) {
            let linked = std::fs::hard_link(&tmp, &path);
            let _ = std::fs::remove_file(&tmp);
            linked.map_err(OfficeError::file(&path))?;
        }
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        for (tmp, _) in &self.files {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("helpcard-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn files_appear_only_on_commit_and_vanish_on_drop() {
        let d = dir("stage");
        let mut s = Staged::default();
        s.add(d.join("a.png"), b"png", Access::Public).unwrap();
        s.add(d.join("a.pdf"), b"pdf", Access::Private).unwrap();
        assert!(!d.join("a.png").exists());
        drop(s);
        assert_eq!(
            std::fs::read_dir(&d).unwrap().count(),
            0,
            "temporaries removed"
        );

        let mut s = Staged::default();
        s.add(d.join("a.pdf"), b"pdf", Access::Private).unwrap();
        s.commit().unwrap();
        assert_eq!(std::fs::read(d.join("a.pdf")).unwrap(), b"pdf");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(d.join("a.pdf"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 1);
    }

    #[test]
    fn an_existing_file_or_dangling_link_is_never_replaced() {
        let d = dir("exists");
        std::fs::write(d.join("b.txt"), "first holder").unwrap();
        let mut s = Staged::default();
        assert!(s.add(d.join("b.txt"), b"second", Access::Public).is_err());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(d.join("nowhere"), d.join("c.txt")).unwrap();
            assert!(s.add(d.join("c.txt"), b"x", Access::Public).is_err());
            assert!(create_new(&d.join("c.txt"), b"x", Access::Public).is_err());
            assert!(!d.join("nowhere").exists(), "the link was not followed");
        }
        // A file that appears between staging and commit is not replaced either.
        s.add(d.join("d.txt"), b"mine", Access::Public).unwrap();
        std::fs::write(d.join("d.txt"), "theirs").unwrap();
        assert!(s.commit().is_err());
        assert_eq!(std::fs::read_to_string(d.join("d.txt")).unwrap(), "theirs");
        assert_eq!(
            std::fs::read_to_string(d.join("b.txt")).unwrap(),
            "first holder"
        );
    }
}
