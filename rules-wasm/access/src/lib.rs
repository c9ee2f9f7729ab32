//! The access-control module of the official MLIT water rule pack (guideline
//! 5.2.1, 5.2.2, 5.4.2, 5.4.6).
//!
//! | rule | requirement |
//! | --- | --- |
//! | MLIT-ACC-01 | failed logons are recorded, notified and locked out |
//! | MLIT-ACC-02 | departed and transferred staff lose their access |
//! | MLIT-ACC-03 | internet-facing assets expose no exploitable services |
//! | MLIT-ACC-04 | no unnecessary administrator accounts |
//! | MLIT-ACC-05 | remote access is controlled |

pub mod acc01;
pub mod acc02;
pub mod acc03;
pub mod acc04;
pub mod acc05;

mizuchi_sdk::export_rules!(
    acc01::RULE,
    acc02::RULE,
    acc03::RULE,
    acc04::RULE,
    acc05::RULE
);
