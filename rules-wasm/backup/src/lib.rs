//! The backup module of the official MLIT water rule pack (guideline 4.5,
//! 5.4.5).
//!
//! | rule | requirement |
//! | --- | --- |
//! | MLIT-BAK-01 | systems needed for operations are backed up at least yearly |
//! | MLIT-BAK-02 | backups will not fail together with the source |
//! | MLIT-BAK-03 | recovery is tested |
//!
//! All three judge the systems the inventory marks as needed for operations;
//! a system that does not record whether it is needed is insufficient
//! evidence. A run or test dated after the assessment date does not exist
//! yet. "More than N days" fails; N days passes.

use std::collections::HashMap;

use mizuchi_sdk::prelude::*;
use mlit_common::hosts::local_date;
use mlit_common::{days_between, missing_section};

const NEEDS: &[Need] = &[
    Need::v2(SectionKind::Inventory),
    Need::v2(SectionKind::Backups),
    Need::v2(SectionKind::Sites),
];

pub const BAK_01: Rule = Rule {
    id: "MLIT-BAK-01",
    version: "2.0.0",
    title: StaticText {
        ja: "業務に必要なシステムの定期的なバックアップ",
        en: "Systems needed for operations are backed up at least yearly",
    },
    section: "4.5, 5.4.5",
    force: Force::Recommended,
    needs: NEEDS,
    params: &[ParamSpec {
        key: "backup_max_age_days",
        default: ParamDefault::Integer(365),
        description: StaticText {
            ja: "最新の成功したバックアップの経過日数の上限",
            en: "Most days since the last successful backup",
        },
    }],
    eval: bak_01,
};

pub const BAK_02: Rule = Rule {
    id: "MLIT-BAK-02",
    version: "2.0.0",
    title: StaticText {
        ja: "バックアップを被災時に同時に失われない場所に保管",
        en: "Backups will not fail together with the source",
    },
    section: "4.5, 5.3.2",
    force: Force::Recommended,
    needs: NEEDS,
    params: &[
        ParamSpec {
            key: "require_different_region",
            default: ParamDefault::Boolean(false),
            description: StaticText {
                ja: "別の地域（同時被災しない地域）への保管を求める",
                en: "Require the copy in another region, not only another site",
            },
        },
        ParamSpec {
            key: "backup_max_age_days",
            default: ParamDefault::Integer(365),
            description: StaticText {
                ja: "数える複製の経過日数の上限 (MLIT-BAK-01 と同じ値にします)",
                en: "Most days since a copy that counts (set it as for MLIT-BAK-01)",
            },
        },
    ],
    eval: bak_02,
};

pub const BAK_03: Rule = Rule {
    id: "MLIT-BAK-03",
    version: "2.0.0",
    title: StaticText {
        ja: "復旧手順の確認（リストア試験）",
        en: "Recovery is tested",
    },
    section: "4.5.3",
    force: Force::Recommended,
    needs: NEEDS,
    params: &[ParamSpec {
        key: "restore_test_max_age_days",
        default: ParamDefault::Integer(365),
        description: StaticText {
            ja: "最新の成功したリストア試験の経過日数の上限",
            en: "Most days since the last successful restore test",
        },
    }],
    eval: bak_03,
};

/// What every backup rule starts from.
struct Input {
    inventory: Inventory,
    backups: Backups,
    sites: Sites,
}

fn input(ctx: &mut Ctx<'_>) -> Result<Result<Input, Vec<Finding>>, RuleError> {
    let Some(inventory) = ctx.document::<Inventory>()? else {
        return Ok(Err(vec![missing_section(SectionKind::Inventory)]));
    };
    let Some(backups) = ctx.document::<Backups>()? else {
        return Ok(Err(vec![missing_section(SectionKind::Backups)]));
    };
    let sites = ctx.document::<Sites>()?.unwrap_or_default();
    if !inventory
        .systems
        .iter()
        .any(|s| s.needed_for_operations != Some(false))
    {
        return Ok(Err(vec![Finding::not_applicable(
            Subject::organisation(),
            text!(ja: "業務に必要とされるシステムが資産台帳にありません。", en: "the inventory marks no system as needed for operations"),
        )
        .because(SectionKind::Inventory, "systems")]));
    }
    Ok(Ok(Input {
        inventory,
        backups,
        sites,
    }))
}

