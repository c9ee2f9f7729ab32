//! The sections of an evidence bundle, one module per section.
//!
//! Conventions: identifiers are strings chosen by the utility and unique within
//! their list; references name those identifiers. A field that may be unknown
//! is an `Option`: `None` means "not recorded", which rules report as
//! insufficient evidence rather than guessing. Lists default to empty.

mod accounts;
mod area_access;
mod backups;
mod contracts;
mod events;
mod governance;
mod inventory;
mod networks;
mod people;
mod sites;
mod training;

pub use accounts::*;
pub use area_access::*;
pub use backups::*;
pub use contracts::*;
pub use events::*;
pub use governance::*;
pub use inventory::*;
pub use networks::*;
pub use people::*;
pub use sites::*;
pub use training::*;
