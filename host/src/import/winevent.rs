//! Windows events, from `.evtx` files and from Event Viewer's XML and CSV
//! exports, all through one shape ([`WinEvent`]) and one mapping to
//! authentication events ([`WinEvent::to_auth`]).
//!
//! Kept, from the Security channel (provider
//! `Microsoft-Windows-Security-Auditing` unless said): logons and failures
//! (4624, 4625), Kerberos pre-authentication failures (4771) and failed
//! ticket requests (4768 with a failure code), failed NTLM credential
//! validation (4776 with a non-zero status), logons with explicit
//! credentials (4648), lockouts and unlocks (4740, 4767), account lifecycle
//! and changes (4720, 4722–4726, 4738, 4781), group membership changes (4728,
//! 4732, 4756 and their removals 4729, 4733, 4757); from the event log
//! service (`Microsoft-Windows-Eventlog`): the audit log cleared (1102 in
//! Security, 104 in System) and logging stopped (1100). The channel and
//! provider are checked before an id is mapped. Every other event is
//! counted by id and reported as not used.
//!
//! In an `.evtx` file every chunk's CRC32 (header and records) is checked:
//! a damaged chunk is reported by its byte offset and left out, the intact
//! ones kept (or, strictly, the file refused); a file shorter than its
//! header says is reported as truncated. `record_id` is the event's
//! EventRecordID, as the XML export has it.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Arc;

use mizuchi_evidence::{AuthEvent, AuthKind, Text, Timestamp};

use super::ordered::TimeOrdered;
use super::text::norm;
use super::{LogRead, RowProblem};

/// The Security-auditing provider.
const AUDITING: &str = "Microsoft-Windows-Security-Auditing";
/// The event log service's provider.
const EVENTLOG: &str = "Microsoft-Windows-Eventlog";

/// One Windows event: its header and its named data fields.
#[derive(Debug, Clone, Default)]
pub(crate) struct WinEvent {
    pub id: u32,
    pub time: Option<Timestamp>,
    pub computer: String,
    pub provider: Option<String>,
    pub channel: Option<String>,
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

/// An address as Windows writes it, without the IPv4-mapped prefix
/// (`::ffff:10.0.0.5` is `10.0.0.5`).
fn address(s: String) -> String {
    match s.strip_prefix("::ffff:") {
        Some(v4) if v4.contains('.') => v4.to_owned(),
        _ => s,
    }
}

/// The name in a distinguished name's first component (`CN=op9,OU=…` is
/// `op9`).
fn common_name(dn: &str) -> Option<String> {
    let first = dn.split(',').next()?.trim();
    let (k, v) = first.split_once('=')?;
    k.trim()
        .eq_ignore_ascii_case("CN")
        .then(|| v.trim().to_owned())
}

/// Names of common events no rule uses, for the import report.
fn event_name(id: u32) -> Option<(&'static str, &'static str)> {
    Some(match id {
        1101 => (
            "監査イベントの転送漏れ",
            "audit events dropped by the transport",
        ),
        4608 => ("Windows の起動", "Windows starting up"),
        4616 => ("システム時刻の変更", "system time changed"),
        4634 => ("ログオフ", "logoff"),
        4647 => ("ユーザーによるログオフ", "user-initiated logoff"),
        4656 | 4663 => ("オブジェクトへのアクセス", "object access"),
        4672 => ("特権の割り当て", "special privileges assigned"),
        4688 => ("プロセスの作成", "process creation"),
        4689 => ("プロセスの終了", "process exit"),
        4697 | 7045 => ("サービスのインストール", "service installed"),
        4698..=4702 => ("スケジュールされたタスク", "scheduled tasks"),
        4719 => ("監査ポリシーの変更", "audit policy changed"),
        4727 | 4731 | 4754 => ("セキュリティグループの作成", "security group created"),
        4730 | 4734 | 4758 => ("セキュリティグループの削除", "security group deleted"),
        4735 | 4737 | 4755 => ("セキュリティグループの変更", "security group changed"),
        4739 => ("ドメインポリシーの変更", "domain policy changed"),
        4797..=4799 => ("アカウント・グループの列挙", "account or group enumeration"),
        4826 => ("ブート構成データの読み込み", "boot configuration loaded"),
        4902 | 4904 | 4905 | 4906 | 4907 => ("監査設定", "audit settings"),
        5024 | 5033 => ("ファイアウォールの開始", "firewall started"),
        5056 | 5058 | 5059 | 5061 => ("暗号化操作", "cryptographic operation"),
        5379 => ("資格情報マネージャーの読み取り", "credential manager read"),
        5382 => ("資格情報の読み取り", "vault credentials read"),
        _ => return None,
    })
}

/// Why an event is not imported: a key for counting and its text.
fn skip_reason(ev: &WinEvent) -> (String, Text) {
    let known = |what: &str| what.to_owned();
    match (ev.id, event_name(ev.id)) {
        (4768, _) => (
            "4768 success".into(),
            Text::new(
                "4768 (Kerberos チケットの発行に成功): それを使うログオンは 4624 に記録されるため使いません",
                "4768 that succeeded (Kerberos ticket granted): the logon it serves is recorded as 4624",
            ),
        ),
        (4776, _) => (
            "4776 success".into(),
            Text::new(
                "4776 (NTLM 資格情報の検証に成功): ログオンは 4624 に記録されるため使いません",
                "4776 that succeeded (NTLM credentials validated): the logon is recorded as 4624",
            ),
        ),
        (id, Some((ja, en))) => (
            known(&id.to_string()),
            Text::new(
                format!("{id} ({ja}): 規則が使いません"),
                format!("{id} ({en}): not used by any rule"),
            ),
        ),
        (id, None) => (
            known(&id.to_string()),
            Text::new(
                format!("{id}: 規則が使いません"),
                format!("{id}: not used by any rule"),
            ),
        ),
    }
}

impl WinEvent {
    fn get(&self, key: &str) -> Option<String> {
        present(self.data.get(key))
    }

