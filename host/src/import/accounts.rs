//! Accounts from a directory's own export: Active Directory users
//! (`Get-ADUser -Filter * -Properties * | Export-Csv`) and Linux accounts
//! (`/etc/passwd`, with `lastlog` output and optionally `/etc/shadow` and
//! `/etc/group`).
//!
//! An import replaces the accounts of its system (the domain or host given)
//! and keeps every other. What an export does not say stays unrecorded: an
//! AD account's kind (person or service) is not in the directory, so only
//! built-in accounts get one; who holds an account comes from `EmployeeID`
//! when it is filled.

use std::collections::BTreeMap;
use std::path::Path;

use mizuchi_evidence::{Account, AccountKind, Accounts, Date, SectionKind, Source, Text};

use super::text::{header_key, norm};
use super::{
    IgnoredColumn, ImportError, ImportKind, ImportOptions, ImportReport, RowProblem, file_name,
};
use crate::bundle::BundleWriter;

/// Built-in Windows account names.
const WINDOWS_BUILT_IN: &[&str] = &[
    "administrator",
    "guest",
    "krbtgt",
    "defaultaccount",
    "wdagutilityaccount",
];

/// Groups whose members hold administrator rights.
const ADMIN_GROUPS: &[&str] = &[
    "domain admins",
    "enterprise admins",
    "schema admins",
    "administrators",
    "account operators",
    "backup operators",
    "server operators",
];

/// The first day the UID of a person's account may take (`UID_MIN` of
/// `login.defs` on Debian, Red Hat and SUSE).
const UID_MIN: u32 = 1000;

