//! Windows Security events, from `.evtx` files and from Event Viewer's XML and
//! CSV exports, all through one shape ([`WinEvent`]) and one mapping to
//! authentication events.
//!
//! Events kept: 4624 (logon), 4625 (failed logon, with status and sub-status),
//! 4740 (account locked out), 4725 (account disabled), 4726 (account deleted),
//! 1102 (audit log cleared). Times are UTC; Event Viewer's CSV export writes
//! local time without an offset, so its offset must be given.

use std::collections::BTreeMap;

use mizuchi_evidence::{AuthEvent, AuthKind, Timestamp};

use super::RowProblem;
use super::text::norm;

/// The Security event ids imported.
pub(crate) const EVENT_IDS: [u32; 6] = [4624, 4625, 4740, 4725, 4726, 1102];

/// One Windows event: its header and its named data fields.
#[derive(Debug, Clone, Default)]
pub(crate) struct WinEvent {
    pub id: u32,
    pub time: Option<Timestamp>,
    pub computer: String,
    pub record_id: Option<u64>,
    pub data: BTreeMap<String, String>,
}

fn hex_or_decimal(s: &str) -> Option<u32> {
    let s = s.trim();
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u32::from_str_radix(h, 16).ok()
    } else {
        s.parse().ok()
    }
}

/// A field that Windows fills with `-` when it has nothing to say.
fn present(v: Option<&String>) -> Option<String> {
    v.map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty() && s != "-")
}

impl WinEvent {
    fn get(&self, key: &str) -> Option<String> {
        present(self.data.get(key))
    }

    /// The authentication event this Windows event records, if it is one we keep.
    pub(crate) fn to_auth(&self) -> Option<AuthEvent> {
        let kind = match self.id {
            4624 => AuthKind::LogonSuccess,
            4625 => AuthKind::LogonFailure,
            4740 => AuthKind::Lockout,
            4725 => AuthKind::AccountDisabled,
            4726 => AuthKind::AccountDeleted,
            1102 => AuthKind::LogCleared,
            _ => return None,
        };
        let account = match kind {
            AuthKind::LogCleared => self.get("SubjectUserName"),
            _ => self.get("TargetUserName"),
        }
        .unwrap_or_default();
        let domain = match kind {
            AuthKind::LogCleared => self.get("SubjectDomainName"),
            _ => self.get("TargetDomainName"),
        };
        let source = match kind {
            AuthKind::Lockout => self.get("CallerComputerName"),
            _ => self
                .get("IpAddress")
                .or_else(|| self.get("WorkstationName")),
        };
        Some(AuthEvent {
            time: self.time?,
            kind,
            system: self.computer.clone(),
            account,
            domain,
            source,
            logon_type: self.get("LogonType").and_then(|v| v.parse().ok()),
            status: self.get("Status").and_then(|v| hex_or_decimal(&v)),
            sub_status: self.get("SubStatus").and_then(|v| hex_or_decimal(&v)),
            method: self.get("AuthenticationPackageName"),
            event_id: Some(self.id),
            record_id: self.record_id,
        })
    }
}

fn json_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Object(o) => o.get("#text").and_then(json_text),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// Reads the Security events of an `.evtx` file, in file order.
pub(crate) fn read_evtx(
    bytes: Vec<u8>,
    problems: &mut Vec<RowProblem>,
) -> Result<Vec<WinEvent>, String> {
    let mut parser = evtx::EvtxParser::from_buffer(bytes)
        .map_err(|e| format!("not a readable .evtx file: {e}"))?;
    let mut out = Vec::new();
    for record in parser.records_json_value() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(RowProblem::new(
                    0,
                    None,
                    format!("a record could not be read and was skipped: {e}"),
                ));
                continue;
            }
        };
        if record.recovered {
            continue;
        }
        let event = &record.data["Event"];
        let system = &event["System"];
        let Some(id) = json_text(&system["EventID"]).and_then(|s| s.parse().ok()) else {
            continue;
        };
        if !EVENT_IDS.contains(&id) {
            continue;
        }
        let time = json_text(&system["TimeCreated"]["#attributes"]["SystemTime"])
            .and_then(|s| s.parse::<Timestamp>().ok());
        let mut data = BTreeMap::new();
        let fields = if event["EventData"].is_object() {
            &event["EventData"]
        } else {
            &event["UserData"]
        };
        if let Some(obj) = fields.as_object() {
            for (k, v) in obj {
                if let Some(inner) = v.as_object().filter(|_| k != "#attributes") {
                    // UserData nests one level (e.g. LogFileCleared for 1102).
                    for (k2, v2) in inner {
                        if let Some(t) = json_text(v2) {
                            data.insert(k2.clone(), t);
                        }
                    }
                } else if let Some(t) = json_text(v) {
                    data.insert(k.clone(), t);
                }
            }
        }
        out.push(WinEvent {
            id,
            time,
            computer: json_text(&system["Computer"]).unwrap_or_default(),
            record_id: Some(record.event_record_id),
            data,
        });
    }
    Ok(out)
}

