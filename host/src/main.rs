//! `mizuchi`: the command line of the Mizuchi policy engine.

mod cli;

use std::process::ExitCode;

// Parsing tens of millions of log lines on every core allocates and frees
// small strings at a high rate from many threads; mimalloc's thread-local
// heaps do this without the contention of the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::main()
}
