//! Backup job reports exported as CSV: one row per run of a job.

use mizuchi_evidence::{BackupDestination, BackupMedium, BackupRun, Backups, RunStatus};

use super::RowProblem;
use super::door_csv::time;
use super::table::{Column, Table, choose};

pub(crate) const COLUMNS: &[Column] = &[
    ("system", &["システム", "対象システム"]),
    ("job", &["job name", "ジョブ", "ジョブ名"]),
    (
        "finished_at",
        &["finished", "end time", "終了日時", "完了日時"],
    ),
    ("status", &["result", "結果", "状態"]),
    ("site", &["destination site", "保管拠点", "保管先拠点"]),
    ("region", &["destination region", "保管地域", "リージョン"]),
    ("medium", &["media", "媒体", "保管媒体"]),
];

const STATUS: &[(&[&str], RunStatus)] = &[
    (
        &["success", "succeeded", "ok", "成功", "正常終了", "正常"],
        RunStatus::Success,
    ),
    (
        &["partial", "warning", "警告", "一部成功"],
        RunStatus::Partial,
    ),
    (
        &[
            "failed",
            "failure",
            "error",
            "ng",
            "失敗",
            "異常終了",
            "エラー",
        ],
        RunStatus::Failed,
    ),
];

const MEDIUM: &[(&[&str], BackupMedium)] = &[
    (&["disk", "ディスク", "nas", "hdd"], BackupMedium::Disk),
    (&["tape", "テープ", "lto"], BackupMedium::Tape),
    (
        &["optical", "光ディスク", "dvd", "bd"],
        BackupMedium::Optical,
    ),
    (&["cloud", "クラウド"], BackupMedium::Cloud),
    (
        &["offline", "オフライン", "外付けhdd"],
        BackupMedium::Offline,
    ),
];

/// Reads backup runs.
pub(crate) fn read(
    text: &str,
    offset: jiff::tz::Offset,
    problems: &mut Vec<RowProblem>,
) -> Result<Vec<BackupRun>, String> {
    let table = Table::read(
        text,
        COLUMNS,
        &["system", "finished_at", "status", "medium"],
    )?;
    let mut out = Vec::new();
    for (line, row) in &table.rows {
        let before = problems.len();
        let finished_at = table.parse(*line, row, "finished_at", problems, |v| time(v, offset));
        let status = table.parse(*line, row, "status", problems, |v| {
            choose(v, "job result", STATUS)
        });
        let medium = table.parse(*line, row, "medium", problems, |v| {
            choose(v, "backup medium", MEDIUM)
        });
        let Some(system) = table.get(row, "system") else {
            problems.push(RowProblem::new(
                *line,
                Some(table.header("system")),
                "no system".into(),
            ));
            continue;
        };
        let (Some(finished_at), Some(status), Some(medium)) = (finished_at, status, medium) else {
            continue;
        };
        if problems.len() > before {
            continue;
        }
        out.push(BackupRun {
            system,
            job: table.get(row, "job"),
            finished_at,
            status,
            destination: BackupDestination {
                site: table.get(row, "site"),
                region: table.get(row, "region"),
                medium,
            },
        });
    }
    Ok(out)
}

/// Adds runs not already recorded (same system, job and finish time).
pub(crate) fn merge(backups: &mut Backups, runs: Vec<BackupRun>) -> usize {
    let mut added = 0;
    for r in runs {
        let dup = backups
            .runs
            .iter()
            .any(|x| x.system == r.system && x.job == r.job && x.finished_at == r.finished_at);
        if !dup {
            backups.runs.push(r);
            added += 1;
        }
    }
    added
}