/// A date as `Get-ADUser` exports it (`11/20/2026 9:01:03 AM`,
/// `2026/11/20 9:01:03`) or `lastlog` writes it (`Mon Nov 20 09:01:03 +0900
/// 2026`), as a calendar date.
fn loose_date(raw: &str) -> Option<Date> {
    let s = norm(raw);
    if s.is_empty() {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let words: Vec<&str> = s.split_whitespace().collect();
    if let Some(m) = words
        .iter()
        .find_map(|w| MONTHS.iter().position(|m| m == w))
    {
        // lastlog: Mon Nov 20 09:01:03 +0900 2026
        let day: i8 = words
            .iter()
            .find(|w| w.len() <= 2 && w.parse::<i8>().is_ok())?
            .parse()
            .ok()?;
        let year: i16 = words
            .iter()
            .rev()
            .find(|w| w.len() == 4 && w.parse::<i16>().is_ok())?
            .parse()
            .ok()?;
        return Date::new(year, m as i8 + 1, day).ok();
    }
    let first = words.first()?;
    let n: Vec<i64> = first
        .split(['/', '-', '.'])
        .filter_map(|p| p.parse().ok())
        .collect();
    let (y, m, d) = match n[..] {
        [a, b, c] if a > 31 => (a, b, c),
        [a, b, c] => (c, a, b),
        _ => return None,
    };
    Date::new(y as i16, m as i8, d as i8).ok()
}

fn yes_no(raw: &str) -> Option<bool> {
    match norm(raw).to_lowercase().as_str() {
        "true" | "yes" | "1" => Some(true),
        "false" | "no" | "0" => Some(false),
        _ => None,
    }
}

/// What an import of accounts read.
struct Read {
    accounts: Vec<Account>,
    ignored: Vec<IgnoredColumn>,
    assumed: Vec<Text>,
}

/// Active Directory users exported as CSV.
fn read_ad(
    text: &str,
    label: &str,
    system: &str,
    problems: &mut Vec<RowProblem>,
) -> Result<Read, Text> {
    // Windows PowerShell 5 writes a `#TYPE …` line before the header.
    let body = match text.trim_start_matches('\u{feff}').split_once('\n') {
        Some((first, rest)) if first.starts_with("#TYPE") => rest,
        _ => text.trim_start_matches('\u{feff}'),
    };
    let line_offset = u64::from(body.len() != text.trim_start_matches('\u{feff}').len());
    let (mut reader, headers) = super::text::csv_with_headers(body)?;
    const USED: &[&str] = &[
        "SamAccountName",
        "Enabled",
        "LastLogonDate",
        "whenCreated",
        "EmployeeID",
        "EmployeeNumber",
        "AdminCount",
        "MemberOf",
        "SmartcardLogonRequired",
        "Description",
    ];
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| header_key(h) == header_key(name))
    };
    let Some(sam) = col("SamAccountName") else {
        return Err(Text::new(
            "SamAccountName の列がありません。Get-ADUser -Filter * -Properties * | Export-Csv で書き出してください",
            "there is no SamAccountName column; export with Get-ADUser -Filter * -Properties * | Export-Csv",
        ));
    };
    let mut ignored: Vec<IgnoredColumn> = headers
        .iter()
        .filter(|h| !USED.iter().any(|u| header_key(u) == header_key(h)))
        .map(|h| IgnoredColumn {
            sheet: None,
            header: h.clone(),
            cells: 0,
        })
        .collect();
    let mut accounts = Vec::new();
    let mut collection_member_of = false;
    for rec in reader.records() {
        let rec = rec.map_err(|e| {
            Text::new(
                format!("CSV を読めません: {e}"),
                format!("cannot read the CSV: {e}"),
            )
        })?;
        let line = rec.position().map_or(0, |p| p.line()) + line_offset;
        for ig in &mut ignored {
            if let Some(i) = headers.iter().position(|h| *h == ig.header)
                && rec.get(i).is_some_and(|c| !norm(c).is_empty())
            {
                ig.cells += 1;
            }
        }
        let get = |name: &str| {
            col(name)
                .and_then(|i| rec.get(i))
                .map(|c| norm(c).into_owned())
                .filter(|s| !s.is_empty())
        };
        let Some(name) = rec
            .get(sam)
            .map(|c| norm(c).into_owned())
            .filter(|s| !s.is_empty())
        else {
            problems.push(RowProblem {
                input: label.to_owned(),
                line,
                column: Some("SamAccountName".into()),
                message: Text::new("アカウント名が空です", "the account name is empty"),
            });
            continue;
        };
        let member_of = get("MemberOf");
        let groups_known = member_of
            .as_deref()
            .is_some_and(|m| !m.contains("ADPropertyValueCollection"));
        collection_member_of |= member_of
            .as_deref()
            .is_some_and(|m| m.contains("ADPropertyValueCollection"));
        let in_admin_group = member_of.as_deref().filter(|_| groups_known).map(|m| {
            m.split(['\n', ';'])
                .filter_map(|dn| dn.split(',').next())
                .filter_map(|cn| cn.split_once('=').map(|(_, v)| v.trim().to_lowercase()))
                .any(|g| ADMIN_GROUPS.contains(&g.as_str()))
        });
        let admin_count = get("AdminCount").and_then(|v| v.parse::<u32>().ok());
        let privileged = match (admin_count, in_admin_group) {
            (Some(1), _) | (_, Some(true)) => Some(true),
            (_, Some(false)) => Some(false),
            (Some(_), None) => Some(false),
            (None, None) => None,
        };
        accounts.push(Account {
            id: format!("{system}/{name}"),
            system: system.to_owned(),
            kind: WINDOWS_BUILT_IN
                .contains(&name.to_lowercase().as_str())
                .then_some(AccountKind::BuiltIn),
            person: get("EmployeeID").or_else(|| get("EmployeeNumber")),
            privileged,
            enabled: get("Enabled").and_then(|v| yes_no(&v)),
            mfa: get("SmartcardLogonRequired").and_then(|v| yes_no(&v)),
            // What the administrators wrote about the account: its purpose
            // for a service or built-in account.
            purpose: get("Description"),
            created_on: get("whenCreated").and_then(|v| loose_date(&v)),
            disabled_on: None,
            last_used_on: get("LastLogonDate").and_then(|v| loose_date(&v)),
            name,
        });
    }
    let mut assumed = vec![Text::new(
        "AD には個人用かサービス用かの区別がないため、組込みアカウント以外の種別は記録なしとしました",
        "the directory does not say whether an account is a person's or a service's: kinds other than built-in are left unrecorded",
    )];
    if collection_member_of {
        assumed.push(Text::new(
            "MemberOf 列がコレクション名として書き出されているため、管理者権限は AdminCount だけで判断しました",
            "MemberOf was exported as a collection's type name, so administrator rights come from AdminCount alone",
        ));
    }
    Ok(Read {
        accounts,
        ignored,
        assumed,
    })
}

