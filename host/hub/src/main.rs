//! `mizuchi-hub`: the regulator's service.

// The binary speaks to whoever started it: where it listens, and why it stopped.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use mizuchi_hub::api::{Hub, router};
use mizuchi_hub::store::Store;
use mizuchi_hub::verify::Policy;
use mizuchi_ledger::keys::PublicKey;

// Every push allocates and frees many small strings on several threads
// (JSON, base64, hex); the system allocator was an eighth of the hub's
// processor time under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The regulator's hub: distributes nothing yet, collects verified results.
#[derive(Debug, Parser)]
#[command(name = "mizuchi-hub", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the hub's API and dashboard.
    Serve {
        /// The SQLite file to keep everything in (created if missing).
        #[arg(long, value_name = "FILE", conflicts_with = "database")]
        data: Option<PathBuf>,
        /// A database URL instead, e.g. `postgres://hub@localhost/hub`.
        #[arg(long, value_name = "URL", env = "MIZUCHI_HUB_DATABASE")]
        database: Option<String>,
        /// Where to listen. Put TLS in front with a reverse proxy.
        #[arg(long, default_value = "127.0.0.1:8470")]
        bind: SocketAddr,
        /// A regulator public key that may sign enrolments. Repeatable.
        #[arg(long = "regulator-key", value_name = "FILE", required = true)]
        regulator_keys: Vec<PathBuf>,
        /// A publisher every run's packs must come from, or be flagged. Repeatable.
        #[arg(long = "require-publisher", value_name = "NAME")]
        required_publishers: Vec<String>,
        /// A directory of signed packs and key rotations to distribute under
        /// `/packs/` (write its `index.json` with `mizuchi pack index DIR`);
        /// utilities run `mizuchi pack update --from <hub>/packs`.
        #[arg(long, value_name = "DIR")]
        packs: Option<PathBuf>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("MIZUCHI_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let Command::Serve {
        data,
        database,
        bind,
        regulator_keys,
        required_publishers,
        packs,
    } = cli.command;
    let url = match (data, database) {
        (_, Some(url)) => url,
        (Some(path), None) => Store::sqlite_url(&path),
        (None, None) => Store::sqlite_url(std::path::Path::new("hub.db")),
    };
    let mut regulators = Vec::new();
    for path in &regulator_keys {
        regulators.push(
            PublicKey::read(path)
                .map_err(|e| format!("cannot read the regulator key `{}`: {e}", path.display()))?,
        );
    }
    let store = Store::open(&url)
        .await
        .map_err(|e| format!("{e}; check --data or --database"))?;
    let hub = Arc::new(Hub {
        store,
        regulators,
        policy: Policy {
            required_publishers,
        },
        packs,
    });
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| format!("cannot listen on `{bind}`: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    // The address on stdout, for whoever started the hub (tests bind port 0).
    println!("listening on http://{local}");
    tracing::info!(%local, "hub serving");
    axum::serve(listener, router(hub))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
}