impl Input {
    /// The systems to judge, and one finding per system that does not record
    /// whether it is needed.
    fn systems(&self) -> (Vec<&System>, Vec<Finding>) {
        let needed = self
            .inventory
            .systems
            .iter()
            .filter(|s| s.needed_for_operations == Some(true))
            .collect();
        let unknown = self
            .inventory
            .systems
            .iter()
            .filter(|s| s.needed_for_operations.is_none())
            .map(|s| {
                let id = &s.id;
                Finding::insufficient(
                    Subject::system(id),
                    text!(ja: "{id} が業務継続に必要なシステムかどうかが記録されていません。"; en: "{id}: whether the system is needed for operations is not recorded"),
                )
                .because(SectionKind::Inventory, system_ref(id))
            })
            .collect();
        (needed, unknown)
    }

    /// The runs dated after `as_of` (which do not exist for the rules),
    /// noted for the findings of their systems.
    fn future_runs(&self, as_of: Date) -> mlit_common::Future {
        let mut future = mlit_common::Future::new(as_of);
        for r in &self.backups.runs {
            let day = local_date(r.finished_at.as_second());
            future.admit_for(Some(&r.system), day, || {
                format!("backup run {}", r.job.as_deref().unwrap_or(&r.system))
            });
        }
        future
    }

    /// The restore tests dated after `as_of`, noted likewise.
    fn future_tests(&self, as_of: Date) -> mlit_common::Future {
        let mut future = mlit_common::Future::new(as_of);
        for t in &self.backups.restore_tests {
            future.admit_for(Some(&t.system), t.tested_on, || {
                format!("restore test of {}", t.system)
            });
        }
        future
    }

    /// Successful runs of `system` that existed on `as_of`, with their index.
    fn runs<'a>(
        &'a self,
        system: &'a str,
        as_of: Date,
    ) -> impl Iterator<Item = (usize, &'a BackupRun)> {
        self.backups.runs.iter().enumerate().filter(move |(_, r)| {
            r.system == system
                && r.status == RunStatus::Success
                && local_date(r.finished_at.as_second()) <= as_of
        })
    }
}

fn system_ref(id: &str) -> String {
    format!("systems[id={id}]")
}

fn bak_01(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let max = ctx.int("backup_max_age_days")?;
    let as_of = ctx.as_of();
    let i = match input(ctx)? {
        Ok(i) => i,
        Err(f) => return Ok(f),
    };
    let (systems, mut out) = i.systems();
    let mut findings: Vec<Finding> = systems
        .into_iter()
        .map(|s| {
            let id = &s.id;
            let last = i.runs(id, as_of).max_by_key(|(_, r)| r.finished_at);
            let f = match last {
                None => Finding::fail(Subject::system(id), text!(ja: "{id} の成功したバックアップの記録がありません。", en: "{id} has no successful backup on record")),
                Some((n, r)) => {
                    let day = local_date(r.finished_at.as_second());
                    let age = days_between(day, as_of);
                    let f = if age <= max {
                        Finding::pass(Subject::system(id), text!(ja: "{id} の最新の成功したバックアップは{day}（{age}日前）です。", en: "{id} was last backed up successfully on {day}, {age} days ago"))
                    } else {
                        Finding::fail(Subject::system(id), text!(ja: "{id} の最新の成功したバックアップは{day}で、{age}日経過しています（上限{max}日）。", en: "{id} was last backed up successfully on {day}, {age} days ago (limit {max})"))
                    };
                    f.because(SectionKind::Backups, format!("runs[{n}]"))
                }
            };
            f.because(SectionKind::Inventory, system_ref(id))
        })
        .collect();
    findings.append(&mut out);
    Ok(i.future_runs(as_of).annotate_all(findings))
}