/// `/etc/passwd`, with `lastlog`, `/etc/shadow` and `/etc/group` if given.
fn read_passwd(
    passwd: &str,
    label: &str,
    system: &str,
    lastlog: Option<&str>,
    shadow: Option<&str>,
    group: Option<&str>,
    problems: &mut Vec<RowProblem>,
) -> Read {
    let last: BTreeMap<&str, Option<Date>> = lastlog
        .map(|text| {
            text.lines()
                .skip(1)
                .filter_map(|l| {
                    let name = l.split_whitespace().next()?;
                    let date = if l.contains("**Never logged in**") {
                        None
                    } else {
                        loose_date(l)
                    };
                    Some((name, date))
                })
                .collect()
        })
        .unwrap_or_default();
    let locked: BTreeMap<&str, bool> = shadow
        .map(|text| {
            text.lines()
                .filter_map(|l| {
                    let mut f = l.split(':');
                    let name = f.next()?;
                    let hash = f.next()?;
                    Some((name, hash.starts_with('!')))
                })
                .collect()
        })
        .unwrap_or_default();
    let admins: Option<Vec<&str>> = group.map(|text| {
        text.lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split(':').collect();
                (f.len() >= 4 && ["sudo", "wheel", "admin", "root"].contains(&f[0])).then(|| f[3])
            })
            .flat_map(|m| m.split(','))
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .collect()
    });
    let mut accounts = Vec::new();
    for (i, line) in passwd.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split(':').collect();
        let uid = f.get(2).and_then(|u| u.parse::<u32>().ok());
        let (Some(name), Some(uid), Some(shell)) =
            (f.first().filter(|n| !n.is_empty()), uid, f.get(6))
        else {
            problems.push(RowProblem {
                input: label.to_owned(),
                line: i as u64 + 1,
                column: None,
                message: Text::new(
                    "passwd の行ではありません (名前:x:UID:GID:説明:ホーム:シェル)",
                    "not a passwd line (name:x:uid:gid:gecos:home:shell)",
                ),
            });
            continue;
        };
        let no_login = shell.ends_with("nologin") || shell.ends_with("/false");
        let kind = match uid {
            0 => AccountKind::BuiltIn,
            u if u < UID_MIN || u == 65534 => AccountKind::Service,
            _ => AccountKind::Person,
        };
        let enabled = if no_login {
            Some(false)
        } else if shadow.is_some() {
            Some(!locked.get(name).copied().unwrap_or(false))
        } else {
            Some(true)
        };
        let privileged = if uid == 0 {
            Some(true)
        } else {
            admins.as_ref().map(|a| a.contains(name))
        };
        accounts.push(Account {
            id: format!("{system}/{name}"),
            system: system.to_owned(),
            name: (*name).to_owned(),
            kind: Some(kind),
            person: None,
            privileged,
            enabled,
            mfa: None,
            purpose: f
                .get(4)
                .map(|g| norm(g).into_owned())
                .filter(|g| !g.is_empty() && kind != AccountKind::Person),
            created_on: None,
            disabled_on: None,
            last_used_on: last.get(name).copied().flatten(),
        });
    }
    let mut assumed = vec![Text::new(
        format!(
            "UID 0 は組込み、{UID_MIN} 未満はサービス、{UID_MIN} 以上は個人のアカウントとしました (login.defs の UID_MIN)"
        ),
        format!(
            "uid 0 is built in, below {UID_MIN} a service's and from {UID_MIN} a person's account (UID_MIN of login.defs)"
        ),
    )];
    assumed.push(if shadow.is_some() {
        Text::new(
            "ログインシェルがなく、または shadow でパスワードがロック (!) されたアカウントを無効としました",
            "an account without a login shell, or whose password shadow marks locked (!), counts as disabled",
        )
    } else {
        Text::new(
            "shadow がないため、ログインシェルのあるアカウントを有効としました",
            "without the shadow file, an account with a login shell counts as enabled",
        )
    });
    if group.is_none() {
        assumed.push(Text::new(
            "group がないため、root 以外の管理者権限は記録なしとしました",
            "without the group file, administrator rights other than root's are left unrecorded",
        ));
    }
    Read {
        accounts,
        ignored: Vec::new(),
        assumed,
    }
}

