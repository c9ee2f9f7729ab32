//! `mizuchi`: the command line of the Mizuchi policy engine.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
