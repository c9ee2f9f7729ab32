//! `mizuchi key`: Ed25519 keys for signing results and packs.

use crate::Say;
use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;
use mizuchi::{PublicKey, SecretKey};

use crate::{Failure, Global};

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Make a new key: PKCS#8 PEM private key, and `<name>.pub.pem` beside it.
    Generate {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Print the id of a key (private or public PEM).
    Id { key: PathBuf },
}

#[allow(clippy::print_stderr)]
pub(crate) fn run(global: &Global, command: Command) -> Result<(), Failure> {
    match command {
        Command::Generate { out } => {
            let key = SecretKey::generate()?;
            let public = key.write(&out).say(|| {
                (
                    format!("鍵 `{}` を書き込めません", out.display()),
                    format!("cannot write the key `{}`", out.display()),
                )
            })?;
            if !global.quiet {
                eprintln!(
                    "private key: {} (keep it secret)\npublic key:  {}",
                    out.display(),
                    public.display()
                );
            }
            writeln!(std::io::stdout(), "{}", key.public().key_id())?;
            Ok(())
        }
        Command::Id { key } => {
            let k = PublicKey::read(&key)?;
            writeln!(std::io::stdout(), "{}", k.key_id())?;
            Ok(())
        }
    }
}
