//! Which Rust type holds which document section.

use serde::de::DeserializeOwned;

use crate::{
    Accounts, AreaAccess, Backups, Contracts, Governance, Inventory, Networks, People, SectionKind,
    Sites, Training,
};

/// A section held as one JSON document, and the type it parses into.
pub trait Document: DeserializeOwned {
    /// The section this type holds.
    const KIND: SectionKind;
}

macro_rules! documents {
    ($($ty:ty => $kind:ident),* $(,)?) => {
        $(impl Document for $ty {
            const KIND: SectionKind = SectionKind::$kind;
        })*
    };
}

documents! {
    Inventory => Inventory,
    Networks => Networks,
    Sites => Sites,
    People => People,
    Accounts => Accounts,
    AreaAccess => AreaAccess,
    Contracts => Contracts,
    Backups => Backups,
    Training => Training,
    Governance => Governance,
}