/// Reads Event Viewer's "Save as XML" export (or `wevtutil qe /f:xml` output).
pub(crate) fn read_xml(text: &str) -> Result<Vec<WinEvent>, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().trim_text(true);
    let mut out = Vec::new();
    let mut current: Option<WinEvent> = None;
    let mut path: Vec<String> = Vec::new();
    let mut data_name: Option<String> = None;
    let mut buf_text = String::new();
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| format!("not valid XML at byte {}: {e}", reader.buffer_position()))?;
        match ev {
            Event::Eof => break,
            Event::Start(ref e) | Event::Empty(ref e) => {
                let name = e.local_name().as_ref().to_owned();
                let empty = matches!(ev, Event::Empty(_));
                if name == "Event" {
                    current = Some(WinEvent::default());
                }
                if let Some(cur) = current.as_mut() {
                    for a in e.attributes().flatten() {
                        let key = a.key.local_name().as_ref().to_owned();
                        let val = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .map(|v| v.into_owned())
                            .unwrap_or_default();
                        match (name.as_str(), key.as_str()) {
                            ("TimeCreated", "SystemTime") => cur.time = val.parse().ok(),
                            ("Data", "Name") => data_name = Some(val),
                            _ => {}
                        }
                    }
                }
                buf_text.clear();
                if !empty {
                    path.push(name);
                } else if name == "Data" {
                    data_name = None;
                }
            }
            Event::Text(t) => buf_text.push_str(&t.xml10_content()),
            Event::CData(t) => buf_text.push_str(&t.into_inner()),
            Event::GeneralRef(r) => {
                let name = r.xml10_content();
                let c = match name.as_ref() {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    n => n
                        .strip_prefix("#x")
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .or_else(|| n.strip_prefix('#').and_then(|d| d.parse().ok()))
                        .and_then(char::from_u32),
                };
                if let Some(c) = c {
                    buf_text.push(c);
                }
            }
            Event::End(_) => {
                let name = path.pop().unwrap_or_default();
                if let Some(cur) = current.as_mut() {
                    let text = std::mem::take(&mut buf_text);
                    match name.as_str() {
                        "EventID" => cur.id = text.trim().parse().unwrap_or(0),
                        "Computer" => cur.computer = text.trim().to_owned(),
                        "EventRecordID" => cur.record_id = text.trim().parse().ok(),
                        "Data" => {
                            if let Some(n) = data_name.take() {
                                cur.data.insert(n, text);
                            }
                        }
                        // UserData children (e.g. 1102's SubjectUserName).
                        n if path.iter().any(|p| p == "UserData") => {
                            cur.data.insert(n.to_owned(), text);
                        }
                        _ => {}
                    }
                }
                if name == "Event"
                    && let Some(cur) = current.take()
                    && EVENT_IDS.contains(&cur.id)
                {
                    out.push(cur);
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Labels of the message text in Event Viewer's CSV export, in English and Japanese.
const LABELS: &[(&str, &[&str])] = &[
    ("TargetUserName", &["Account Name", "アカウント名"]),
    (
        "TargetDomainName",
        &[
            "Account Domain",
            "アカウント ドメイン",
            "アカウントドメイン",
        ],
    ),
    (
        "LogonType",
        &["Logon Type", "ログオン タイプ", "ログオンタイプ"],
    ),
    (
        "IpAddress",
        &[
            "Source Network Address",
            "ソース ネットワーク アドレス",
            "ソースネットワークアドレス",
        ],
    ),
    (
        "WorkstationName",
        &["Workstation Name", "ワークステーション名"],
    ),
    ("Status", &["Status", "状態"]),
    ("SubStatus", &["Sub Status", "サブ状態"]),
    (
        "AuthenticationPackageName",
        &["Authentication Package", "認証パッケージ"],
    ),
    (
        "CallerComputerName",
        &["Caller Computer Name", "呼び出し元コンピューター名"],
    ),
];

/// Headings of the message sections that name the account an event is about.
const TARGET_SECTIONS: &[&str] = &[
    "New Logon",
    "新しいログオン",
    "Account For Which Logon Failed",
    "ログオンに失敗したアカウント",
    "Account That Was Locked Out",
    "ロックアウトされたアカウント",
    "Target Account",
    "ターゲット アカウント",
    "対象アカウント",
];

/// Parses the message text of an event into named fields. Fields of the
/// account the event is about win over the subject's (the account that
/// recorded it).
fn message_fields(message: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut in_target = false;
    let mut any_target = false;
    let mut seen_subject = BTreeMap::new();
    for raw in message.lines() {
        let line = norm(raw);
        if let Some(head) = line.strip_suffix(':').or_else(|| line.strip_suffix('：')) {
            in_target = TARGET_SECTIONS.iter().any(|s| norm(s) == head);
            any_target |= in_target;
            continue;
        }
        let Some((label, value)) = line.split_once(':').or_else(|| line.split_once('：')) else {
            continue;
        };
        let (label, value) = (label.trim(), value.trim().to_owned());
        for (key, names) in LABELS {
            if names.iter().any(|n| norm(n) == label) {
                if in_target || !key.starts_with("Target") {
                    out.insert((*key).to_owned(), value.clone());
                } else {
                    seen_subject
                        .entry((*key).to_owned())
                        .or_insert(value.clone());
                }
            }
        }
    }
    // With no section about another account, the event is about its subject.
    if !any_target {
        for (k, v) in seen_subject {
            out.entry(k).or_insert(v);
        }
    }
    out
}

/// Parses Event Viewer's local date and time (`11/27/2026 3:12:45 PM` or `2026/11/27 15:12:45`).
fn local_time(raw: &str, offset: jiff::tz::Offset) -> Result<Timestamp, String> {
    let s = norm(raw);
    let bad = || {
        format!(
            "`{raw}` is not a date and time (expected 2026/11/27 15:12:45 or 11/27/2026 3:12:45 PM)"
        )
    };
    let pm = s.ends_with("PM") || s.contains("午後");
    let am = s.ends_with("AM") || s.contains("午前");
    let nums: Vec<i64> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    let [a, b, c, mut h, mi, sec] = nums[..] else {
        return Err(bad());
    };
    let (y, m, d) = if a > 31 { (a, b, c) } else { (c, a, b) };
    if pm && h < 12 {
        h += 12;
    }
    if am && h == 12 {
        h = 0;
    }
    let dt =
        jiff::civil::DateTime::new(y as i16, m as i8, d as i8, h as i8, mi as i8, sec as i8, 0)
            .map_err(|_| bad())?;
    offset.to_timestamp(dt).map_err(|_| bad())
}

/// Reads Event Viewer's "Save as CSV" export. Its columns carry no host name,
/// so `system` names the computer the log came from.
pub(crate) fn read_csv(
    text: &str,
    system: &str,
    offset: jiff::tz::Offset,
    problems: &mut Vec<RowProblem>,
) -> Result<Vec<WinEvent>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format!("cannot read the header row: {e}"))?
        .iter()
        .map(super::text::header_key)
        .collect();
    let find = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.iter().any(|n| super::text::header_key(n) == *h))
    };
    let (Some(time_col), Some(id_col)) = (
        find(&["Date and Time", "日付と時刻"]),
        find(&["Event ID", "イベント ID", "イベントID"]),
    ) else {
        return Err("the header row has no `Date and Time`/`日付と時刻` or `Event ID`/`イベント ID` column; export the log with Event Viewer's \"Save All Events As\" CSV".into());
    };
    let mut out = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| format!("cannot read the CSV: {e}"))?;
        let line = rec.position().map_or(0, |p| p.line());
        let Some(id) = rec.get(id_col).and_then(|v| norm(v).parse::<u32>().ok()) else {
            problems.push(RowProblem::new(
                line,
                Some("Event ID".into()),
                "no event id".into(),
            ));
            continue;
        };
        if !EVENT_IDS.contains(&id) {
            continue;
        }
        let time = match local_time(rec.get(time_col).unwrap_or_default(), offset) {
            Ok(t) => t,
            Err(e) => {
                problems.push(RowProblem::new(line, Some("Date and Time".into()), e));
                continue;
            }
        };
        // The message is the last column, after the named ones.
        let message = rec.get(rec.len().saturating_sub(1)).unwrap_or_default();
        out.push(WinEvent {
            id,
            time: Some(time),
            computer: system.to_owned(),
            record_id: None,
            data: message_fields(message),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_logon_message_gives_the_target_account() {
        let msg = "An account failed to log on.\n\nSubject:\n\tSecurity ID:\t\tSYSTEM\n\tAccount Name:\t\tHOST$\n\nLogon Type:\t\t\t2\n\nAccount For Which Logon Failed:\n\tSecurity ID:\t\tNULL SID\n\tAccount Name:\t\toperator\n\tAccount Domain:\t\tPLANT\n\nFailure Information:\n\tStatus:\t\t\t0xC000006D\n\tSub Status:\t\t0xC000006A\n\nNetwork Information:\n\tWorkstation Name:\tHMI-01\n\tSource Network Address:\t10.0.0.5\n";
        let f = message_fields(msg);
        assert_eq!(f["TargetUserName"], "operator");
        assert_eq!(f["TargetDomainName"], "PLANT");
        assert_eq!(f["LogonType"], "2");
        assert_eq!(f["SubStatus"], "0xC000006A");
        let ev = WinEvent {
            id: 4625,
            time: Some("2026-01-01T00:00:00Z".parse().unwrap()),
            computer: "HMI-01".into(),
            record_id: None,
            data: f,
        };
        let a = ev.to_auth().unwrap();
        assert_eq!(
            (a.account.as_str(), a.status, a.source.as_deref()),
            ("operator", Some(0xC000_006D), Some("10.0.0.5"))
        );
    }

    #[test]
    fn japanese_event_viewer_times_are_local() {
        let jst = jiff::tz::Offset::from_seconds(9 * 3600).unwrap();
        assert_eq!(
            local_time("2026/11/27 9:05:00", jst).unwrap().to_string(),
            "2026-11-27T00:05:00Z"
        );
        assert_eq!(
            local_time("11/27/2026 3:05:00 PM", jst)
                .unwrap()
                .to_string(),
            "2026-11-27T06:05:00Z"
        );
    }

    #[test]
    fn xml_export_is_read() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?><Events><Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Security-Auditing"/><EventID>4625</EventID><TimeCreated SystemTime="2026-04-01T08:30:00.123Z"/><EventRecordID>77</EventRecordID><Computer>HMI-01.plant.local</Computer></System><EventData><Data Name="TargetUserName">op1</Data><Data Name="LogonType">2</Data><Data Name="Status">0xc000006d</Data><Data Name="SubStatus">0xc0000064</Data><Data Name="IpAddress">-</Data></EventData></Event><Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><EventID>4672</EventID></System></Event></Events>"#;
        let evs = read_xml(xml).unwrap();
        assert_eq!(evs.len(), 1);
        let a = evs[0].to_auth().unwrap();
        assert_eq!(a.kind, AuthKind::LogonFailure);
        assert_eq!(a.system, "HMI-01.plant.local");
        assert_eq!(a.sub_status, Some(0xC000_0064));
        assert_eq!(a.source, None);
        assert_eq!(a.record_id, Some(77));
        assert_eq!(a.time.to_string(), "2026-04-01T08:30:00.123Z");
    }
}
