//! The ordinance module of the official MLIT water rule pack: the four
//! requirements that the ordinance on the technical standards of water
//! facilities places on computers that run water facilities (コラム2 of the
//! guideline, notice 国水水第399号 of 2025-02-28).
//!
//! | rule | requirement |
//! | --- | --- |
//! | MLIT-ORD-01 | subject authentication |
//! | MLIT-ORD-02 | anti-malware, or the alternative measure |
//! | MLIT-ORD-03 | no end-of-support OS, or the alternative measure |
//! | MLIT-ORD-04 | physical isolation and entry control |

pub mod alternative;
pub mod lifecycle;
pub mod ord01;
pub mod ord02;
pub mod ord03;
pub mod ord04;

mizuchi_sdk::export_rules!(ord01::RULE, ord02::RULE, ord03::RULE, ord04::RULE);