fn bak_02(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let need_region = ctx.flag("require_different_region")?;
    let max = ctx.int("backup_max_age_days")?;
    let as_of = ctx.as_of();
    let i = match input(ctx)? {
        Ok(i) => i,
        Err(f) => return Ok(f),
    };
    let region: HashMap<&str, Option<&str>> = i
        .sites
        .sites
        .iter()
        .map(|s| (s.id.as_str(), s.region.as_deref()))
        .collect();
    let (systems, mut out) = i.systems();
    let mut findings: Vec<Finding> = systems
        .into_iter()
        .map(|s| {
            let id = &s.id;
            let subject = Subject::system(id);
            let Some(home) = s.site.as_deref() else {
                return Finding::insufficient(subject, text!(ja: "{id} の主な設置拠点が記録されていないため、保管場所の分離を判定できません。", en: "{id}: the site of the system is not recorded, so the separation of its copies cannot be judged"))
                    .because(SectionKind::Inventory, system_ref(id));
            };
            let home_region = region.get(home).copied().flatten();
            let apart = i.runs(id, as_of).find(|(_, r)| {
                if days_between(local_date(r.finished_at.as_second()), as_of) > max {
                    return false;
                }
                let d = &r.destination;
                let other_site = d.site.as_deref().is_none_or(|site| site != home);
                let dest_region = d.site.as_deref().and_then(|site| region.get(site).copied().flatten()).or(d.region.as_deref());
                other_site && (!need_region || matches!((dest_region, home_region), (Some(a), Some(b)) if a != b))
            });
            let f = match apart {
                Some((n, r)) => {
                    // A site by its id; a cloud copy by its region, said to be one.
                    let place = match (&r.destination.site, &r.destination.region) {
                        (Some(site), _) => text!(ja: "拠点 {site}", en: "site {site}"),
                        (None, Some(region)) => text!(ja: "クラウドの地域 {region}", en: "the cloud region {region}"),
                        (None, None) => text!(ja: "場所の記録のない保管先", en: "a place not recorded"),
                    };
                    Finding::pass(subject, text!(ja: "{id} のバックアップは拠点 {home} とは別の{}に保管されています。", place.ja; en: "{id} keeps a copy at {}, away from its site {home}", place.en))
                        .because(SectionKind::Backups, format!("runs[{n}]"))
                }
                None if need_region => Finding::fail(subject, text!(ja: "{id} の{max}日以内のバックアップは、拠点 {home} と別の地域に保管されていません。", en: "{id} keeps no copy from the last {max} days in a region other than that of its site {home}")),
                None => Finding::fail(subject, text!(ja: "{id} の{max}日以内のバックアップは、拠点 {home} と同じ場所にしかありません（同時に失われます）。", en: "{id} keeps its copies from the last {max} days only at its own site {home}, where they would be lost with it")),
            };
            f.because(SectionKind::Inventory, system_ref(id))
        })
        .collect();
    findings.append(&mut out);
    Ok(i.future_runs(as_of).annotate_all(findings))
}

fn bak_03(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let max = ctx.int("restore_test_max_age_days")?;
    let as_of = ctx.as_of();
    let i = match input(ctx)? {
        Ok(i) => i,
        Err(f) => return Ok(f),
    };
    let (systems, mut out) = i.systems();
    let mut findings: Vec<Finding> = systems
        .into_iter()
        .map(|s| {
            let id = &s.id;
            let last = i
                .backups
                .restore_tests
                .iter()
                .enumerate()
                .filter(|(_, t)| t.system == *id && t.succeeded && t.tested_on <= as_of)
                .max_by_key(|(_, t)| t.tested_on);
            let f = match last {
                None => Finding::fail(Subject::system(id), text!(ja: "{id} の成功したリストア試験の記録がありません。", en: "{id} has no successful restore test on record")),
                Some((n, t)) => {
                    let age = days_between(t.tested_on, as_of);
                    let day = t.tested_on;
                    let f = if age <= max {
                        Finding::pass(Subject::system(id), text!(ja: "{id} は{day}にリストア試験に成功しています（{age}日前）。", en: "{id} was restored successfully in a test on {day}, {age} days ago"))
                    } else {
                        Finding::fail(Subject::system(id), text!(ja: "{id} の最新の成功したリストア試験は{day}で、{age}日経過しています（上限{max}日）。", en: "{id} was last restored successfully in a test on {day}, {age} days ago (limit {max})"))
                    };
                    f.because(SectionKind::Backups, format!("restore_tests[{n}]"))
                }
            };
            f.because(SectionKind::Inventory, system_ref(id))
        })
        .collect();
    findings.append(&mut out);
    Ok(i.future_tests(as_of).annotate_all(findings))
}

