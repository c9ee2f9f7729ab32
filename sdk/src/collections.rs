//! Maps and tables for the inner loops of log rules.
//!
//! The standard `HashMap` hashes with SipHash, seeded at random: robust
//! against adversarial keys, but slow for the small integer keys a rule
//! counts events by ([`Symbol`]s, pairs of them, day numbers), tens of
//! millions of times. [`FastMap`] and [`FastSet`] use the Fx hash: a few
//! instructions per key, and the same on every run.
//!
//! Most of what a log rule decides about an event depends on a string of it
//! (which system, which account, which area) and is the same every time the
//! string comes back. [`PerSymbol`] decides it once per symbol and then costs
//! an array index per event.

use crate::evidence::stream::Symbol;

pub use rustc_hash::{FxHashMap as FastMap, FxHashSet as FastSet};

/// A value decided once per [`Symbol`], in a table indexed by the symbol's
/// number. Symbols are numbered densely from 0 in order of first appearance,
/// so the table grows with the distinct strings of a log, not its events.
///
/// ```
/// use mizuchi_sdk::collections::PerSymbol;
/// use mizuchi_sdk::evidence::stream::Symbols;
///
/// let mut symbols = Symbols::new();
/// let (a, b) = (symbols.intern("op1"), symbols.intern("op2"));
/// let mut failures: PerSymbol<u32> = PerSymbol::new();
/// for account in [a, b, a] {
///     *failures.get_or_insert_with(account, || 0) += 1;
/// }
/// assert_eq!(failures.get(a), Some(&2));
/// assert_eq!(failures.iter().count(), 2);
/// ```
///
/// In a rule: the example at [`Ctx`](crate::Ctx).
#[derive(Debug, Clone)]
pub struct PerSymbol<T> {
    slots: Vec<Option<T>>,
}

impl<T> Default for PerSymbol<T> {
    fn default() -> Self {
        PerSymbol { slots: Vec::new() }
    }
}

impl<T> PerSymbol<T> {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value for `symbol`, deciding it with `decide` the first time.
    pub fn get_or_insert_with(&mut self, symbol: Symbol, decide: impl FnOnce() -> T) -> &mut T {
        let i = symbol.0 as usize;
        if i >= self.slots.len() {
            self.slots.resize_with(i + 1, || None);
        }
        self.slots[i].get_or_insert_with(decide)
    }

    /// The value decided for `symbol`, if any.
    pub fn get(&self, symbol: Symbol) -> Option<&T> {
        self.slots.get(symbol.0 as usize).and_then(Option::as_ref)
    }

    /// The symbols with a value, in symbol order.
    pub fn iter(&self) -> impl Iterator<Item = (Symbol, &T)> {
        (0u32..)
            .zip(&self.slots)
            .filter_map(|(i, v)| v.as_ref().map(|v| (Symbol(i), v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_decided_once_per_symbol() {
        let mut calls = 0;
        let mut t = PerSymbol::new();
        for s in [3, 0, 3, 3, 0] {
            let v = t.get_or_insert_with(Symbol(s), || {
                calls += 1;
                0
            });
            *v += s;
        }
        assert_eq!(calls, 2);
        assert_eq!(
            (t.get(Symbol(3)), t.get(Symbol(1)), t.get(Symbol(9))),
            (Some(&9), None, None)
        );
        assert_eq!(
            t.iter().collect::<Vec<_>>(),
            [(Symbol(0), &0), (Symbol(3), &9)]
        );
    }
}