/// Imports accounts from `input` (read once into `raw`).
pub(crate) fn import(
    kind: ImportKind,
    input: &Path,
    raw: &[u8],
    digest: &str,
    into: &mut BundleWriter,
    options: &ImportOptions,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let Some(system) = options.system.as_deref() else {
        return Err(ImportError::NoSystem {
            path: input.to_owned(),
        });
    };
    let (text, enc) = super::text_of(input, raw)?;
    report.encoding = Some(enc.name().to_owned());
    let label = file_name(input);
    let mut problems = Vec::new();
    let extra = |p: &Option<std::path::PathBuf>| -> Result<Option<String>, ImportError> {
        p.as_ref()
            .map(|p| {
                let bytes = super::sheet::read_input(p).map_err(|source| ImportError::Read {
                    path: p.clone(),
                    source,
                })?;
                super::text_of(p, &bytes).map(|(t, _)| t)
            })
            .transpose()
    };
    let read = match kind {
        ImportKind::AdUsers => {
            read_ad(&text, &label, system, &mut problems).map_err(|message| {
                ImportError::Format {
                    path: input.to_owned(),
                    message,
                }
            })?
        }
        _ => {
            let (lastlog, shadow, group) = (
                extra(&options.lastlog)?,
                extra(&options.shadow)?,
                extra(&options.group)?,
            );
            read_passwd(
                &text,
                &label,
                system,
                lastlog.as_deref(),
                shadow.as_deref(),
                group.as_deref(),
                &mut problems,
            )
        }
    };
    if !problems.is_empty() && !options.skip_bad_rows {
        return Err(ImportError::Rows {
            path: input.to_owned(),
            problems,
        });
    }
    report.problems = problems;
    report.ignored_columns = read.ignored;
    report.assumed = read.assumed;
    let mut doc: Accounts = into.document()?.unwrap_or_default();
    let table = format!("accounts of {system}");
    if let Some(entry) = into.entry(SectionKind::Accounts)
        && entry.imported_sha256.as_deref() != Some(entry.sha256.as_str())
        && !options.replace
        && doc.accounts.iter().any(|a| a.system == system)
    {
        return Err(ImportError::Edited {
            file: entry.path.clone(),
            tables: vec![table],
        });
    }
    let before = doc.accounts.iter().filter(|a| a.system == system).count();
    doc.accounts.retain(|a| a.system != system);
    let n = read.accounts.len() as u64;
    doc.accounts.extend(read.accounts);
    let mut sources: Vec<Source> = into
        .entry(SectionKind::Accounts)
        .map(|e| e.sources.clone())
        .unwrap_or_default();
    sources.retain(|s| s.tables != [table.clone()]);
    let mut assumed = BTreeMap::new();
    assumed.insert("system".to_owned(), system.to_owned());
    sources.push(Source {
        importer: kind.as_str().to_owned(),
        input: label,
        input_sha256: digest.to_owned(),
        tables: vec![table],
        assumed,
        records: n,
    });
    let json = serde_json::to_value(&doc).map_err(|e| ImportError::Format {
        path: input.to_owned(),
        message: Text::new(e.to_string(), e.to_string()),
    })?;
    let changed = into.put_document_json(SectionKind::Accounts, &json, Some(sources))?;
    report.unchanged = !changed;
    report.records = n;
    if before > 0 {
        report.warnings.push(Text::new(
            format!("{system} のアカウント {before} 件を、今回の {n} 件で置き換えました"),
            format!("the {before} accounts of {system} were replaced by these {n}"),
        ));
    }
    if let Some(e) = into.entry(SectionKind::Accounts) {
        report.files.push(e.path.clone());
    }
    Ok(())
}