mizuchi_sdk::export_rules!(BAK_01, BAK_02, BAK_03);

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use mizuchi_sdk::testing::{Evidence, evaluate};
    use mlit_common::build;

    fn sites() -> Sites {
        let site = |id: &str, region: &str| Site {
            id: id.into(),
            name: id.into(),
            kind: SiteKind::Other,
            region: Some(region.into()),
        };
        Sites {
            sites: vec![
                site("plant", "basin"),
                site("hq", "basin"),
                site("dc", "osaka"),
            ],
            areas: vec![],
        }
    }

    fn inventory() -> Inventory {
        let mut s = build::system("SCADA", true);
        s.site = Some("plant".into());
        Inventory {
            systems: vec![s, build::system("OFFICE", false)],
            ..Default::default()
        }
    }

    fn run_at(site: Option<&str>, finished: &str, status: RunStatus) -> BackupRun {
        BackupRun {
            system: "SCADA".into(),
            job: None,
            finished_at: finished.parse().unwrap(),
            status,
            destination: BackupDestination {
                site: site.map(Into::into),
                region: None,
                medium: BackupMedium::Disk,
            },
        }
    }

    fn eval(rule: &Rule, b: Backups, params: &[(&str, ParamValue)]) -> Vec<Finding> {
        let ev = Evidence::new().with(&inventory()).with(&b).with(&sites());
        evaluate(rule, &ev, date(2026, 11, 27), params).unwrap()
    }

    #[test]
    fn a_backup_exactly_365_days_old_passes_and_366_fails() {
        // 2025-11-26T15:00Z is 2025-11-27 in Japan: 365 days before the assessment date.
        let b = Backups {
            runs: vec![run_at(
                Some("dc"),
                "2025-11-26T15:00:00Z",
                RunStatus::Success,
            )],
            restore_tests: vec![],
        };
        assert_eq!(eval(&BAK_01, b.clone(), &[])[0].status, Status::Pass);
        assert_eq!(
            eval(
                &BAK_01,
                b.clone(),
                &[("backup_max_age_days", ParamValue::Integer(364))]
            )[0]
            .status,
            Status::Fail
        );
        let b = Backups {
            runs: vec![run_at(
                Some("dc"),
                "2025-11-25T15:00:00Z",
                RunStatus::Success,
            )],
            restore_tests: vec![],
        };
        let f = eval(&BAK_01, b, &[]);
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].message.en.contains("366 days ago (limit 365)"));
    }

    #[test]
    fn failed_runs_do_not_count() {
        let b = Backups {
            runs: vec![run_at(
                Some("dc"),
                "2026-11-20T00:00:00Z",
                RunStatus::Failed,
            )],
            restore_tests: vec![],
        };
        assert_eq!(eval(&BAK_01, b, &[])[0].status, Status::Fail);
    }

    #[test]
    fn a_copy_at_the_same_site_fails_and_elsewhere_passes() {
        let same = Backups {
            runs: vec![run_at(
                Some("plant"),
                "2026-11-20T00:00:00Z",
                RunStatus::Success,
            )],
            restore_tests: vec![],
        };
        assert_eq!(eval(&BAK_02, same, &[])[0].status, Status::Fail);
        let hq = Backups {
            runs: vec![run_at(
                Some("hq"),
                "2026-11-20T00:00:00Z",
                RunStatus::Success,
            )],
            restore_tests: vec![],
        };
        assert_eq!(eval(&BAK_02, hq.clone(), &[])[0].status, Status::Pass);
        // The head office is in the same region as the plant.
        let region = [("require_different_region", ParamValue::Boolean(true))];
        assert_eq!(eval(&BAK_02, hq, &region)[0].status, Status::Fail);
        let dc = Backups {
            runs: vec![run_at(
                Some("dc"),
                "2026-11-20T00:00:00Z",
                RunStatus::Success,
            )],
            restore_tests: vec![],
        };
        assert_eq!(eval(&BAK_02, dc, &region)[0].status, Status::Pass);
        // A cloud copy is named by its region, as a region.
        let mut cloud = run_at(None, "2026-11-20T00:00:00Z", RunStatus::Success);
        cloud.destination.region = Some("ap-northeast-3".into());
        let f = eval(
            &BAK_02,
            Backups {
                runs: vec![cloud],
                restore_tests: vec![],
            },
            &[],
        );
        assert_eq!(f[0].status, Status::Pass);
        assert!(
            f[0].message
                .en
                .contains("keeps a copy at the cloud region ap-northeast-3"),
            "{}",
            f[0].message.en
        );
        assert!(
            f[0].message
                .ja
                .contains("別のクラウドの地域 ap-northeast-3に保管"),
            "{}",
            f[0].message.ja
        );
    }

    #[test]
    fn an_unknown_home_site_is_insufficient_evidence() {
        let mut inv = inventory();
        inv.systems[0].site = None;
        let ev = Evidence::new()
            .with(&inv)
            .with(&Backups::default())
            .with(&sites());
        assert_eq!(
            evaluate(&BAK_02, &ev, date(2026, 11, 27), &[]).unwrap()[0].status,
            Status::InsufficientEvidence
        );
    }

    #[test]
    fn restore_tests_within_a_year_pass() {
        let t = |d| RestoreTest {
            system: "SCADA".into(),
            tested_on: d,
            succeeded: true,
            notes: None,
        };
        let b = Backups {
            runs: vec![],
            restore_tests: vec![t(date(2025, 11, 27))],
        };
        assert_eq!(eval(&BAK_03, b, &[])[0].status, Status::Pass);
        let b = Backups {
            runs: vec![],
            restore_tests: vec![t(date(2025, 11, 26))],
        };
        assert_eq!(eval(&BAK_03, b, &[])[0].status, Status::Fail);
        assert_eq!(
            eval(&BAK_03, Backups::default(), &[])[0].status,
            Status::Fail
        );
    }

    #[test]
    fn missing_backups_are_insufficient_and_no_needed_system_is_not_applicable() {
        let ev = Evidence::new().with(&inventory());
        assert_eq!(
            evaluate(&BAK_01, &ev, date(2026, 11, 27), &[]).unwrap()[0].status,
            Status::InsufficientEvidence
        );
        let mut inv = inventory();
        inv.systems
            .iter_mut()
            .for_each(|s| s.needed_for_operations = Some(false));
        let ev = Evidence::new().with(&inv).with(&Backups::default());
        assert_eq!(
            evaluate(&BAK_01, &ev, date(2026, 11, 27), &[]).unwrap()[0].status,
            Status::NotApplicable
        );
    }

    #[test]
    fn bak_02_counts_only_copies_within_the_backup_age_and_existing_on_the_as_of() {
        // A copy at the data centre from 2025-11-01: older than 365 days.
        let old = Backups {
            runs: vec![run_at(
                Some("dc"),
                "2025-10-31T15:00:00Z",
                RunStatus::Success,
            )],
            restore_tests: vec![],
        };
        let f = eval(&BAK_02, old.clone(), &[]);
        assert_eq!(f[0].status, Status::Fail);
        assert!(
            f[0].message.en.contains("from the last 365 days"),
            "{}",
            f[0].message.en
        );
        assert_eq!(
            eval(
                &BAK_02,
                old,
                &[("backup_max_age_days", ParamValue::Integer(400))]
            )[0]
            .status,
            Status::Pass
        );
        // A run dated after the assessment date does not exist yet.
        let future = Backups {
            runs: vec![run_at(
                Some("dc"),
                "2026-12-01T00:00:00Z",
                RunStatus::Success,
            )],
            restore_tests: vec![],
        };
        for rule in [&BAK_01, &BAK_02] {
            let f = eval(rule, future.clone(), &[]);
            assert_eq!(f[0].status, Status::Fail);
            // …and the finding says it was ignored.
            assert!(
                f[0].message.en.contains("(ignored, as dated after the assessment date 2026-11-27: backup run SCADA (2026-12-01))"),
                "{}",
                f[0].message.en
            );
        }
        let test_later = Backups {
            runs: vec![],
            restore_tests: vec![RestoreTest {
                system: "SCADA".into(),
                tested_on: date(2026, 12, 2),
                succeeded: true,
                notes: None,
            }],
        };
        let f = eval(&BAK_03, test_later, &[]);
        assert_eq!(f[0].status, Status::Fail);
        assert!(
            f[0].message
                .en
                .contains("restore test of SCADA (2026-12-02)"),
            "{}",
            f[0].message.en
        );
    }

    #[test]
    fn a_system_that_does_not_say_whether_it_is_needed_is_insufficient() {
        let mut inv = inventory();
        inv.systems[1].needed_for_operations = None;
        let ev = Evidence::new()
            .with(&inv)
            .with(&Backups::default())
            .with(&sites());
        let f = evaluate(&BAK_03, &ev, date(2026, 11, 27), &[]).unwrap();
        let by: Vec<(&str, Status)> = f
            .iter()
            .map(|f| (f.subject.id.as_str(), f.status))
            .collect();
        assert_eq!(
            by,
            [
                ("SCADA", Status::Fail),
                ("OFFICE", Status::InsufficientEvidence)
            ]
        );
    }
}
