//! Rules that misbehave on purpose, one way each. The host must stop every one
//! of them with an `error` outcome that names the cause, and run the others.

use mizuchi_sdk::prelude::*;

const INVENTORY: &[Need] = &[Need::v2(SectionKind::Inventory)];

const fn rule(id: &'static str, en: &'static str, eval: mizuchi_sdk::EvalFn) -> Rule {
    Rule {
        id,
        version: "1.0.0",
        title: StaticText {
            ja: "試験用の悪意あるルール",
            en,
        },
        section: "test",
        force: Force::Recommended,
        needs: INVENTORY,
        params: &[],
        eval,
    }
}

/// Runs forever: stopped by fuel.
pub const LOOP: Rule = rule("HOSTILE-LOOP", "an infinite loop", |_| {
    let mut n: u64 = 0;
    loop {
        n = std::hint::black_box(n.wrapping_add(1));
    }
});

/// Allocates without end: stopped by the memory cap.
pub const MEMORY: Rule = rule("HOSTILE-MEMORY", "a memory bomb", |_| {
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    loop {
        hoard.push(std::hint::black_box(vec![1u8; 1 << 20]));
    }
});

/// Panics: the message is captured.
pub const PANIC: Rule = rule("HOSTILE-PANIC", "a panic", |_| {
    panic!("hostile rule gave up on purpose")
});

/// Returns a result far over the output cap, within the memory cap.
pub const OUTPUT: Rule = rule("HOSTILE-OUTPUT", "an oversized result", |_| {
    // 24 findings of 1 MiB each: over the 16 MiB output cap, well within memory.
    let half = "x".repeat(512 << 10);
    Ok((0..24)
        .map(|i| {
            Finding::fail(
                Subject::asset(format!("A-{i}")),
                Text::new(half.clone(), half.clone()),
            )
        })
        .collect())
});

/// Tries to read a host file, the environment and the network: every attempt
/// must fail, and the rule then fails closed with an error.
pub const ESCAPE: Rule = rule("HOSTILE-ESCAPE", "a sandbox escape attempt", |_| {
    let env = std::env::vars().count();
    let net = std::net::TcpStream::connect("127.0.0.1:22").is_ok();
    match std::fs::read("/etc/passwd") {
        Ok(bytes) => Ok(vec![Finding::pass(
            Subject::organisation(),
            Text::new(
                "脱出",
                format!("escaped: read {} bytes of /etc/passwd", bytes.len()),
            ),
        )]),
        Err(e) => Err(RuleError::msg(format!(
            "cannot open /etc/passwd: {e} (environment variables seen: {env}, network reachable: {net})"
        ))),
    }
});

/// Reads a section it did not declare, bypassing the SDK's own check: the host
/// must refuse.
pub const UNDECLARED: Rule = rule("HOSTILE-UNDECLARED", "an undeclared read", |_| {
    #[cfg(target_arch = "wasm32")]
    {
        use mizuchi_sdk::__private::bindings::mizuchi::rule::evidence;
        match evidence::document_json("people") {
            Ok(text) => Ok(vec![Finding::pass(
                Subject::organisation(),
                Text::new("読めた", format!("read {} bytes of people", text.len())),
            )]),
            Err(e) => Err(RuleError::msg(format!("the host refused: {e:?}"))),
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    Err(RuleError::msg("only meaningful in the sandbox"))
});

mizuchi_sdk::export_rules!(LOOP, MEMORY, PANIC, OUTPUT, ESCAPE, UNDECLARED);