/// Reads accounts as an import would, without a bundle (the fuzz target).
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz_parse(kind: ImportKind, text: &str, problems: &mut Vec<RowProblem>) {
    match kind {
        ImportKind::AdUsers => {
            let _ = read_ad(text, "input", "HOST-01", problems);
        }
        _ => {
            let _ = read_passwd(
                text,
                "input",
                "HOST-01",
                Some(text),
                Some(text),
                Some(text),
                problems,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ad_export_keeps_what_it_says_and_reports_what_it_does_not_use() {
        let csv = "#TYPE Microsoft.ActiveDirectory.Management.ADUser\n\
\"SamAccountName\",\"Enabled\",\"LastLogonDate\",\"whenCreated\",\"EmployeeID\",\"AdminCount\",\"MemberOf\",\"Department\"\n\
\"Administrator\",\"True\",\"11/20/2026 9:01:03 AM\",\"4/1/2019 10:00:00 AM\",\"\",\"1\",\"Microsoft.ActiveDirectory.Management.ADPropertyValueCollection\",\"\"\n\
\"op31\",\"True\",\"2026/09/29 17:00:00\",\"2020/04/01 9:00:00\",\"P-0131\",\"\",\"Microsoft.ActiveDirectory.Management.ADPropertyValueCollection\",\"浄水課\"\n";
        let mut problems = Vec::new();
        let r = read_ad(csv, "users.csv", "CITY", &mut problems).unwrap();
        assert!(problems.is_empty());
        let admin = &r.accounts[0];
        assert_eq!(admin.kind, Some(AccountKind::BuiltIn));
        assert_eq!(admin.privileged, Some(true));
        assert_eq!(admin.last_used_on, Some(jiff::civil::date(2026, 11, 20)));
        let op = &r.accounts[1];
        assert_eq!(
            (op.id.as_str(), op.kind, op.person.as_deref()),
            ("CITY/op31", None, Some("P-0131"))
        );
        assert_eq!(
            op.privileged, None,
            "MemberOf unreadable and no AdminCount: not recorded"
        );
        assert_eq!(op.enabled, Some(true));
        assert_eq!(r.ignored[0].header, "Department");
        assert_eq!(r.ignored[0].cells, 1);
        assert_eq!(r.assumed.len(), 2);
    }

    #[test]
    fn a_short_group_line_is_not_read_past_its_end() {
        // Found by `cargo xtask fuzz` (target csv): `sudo:x` has no member
        // field, and the member list was read before its length was checked.
        let passwd = "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n";
        let r = read_passwd(
            passwd,
            "passwd",
            "gw",
            None,
            None,
            Some("sudo:x\nwheel"),
            &mut Vec::new(),
        );
        assert_eq!(r.accounts.len(), 1);
    }

    #[test]
    fn passwd_with_lastlog_shadow_and_group() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\nbob:x:1001:1001:Bob:/home/bob:/bin/bash\n";
        let lastlog = "Username         Port     From             Latest\nroot                                       **Never logged in**\nalice            pts/0    10.0.0.5         Fri Nov 20 09:01:03 +0900 2026\n";
        let shadow = "root:!:19000::::::\nalice:$6$x:19000::::::\nbob:!$6$y:19000::::::\n";
        let group = "sudo:x:27:alice\n";
        let r = read_passwd(
            passwd,
            "passwd",
            "gw",
            Some(lastlog),
            Some(shadow),
            Some(group),
            &mut Vec::new(),
        );
        let by = |n: &str| r.accounts.iter().find(|a| a.name == n).unwrap();
        assert_eq!(
            (by("root").kind, by("root").privileged),
            (Some(AccountKind::BuiltIn), Some(true))
        );
        assert_eq!(
            (by("daemon").kind, by("daemon").enabled),
            (Some(AccountKind::Service), Some(false))
        );
        assert_eq!(
            by("alice").last_used_on,
            Some(jiff::civil::date(2026, 11, 20))
        );
        assert_eq!(
            (by("alice").privileged, by("bob").privileged),
            (Some(true), Some(false))
        );
        assert_eq!(by("bob").enabled, Some(false));
        let bare = read_passwd(passwd, "passwd", "gw", None, None, None, &mut Vec::new());
        assert_eq!(
            bare.accounts
                .iter()
                .find(|a| a.name == "alice")
                .unwrap()
                .privileged,
            None
        );
    }
}