    /// The event comes from `provider` (when the source says) in `channel`
    /// (when the source says).
    fn from(&self, provider: &str, channel: &str) -> bool {
        self.provider
            .as_deref()
            .is_none_or(|p| p.eq_ignore_ascii_case(provider))
            && self
                .channel
                .as_deref()
                .is_none_or(|c| c.eq_ignore_ascii_case(channel))
    }

    /// The authentication event this Windows event records, or why it is
    /// not imported (a key for counting and its text).
    pub(crate) fn to_auth(&self) -> Result<AuthEvent, (String, Text)> {
        use AuthKind as K;
        let security = self.from(AUDITING, "Security");
        let kind = match self.id {
            4624 if security => K::LogonSuccess,
            4625 | 4771 if security => K::LogonFailure,
            4768 if security => match self.get("Status").and_then(|v| hex_or_decimal(&v)) {
                Some(0) | None => return Err(skip_reason(self)),
                Some(_) => K::LogonFailure,
            },
            4776 if security => match self.get("Status").and_then(|v| hex_or_decimal(&v)) {
                Some(0) | None => return Err(skip_reason(self)),
                Some(_) => K::LogonFailure,
            },
            4648 if security => K::ExplicitCredentials,
            4740 if security => K::Lockout,
            4767 if security => K::Unlock,
            4720 if security => K::AccountCreated,
            4722 if security => K::AccountEnabled,
            4723 if security => K::PasswordChange,
            4724 if security => K::PasswordReset,
            4725 if security => K::AccountDisabled,
            4726 if security => K::AccountDeleted,
            4738 | 4781 if security => K::AccountChanged,
            4728 | 4732 | 4756 if security => K::GroupMemberAdded,
            4729 | 4733 | 4757 if security => K::GroupMemberRemoved,
            1102 if self.from(EVENTLOG, "Security") => K::LogCleared,
            1100 if self.from(EVENTLOG, "Security") => K::LoggingStopped,
            104 if self.from(EVENTLOG, "System") => K::LogCleared,
            id @ (4624 | 4625 | 4771 | 4768 | 4776 | 4648 | 4740 | 4767 | 4720 | 4722 | 4723
            | 4724 | 4725 | 4726 | 4738 | 4781 | 4728 | 4732 | 4756 | 4729 | 4733 | 4757
            | 1102 | 1100 | 104) => {
                let from = format!(
                    "{} / {}",
                    self.provider.as_deref().unwrap_or("?"),
                    self.channel.as_deref().unwrap_or("?")
                );
                return Err((
                    format!("{id} from {from}"),
                    Text::new(
                        format!(
                            "{id} ({from}): 想定する提供元・チャネルの監査イベントではありません"
                        ),
                        format!("{id} from {from}: not the audit event of that id"),
                    ),
                ));
            }
            _ => return Err(skip_reason(self)),
        };
        let Some(time) = self.time else {
            return Err((
                format!("{} without time", self.id),
                Text::new(
                    format!("{} (時刻なし): 時刻のないイベントは使えません", self.id),
                    format!("{} without a time: cannot be used", self.id),
                ),
            ));
        };
        let subject = self.get("SubjectUserName");
        let (account, domain, actor, group) = match kind {
            K::LogCleared | K::LoggingStopped => (
                subject.clone().unwrap_or_default(),
                self.get("SubjectDomainName"),
                subject,
                None,
            ),
            K::GroupMemberAdded | K::GroupMemberRemoved => (
                self.get("MemberName")
                    .and_then(|dn| common_name(&dn))
                    .or_else(|| self.get("MemberSid"))
                    .unwrap_or_default(),
                None,
                subject,
                self.get("TargetUserName"),
            ),
            K::LogonSuccess | K::LogonFailure => (
                self.get("TargetUserName").unwrap_or_default(),
                self.get("TargetDomainName"),
                None,
                None,
            ),
            _ => (
                // A renamed account (4781) is named by its new name.
                self.get("TargetUserName")
                    .or_else(|| self.get("NewTargetUserName"))
                    .unwrap_or_default(),
                self.get("TargetDomainName"),
                subject,
                None,
            ),
        };
        let source = match self.id {
            4740 => self.get("CallerComputerName"),
            4776 => self.get("Workstation"),
            _ => self
                .get("IpAddress")
                .or_else(|| self.get("WorkstationName")),
        }
        .map(address);
        let method = match self.id {
            4771 | 4768 => Some("Kerberos".to_owned()),
            4776 => self.get("PackageName").or_else(|| Some("NTLM".to_owned())),
            _ => self.get("AuthenticationPackageName"),
        };
        let status_field = match self.id {
            4625 => "Status",
            4771 | 4768 | 4776 => "Status",
            _ => "",
        };
        Ok(AuthEvent {
            time,
            kind,
            system: self.computer.clone(),
            account,
            domain,
            source,
            logon_type: self.get("LogonType").and_then(|v| v.parse().ok()),
            status: if status_field.is_empty() {
                None
            } else {
                self.get(status_field).and_then(|v| hex_or_decimal(&v))
            },
            sub_status: self.get("SubStatus").and_then(|v| hex_or_decimal(&v)),
            method,
            actor,
            group,
            event_id: Some(self.id),
            record_id: self.record_id,
        })
    }
}

/// Maps events to authentication events, counting what is not imported.
pub(crate) fn to_log(events: Vec<WinEvent>) -> LogRead<AuthEvent> {
    let mut log = LogRead::default();
    for e in events {
        match e.to_auth() {
            Ok(a) => log.records.push(a),
            Err((key, what)) => log.skip(key, || what),
        }
    }
    log
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

/// Size of an `.evtx` file header.
const FILE_HEADER: usize = 4096;
/// Size of a chunk.
const CHUNK: usize = 65536;

/// The ids [`WinEvent::to_auth`] may map (from their channel and provider);
/// every other event is counted as not used.
const MAPPED: &[u32] = &[
    104, 1100, 1102, 4624, 4625, 4648, 4720, 4722, 4723, 4724, 4725, 4726, 4728, 4729, 4732, 4733,
    4738, 4740, 4756, 4757, 4767, 4768, 4771, 4776, 4781,
];

/// The event id of an event read as JSON by the `evtx` crate.
fn event_id(value: &serde_json::Value) -> Option<u32> {
    json_text(&value["Event"]["System"]["EventID"]).and_then(|s| s.parse().ok())
}

/// The event is one [`WinEvent::to_auth`] may map (or has no id, which
/// [`from_json`] reports): its data must be read.
fn maps(value: &serde_json::Value) -> bool {
    event_id(value).is_none_or(|id| MAPPED.contains(&id))
}

/// One event read as JSON by the `evtx` crate, as a [`WinEvent`].
fn from_json(value: &serde_json::Value) -> Option<WinEvent> {
    let event = &value["Event"];
    let system = &event["System"];
    let id = json_text(&system["EventID"]).and_then(|s| s.parse().ok())?;
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
    Some(WinEvent {
        id,
        time,
        computer: json_text(&system["Computer"]).unwrap_or_default(),
        provider: json_text(&system["Provider"]["#attributes"]["Name"]),
        channel: json_text(&system["Channel"]),
        record_id: json_text(&system["EventRecordID"]).and_then(|s| s.parse().ok()),
        data,
    })
}

/// A chunk that cannot be used: a warning that its records were left out,
/// or with `strict` the error that refuses the file.
fn damaged(
    i: usize,
    offset: usize,
    cause: &str,
    ja: &str,
    en: &str,
    strict: bool,
    warnings: &mut Vec<Text>,
) -> Result<(), Text> {
    if strict {
        return Err(Text::new(
            format!(
                "チャンク {i} (オフセット {offset}) が{ja}ため取り込みません: {cause}。--strict を付けなければ、無傷のチャンクだけを取り込みます"
            ),
            format!(
                "chunk {i} at byte offset {offset} {en}: {cause}; nothing was imported (without --strict the intact chunks are imported)"
            ),
        ));
    }
    warnings.push(Text::new(
        format!("チャンク {i} (オフセット {offset}) が{ja}ため、その記録を除きました: {cause}"),
        format!("chunk {i} at byte offset {offset} {en} and its records were left out: {cause}"),
    ));
    Ok(())
}

/// What an `.evtx` file could not give, as [`read_evtx`] reports it.
#[derive(Debug)]
pub(crate) enum EvtxError {
    /// The file is not a usable event log (or, strictly, has a damaged chunk).
    Format(Text),
    /// The file could not be read.
    Read(std::io::Error),
    /// A kept event could not be put in order.
    Write(crate::bundle::WriteError),
}

impl From<Text> for EvtxError {
    fn from(t: Text) -> Self {
        EvtxError::Format(t)
    }
}

/// Reads up to `buf.len()` bytes, fewer only at the end of the input.
fn read_full(input: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match input.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Reads the events of an `.evtx` file as a stream, one chunk at a time,
/// checking each chunk's CRC32s: memory does not grow with the file. Kept
/// events go to `kept`; the returned read counts what was left out. A
/// damaged chunk is a warning naming its offset (an error with `strict`);
/// records that cannot be read are problems.
pub(crate) fn read_evtx(
    mut input: impl Read,
    label: &str,
    strict: bool,
    problems: &mut Vec<RowProblem>,
    kept: &mut TimeOrdered,
) -> Result<LogRead<AuthEvent>, EvtxError> {
    let mut header = vec![0u8; FILE_HEADER];
    let got = read_full(&mut input, &mut header).map_err(EvtxError::Read)?;
    if got < FILE_HEADER || !header.starts_with(b"ElfFile\0") {
        return Err(EvtxError::Format(Text::new(
            "Windows イベントログ (.evtx) ではありません (先頭が ElfFile ではありません)",
            "it is not a Windows event log (.evtx): it does not start with `ElfFile`",
        )));
    }
    let mut log = LogRead::default();
    let mut warnings = Vec::new();
    let header_crc = u32::from_le_bytes([header[124], header[125], header[126], header[127]]);
    if crc32fast::hash(&header[..120]) != header_crc {
        warnings.push(Text::new(
            "ファイルヘッダの CRC32 が一致しません。チャンクごとに確認して読みます",
            "the file header's CRC32 does not match; the chunks are checked and read one by one",
        ));
    }
    let declared = usize::from(u16::from_le_bytes([header[42], header[43]]));
    let settings = Arc::new(evtx::ParserSettings::new());
    let mut present = 0;
    let tail = loop {
        let mut data = vec![0u8; CHUNK];
        let got = read_full(&mut input, &mut data).map_err(EvtxError::Read)?;
        if got < CHUNK {
            break got;
        }
        let i = present;
        present += 1;
        let offset = FILE_HEADER + i * CHUNK;
        if data.iter().all(|b| *b == 0) {
            continue;
        }
        let mut chunk = match evtx::EvtxChunkData::new(data, true) {
            Ok(c) => c,
            Err(e) => {
                damaged(
                    i,
                    offset,
                    &e.to_string(),
                    "壊れている",
                    "is damaged",
                    strict,
                    &mut warnings,
                )?;
                continue;
            }
        };
        let mut parsed = match chunk.parse(Arc::clone(&settings)) {
            Ok(p) => p,
            Err(e) => {
                damaged(
                    i,
                    offset,
                    &e.to_string(),
                    "解釈できない",
                    "cannot be parsed",
                    strict,
                    &mut warnings,
                )?;
                continue;
            }
        };
        for record in parsed.iter() {
            let json = record.and_then(|r| r.into_json_value());
            match json {
                Ok(r) if r.recovered => {}
                Ok(r) if !maps(&r.data) => {
                    // Most of a Security log is events no rule uses: count
                    // them by id without reading their data.
                    let id = event_id(&r.data).unwrap_or_default();
                    let (key, what) = skip_reason(&WinEvent {
                        id,
                        ..WinEvent::default()
                    });
                    log.skip(key, || what);
                }
                Ok(r) => match from_json(&r.data) {
                    Some(e) => match e.to_auth() {
                        Ok(a) => kept.push(a.time, &a).map_err(EvtxError::Write)?,
                        Err((key, what)) => log.skip(key, || what),
                    },
                    None => problems.push(RowProblem {
                        input: label.to_owned(),
                        line: 0,
                        column: None,
                        message: Text::new(
                            format!("チャンク {i} (オフセット {offset}) の記録 {} にイベント ID がありません", r.event_record_id),
                            format!("record {} in chunk {i} (byte offset {offset}) has no event id", r.event_record_id),
                        ),
                    }),
                },
                Err(e) => problems.push(RowProblem {
                    input: label.to_owned(),
                    line: 0,
                    column: None,
                    message: Text::new(
                        format!("チャンク {i} (オフセット {offset}) の記録を読めません: {e}"),
                        format!("a record in chunk {i} (byte offset {offset}) cannot be read: {e}"),
                    ),
                }),
            }
        }
    };
    if present < declared || tail != 0 {
        warnings.push(Text::new(
            format!(
                "ファイルが途中で切れています: ヘッダのチャンク数 {declared}、完全なチャンク {present}{}",
                if tail != 0 { format!("、末尾に不完全な {tail} バイト") } else { String::new() }
            ),
            format!(
                "the file is truncated: its header counts {declared} chunks, {present} are complete{}",
                if tail != 0 { format!(", and {tail} bytes of a partial one follow") } else { String::new() }
            ),
        ));
    }
    log.warnings.extend(warnings);
    Ok(log)
}

/// Reads Event Viewer's "Save as XML" export (or `wevtutil qe /f:xml` output).
pub(crate) fn read_xml(text: &str) -> Result<LogRead<AuthEvent>, Text> {
    read_xml_events(text)
        .map(to_log)
        .map_err(|e| Text::new(format!("XML として読めません: {e}"), e))
}

fn read_xml_events(text: &str) -> Result<Vec<WinEvent>, String> {
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
                            ("Provider", "Name") => cur.provider = Some(val),
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
                        "Channel" => cur.channel = Some(text.trim().to_owned()),
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
                {
                    out.push(cur);
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Labels of the message text in Event Viewer's CSV export, in English and
/// Japanese, and the field each gives. `Account Name` and friends depend on
/// the section they are in (see [`section_of`]).
const LABELS: &[(&str, &[&str])] = &[
    ("@Name", &["Account Name", "アカウント名"]),
    (
        "@Domain",
        &[
            "Account Domain",
            "アカウント ドメイン",
            "アカウントドメイン",
        ],
    ),
    (
        "@Sid",
        &["Security ID", "セキュリティ ID", "セキュリティID"],
    ),
    (
        "TargetUserName",
        &[
            "Group Name",
            "グループ名",
            "Logon Account",
            "ログオン アカウント",
        ],
    ),
    ("TargetDomainName", &["Group Domain", "グループ ドメイン"]),
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
            "Client Address",
            "クライアント アドレス",
        ],
    ),
    (
        "WorkstationName",
        &["Workstation Name", "ワークステーション名"],
    ),
    (
        "Workstation",
        &["Source Workstation", "ソース ワークステーション"],
    ),
    (
        "Status",
        &[
            "Status",
            "状態",
            "Failure Code",
            "エラー コード",
            "Error Code",
        ],
    ),
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

/// The section headings of an event message and the prefix of the account
/// fields under them.
fn section_of(heading: &str) -> Option<&'static str> {
    const SECTIONS: &[(&str, &[&str])] = &[
        ("Subject", &["Subject", "サブジェクト"]),
        (
            "Target",
            &[
                "New Logon",
                "新しいログオン",
                "Account For Which Logon Failed",
                "ログオンに失敗したアカウント",
                "Account That Was Locked Out",
                "ロックアウトされたアカウント",
                "Target Account",
                "ターゲット アカウント",
                "対象アカウント",
                "New Account",
                "新しいアカウント",
                "Account Information",
                "アカウント情報",
                "Account Whose Credentials Were Used",
                "資格情報が使用されたアカウント",
            ],
        ),
        ("Member", &["Member", "メンバー"]),
        ("Group", &["Group", "グループ"]),
    ];
    SECTIONS
        .iter()
        .find(|(_, names)| names.iter().any(|n| norm(n) == heading))
        .map(|(p, _)| *p)
}

/// Parses the message text of an event into the named fields the XML form
/// has: `Account Name` under `Subject:` is `SubjectUserName`, under `New
/// Logon:` `TargetUserName`, under `Member:` `MemberName`.
fn message_fields(message: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut section: Option<&str> = None;
    for raw in message.lines() {
        let line = norm(raw);
        if let Some(head) = line.strip_suffix(':').or_else(|| line.strip_suffix('：')) {
            section = section_of(head.trim());
            continue;
        }
        let Some((label, value)) = line.split_once(':').or_else(|| line.split_once('：')) else {
            continue;
        };
        let (label, value) = (label.trim(), value.trim().to_owned());
        let Some((key, _)) = LABELS
            .iter()
            .find(|(_, names)| names.iter().any(|n| norm(n).trim_end_matches(':') == label))
        else {
            continue;
        };
        let key = match (*key, section) {
            ("@Name", Some("Subject")) => "SubjectUserName",
            ("@Domain", Some("Subject")) => "SubjectDomainName",
            ("@Name", Some("Member")) => "MemberName",
            ("@Sid", Some("Member")) => "MemberSid",
            ("@Name", Some("Target")) => "TargetUserName",
            ("@Domain", Some("Target")) => "TargetDomainName",
            ("@Name" | "@Domain" | "@Sid", _) => continue,
            (k, _) => k,
        };
        out.entry(key.to_owned()).or_insert(value);
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
    input: &str,
    system: &str,
    offset: jiff::tz::Offset,
    problems: &mut Vec<RowProblem>,
) -> Result<LogRead<AuthEvent>, Text> {
    let (mut reader, headers) = super::text::csv_with_headers(text)?;
    let headers: Vec<String> = headers.iter().map(|h| super::text::header_key(h)).collect();
    let find = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.iter().any(|n| super::text::header_key(n) == *h))
    };
    let (Some(time_col), Some(id_col)) = (
        find(&["Date and Time", "日付と時刻"]),
        find(&["Event ID", "イベント ID", "イベントID"]),
    ) else {
        return Err(Text::new(
            "見出し行に「日付と時刻」か「イベント ID」の列がありません。イベント ビューアーの「すべてのイベントを名前をつけて保存」で CSV を書き出してください",
            "the header row has no `Date and Time` or `Event ID` column; export the log with Event Viewer's \"Save All Events As\" CSV",
        ));
    };
    let source_col = find(&["Source", "ソース"]);
    let mut events = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| {
            Text::new(
                format!("CSV を読めません: {e}"),
                format!("cannot read the CSV: {e}"),
            )
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        let problem = |column: &str, message: Text| RowProblem {
            input: input.to_owned(),
            line,
            column: Some(column.to_owned()),
            message,
        };
        let Some(id) = rec.get(id_col).and_then(|v| norm(v).parse::<u32>().ok()) else {
            problems.push(problem(
                "Event ID",
                Text::new("イベント ID がありません", "no event id"),
            ));
            continue;
        };
        let time = match local_time(rec.get(time_col).unwrap_or_default(), offset) {
            Ok(t) => t,
            Err(e) => {
                problems.push(problem(
                    "Date and Time",
                    Text::new(format!("日時を読めません: {e}"), e),
                ));
                continue;
            }
        };
        // The message is the last column, after the named ones.
        let message = rec.get(rec.len().saturating_sub(1)).unwrap_or_default();
        events.push(WinEvent {
            id,
            time: Some(time),
            computer: system.to_owned(),
            provider: source_col
                .and_then(|c| rec.get(c))
                .map(|c| norm(c).into_owned())
                .filter(|s| !s.is_empty()),
            channel: None,
            record_id: None,
            data: message_fields(message),
        });
    }
    Ok(to_log(events))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: u32, data: &[(&str, &str)]) -> WinEvent {
        WinEvent {
            id,
            time: Some("2026-01-01T00:00:00Z".parse().unwrap()),
            computer: "DC-01".into(),
            provider: Some(AUDITING.into()),
            channel: Some("Security".into()),
            record_id: Some(7),
            data: data
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn a_failed_logon_message_gives_the_target_account() {
        let msg = "An account failed to log on.\n\nSubject:\n\tSecurity ID:\t\tSYSTEM\n\tAccount Name:\t\tHOST$\n\nLogon Type:\t\t\t2\n\nAccount For Which Logon Failed:\n\tSecurity ID:\t\tNULL SID\n\tAccount Name:\t\toperator\n\tAccount Domain:\t\tPLANT\n\nFailure Information:\n\tStatus:\t\t\t0xC000006D\n\tSub Status:\t\t0xC000006A\n\nNetwork Information:\n\tWorkstation Name:\tHMI-01\n\tSource Network Address:\t10.0.0.5\n";
        let f = message_fields(msg);
        assert_eq!(f["TargetUserName"], "operator");
        assert_eq!(f["SubjectUserName"], "HOST$");
        assert_eq!(f["TargetDomainName"], "PLANT");
        assert_eq!(f["LogonType"], "2");
        assert_eq!(f["SubStatus"], "0xC000006A");
        let mut ev = event(4625, &[]);
        ev.data = f;
        let a = ev.to_auth().unwrap();
        assert_eq!(
            (a.account.as_str(), a.status, a.source.as_deref()),
            ("operator", Some(0xC000_006D), Some("10.0.0.5"))
        );
    }

    #[test]
    fn kerberos_and_ntlm_failures_are_failed_logons_and_their_successes_are_counted() {
        let k = event(
            4771,
            &[
                ("TargetUserName", "op1"),
                ("Status", "0x18"),
                ("IpAddress", "::ffff:10.0.0.9"),
            ],
        )
        .to_auth()
        .unwrap();
        assert_eq!(
            (
                k.kind,
                k.account.as_str(),
                k.status,
                k.source.as_deref(),
                k.method.as_deref()
            ),
            (
                AuthKind::LogonFailure,
                "op1",
                Some(0x18),
                Some("10.0.0.9"),
                Some("Kerberos")
            )
        );
        let n = event(
            4776,
            &[
                ("TargetUserName", "op2"),
                ("Status", "0xc000006a"),
                ("Workstation", "WS-7"),
            ],
        )
        .to_auth()
        .unwrap();
        assert_eq!(
            (n.kind, n.source.as_deref()),
            (AuthKind::LogonFailure, Some("WS-7"))
        );
        let (key, why) = event(4776, &[("TargetUserName", "op2"), ("Status", "0x0")])
            .to_auth()
            .unwrap_err();
        assert_eq!(key, "4776 success");
        assert!(why.ja.contains("4624"));
        assert!(
            event(4768, &[("TargetUserName", "a"), ("Status", "0x0")])
                .to_auth()
                .is_err()
        );
        assert_eq!(
            event(4768, &[("TargetUserName", "a"), ("Status", "0x6")])
                .to_auth()
                .unwrap()
                .kind,
            AuthKind::LogonFailure
        );
    }

    #[test]
    fn account_and_group_changes_name_the_account_changed_and_who_changed_it() {
        let g = event(
            4728,
            &[
                ("MemberName", "CN=op9,OU=Plant,DC=city,DC=local"),
                ("TargetUserName", "Domain Admins"),
                ("SubjectUserName", "admin"),
            ],
        )
        .to_auth()
        .unwrap();
        assert_eq!(
            (
                g.kind,
                g.account.as_str(),
                g.group.as_deref(),
                g.actor.as_deref()
            ),
            (
                AuthKind::GroupMemberAdded,
                "op9",
                Some("Domain Admins"),
                Some("admin")
            )
        );
        let local = event(
            4733,
            &[
                ("MemberName", "-"),
                ("MemberSid", "S-1-5-21-1-2-3-1105"),
                ("TargetUserName", "Administrators"),
            ],
        )
        .to_auth()
        .unwrap();
        assert_eq!(
            (local.kind, local.account.as_str()),
            (AuthKind::GroupMemberRemoved, "S-1-5-21-1-2-3-1105")
        );
        let c = event(
            4720,
            &[("TargetUserName", "op9"), ("SubjectUserName", "admin")],
        )
        .to_auth()
        .unwrap();
        assert_eq!(
            (c.kind, c.account.as_str(), c.actor.as_deref()),
            (AuthKind::AccountCreated, "op9", Some("admin"))
        );
    }

    /// The ids read past the prefilter are exactly those the mapping uses:
    /// an id it maps from some channel and provider is in `MAPPED`, and
    /// every id in `MAPPED` is mapped from one.
    #[test]
    fn the_prefilter_passes_exactly_the_ids_the_mapping_uses() {
        let sources = [
            (AUDITING, "Security"),
            (EVENTLOG, "Security"),
            (EVENTLOG, "System"),
        ];
        let mut used = std::collections::BTreeSet::new();
        for id in 0..=u32::from(u16::MAX) {
            for (provider, channel) in sources {
                let mut e = event(
                    id,
                    &[
                        ("Status", "0xC000006A"),
                        ("TargetUserName", "u"),
                        ("SubjectUserName", "s"),
                    ],
                );
                e.provider = Some(provider.into());
                e.channel = Some(channel.into());
                let unused = skip_reason(&e).0;
                match e.to_auth() {
                    Ok(_) => {
                        used.insert(id);
                    }
                    Err((key, _)) if key != unused => {
                        used.insert(id);
                    }
                    Err(_) => {}
                }
            }
        }
        let mapped: std::collections::BTreeSet<u32> = MAPPED.iter().copied().collect();
        assert_eq!(used, mapped);
    }

    #[test]
    fn an_id_is_mapped_only_from_its_own_channel_and_provider() {
        let mut e = event(4624, &[("TargetUserName", "a")]);
        e.provider = Some("SomeApp".into());
        let (key, why) = e.to_auth().unwrap_err();
        assert!(key.starts_with("4624 from SomeApp"), "{key}");
        assert!(why.en.contains("not the audit event"));
        let mut cleared = event(104, &[("SubjectUserName", "admin")]);
        cleared.provider = Some(EVENTLOG.into());
        cleared.channel = Some("System".into());
        assert_eq!(cleared.to_auth().unwrap().kind, AuthKind::LogCleared);
        cleared.channel = Some("Security".into());
        assert!(cleared.to_auth().is_err());
        let (key, why) = event(4672, &[]).to_auth().unwrap_err();
        assert_eq!(key, "4672");
        assert_eq!(
            why.en,
            "4672 (special privileges assigned): not used by any rule"
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
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?><Events><Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Security-Auditing"/><EventID>4625</EventID><TimeCreated SystemTime="2026-04-01T08:30:00.123Z"/><EventRecordID>77</EventRecordID><Channel>Security</Channel><Computer>HMI-01.plant.local</Computer></System><EventData><Data Name="TargetUserName">op1</Data><Data Name="LogonType">2</Data><Data Name="Status">0xc000006d</Data><Data Name="SubStatus">0xc0000064</Data><Data Name="IpAddress">-</Data></EventData></Event><Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><EventID>4672</EventID></System></Event></Events>"#;
        let log = read_xml(xml).unwrap();
        assert_eq!(log.records.len(), 1);
        let a = &log.records[0];
        assert_eq!(a.kind, AuthKind::LogonFailure);
        assert_eq!(a.system, "HMI-01.plant.local");
        assert_eq!(a.sub_status, Some(0xC000_0064));
        assert_eq!(a.source, None);
        assert_eq!(a.record_id, Some(77));
        assert_eq!(a.time.to_string(), "2026-04-01T08:30:00.123Z");
        assert_eq!(log.skipped["4672"].0, 1);
    }
}
