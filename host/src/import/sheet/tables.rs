//! Every table Mizuchi imports from spreadsheets: one per list a utility
//! keeps (the asset register, the roster, the contract list…), with the
//! headers it is known by in Japanese and English.
//!
//! A column's `path` is the field of the evidence record its cell fills, so
//! what a column means is what the field's documentation says; the notes
//! here say it in the words of the spreadsheet.

use std::sync::OnceLock;

use mizuchi_evidence as ev;
use mizuchi_evidence::{Clause, SectionKind, Text};
use serde_json::{Value, json};

use super::spec::{CellKind, Choice, Column, Placement, Table, col, record};
use crate::import::text::{list, norm};

const fn c(
    value: &'static str,
    ja: &'static [&'static str],
    en: &'static [&'static str],
) -> Choice {
    Choice { value, ja, en }
}

const ASSET_KINDS: &[Choice] = &[
    c("server", &["サーバ", "サーバー"], &[]),
    c(
        "workstation",
        &["事務端末", "パソコン", "ワークステーション"],
        &["pc"],
    ),
    c("hmi", &["監視操作端末", "監視端末", "操作端末"], &[]),
    c("plc", &["PLC", "制御装置", "コントローラ"], &["controller"]),
    c("rtu", &["テレメータ", "RTU", "子局"], &["telemeter"]),
    c(
        "network-device",
        &[
            "ネットワーク機器",
            "ルータ",
            "スイッチ",
            "ファイアウォール",
            "UTM",
        ],
        &["network device", "router", "switch", "firewall"],
    ),
    c("laptop", &["ノートPC", "ノートパソコン"], &[]),
    c("tablet", &["タブレット"], &[]),
    c("peripheral", &["周辺機器", "プリンタ"], &["printer"]),
    c("other", &["その他"], &[]),
];

const AUTH_METHODS: &[Choice] = &[
    c("none", &["なし", "認証なし", "無"], &[]),
    c("password", &["パスワード"], &[]),
    c(
        "smart-card",
        &["ICカード", "スマートカード"],
        &["smart card"],
    ),
    c("biometric", &["生体認証"], &[]),
    c(
        "multi-factor",
        &["多要素認証", "多要素", "二要素認証"],
        &["mfa", "2fa"],
    ),
];

const MEDIA_CONTROLS: &[Choice] = &[
    c("blocked", &["無効化", "無効", "禁止", "閉塞"], &[]),
    c("no-ports", &["ポートなし", "端子なし"], &["no ports"]),
    c(
        "allow-listed",
        &["許可媒体のみ", "登録媒体のみ", "許可制", "登録制"],
        &["allow listed", "allowlisted"],
    ),
    c("unrestricted", &["制限なし"], &[]),
];

const ENFORCEMENTS: &[Choice] = &[
    c(
        "technical",
        &["技術的", "デバイス制御", "グループポリシー", "設定"],
        &["device control", "group policy"],
    ),
    c("physical", &["物理的", "ポートロック"], &["port lock"]),
    c(
        "procedural",
        &["運用", "周知", "掲示", "規則のみ"],
        &["notice"],
    ),
    c("none", &["なし"], &[]),
];

const EXPOSURES: &[Choice] = &[
    c("internet", &["インターネット", "外部"], &[]),
    c("internal", &["内部", "内部のみ", "所内"], &[]),
];

const MEASURE_KINDS: &[Choice] = &[
    c(
        "application-allow-listing",
        &["アプリケーション許可リスト", "ホワイトリスト"],
        &["allow listing", "whitelisting"],
    ),
    c(
        "write-protected-image",
        &["書込み保護", "書き込み保護", "ライトプロテクト"],
        &["write protection"],
    ),
    c("other", &["その他"], &[]),
];

const NETWORK_KINDS: &[Choice] = &[
    c("control", &["制御系", "制御"], &[]),
    c("office", &["情報系", "事務系"], &[]),
    c("dmz", &["DMZ"], &[]),
    c("vendor", &["ベンダ", "保守業者"], &[]),
    c("carrier", &["通信事業者網", "閉域網サービス"], &[]),
    c("cloud", &["クラウド"], &[]),
    c("internet", &["インターネット"], &[]),
    c("other", &["その他"], &[]),
];

const LINK_MEDIA: &[Choice] = &[
    c("dedicated-line", &["専用線"], &["dedicated line"]),
    c(
        "wide-area-ethernet",
        &["広域イーサネット"],
        &["wide area ethernet"],
    ),
    c("ip-vpn", &["IP-VPN"], &[]),
    c("entry-vpn", &["エントリーVPN"], &[]),
    c(
        "internet-vpn",
        &["インターネットVPN", "SSL-VPN", "IPsec-VPN"],
        &["ssl-vpn", "ipsec"],
    ),
    c("firewall", &["ファイアウォール", "FW"], &[]),
    c("router", &["ルータ", "ルーター"], &[]),
    c("direct", &["直結", "同一セグメント"], &[]),
    c("wireless", &["無線"], &[]),
];

const PURPOSES: &[Choice] = &[
    c("telework", &["テレワーク"], &[]),
    c(
        "vendor-maintenance",
        &["リモート保守", "保守"],
        &["vendor maintenance"],
    ),
    c("other", &["その他"], &[]),
];

const SITE_KINDS: &[Choice] = &[
    c("purification-plant", &["浄水場"], &["purification plant"]),
    c("pump-station", &["ポンプ場", "ポンプ所"], &["pump station"]),
    c(
        "distribution-reservoir",
        &["配水池"],
        &["distribution reservoir"],
    ),
    c("office", &["事務所", "庁舎"], &[]),
    c("data-center", &["データセンター"], &["data centre"]),
    c("other", &["その他"], &[]),
];

const SEPARATIONS: &[Choice] = &[
    c("walls", &["壁", "専用室", "独立した部屋"], &["room"]),
    c("partition", &["間仕切り", "ケージ"], &["cage"]),
    c("fence", &["フェンス", "柵"], &[]),
    c("other", &["その他"], &[]),
    c("none", &["なし"], &[]),
];

const ENTRY_CONTROLS: &[Choice] = &[
    c("card", &["ICカード", "カード"], &[]),
    c("biometric", &["生体認証"], &[]),
    c(
        "key-with-ledger",
        &["鍵(管理簿あり)", "鍵と管理簿"],
        &["key with ledger"],
    ),
    c("guard", &["受付", "守衛"], &[]),
    c("other-recorded", &["その他(記録あり)"], &["other recorded"]),
    c("key", &["鍵"], &[]),
    c("none", &["なし"], &[]),
];

const PERSON_KINDS: &[Choice] = &[
    c("staff", &["職員", "正職員"], &[]),
    c("contractor", &["委託業者", "委託先"], &[]),
    c("temporary", &["臨時", "派遣", "会計年度任用職員"], &[]),
];

const ACCOUNT_KINDS: &[Choice] = &[
    c("person", &["個人"], &[]),
    c("service", &["サービス", "システム"], &[]),
    c("shared", &["共有", "共用"], &[]),
    c(
        "built-in",
        &["組込み", "既定", "ビルトイン"],
        &["builtin", "default"],
    ),
];

const CONTRACT_SCOPES: &[Choice] = &[
    c(
        "information-systems",
        &["情報システム"],
        &["information systems"],
    ),
    c("information", &["情報の取扱い", "情報"], &[]),
    c("extended-support", &["延長サポート"], &["extended support"]),
    c("other", &["その他"], &[]),
];

const DISPOSITIONS: &[Choice] = &[
    c("returned", &["返却"], &[]),
    c("destroyed", &["廃棄", "消去"], &["deleted"]),
];

const RUN_STATUSES: &[Choice] = &[
    c(
        "success",
        &["成功", "正常終了", "正常"],
        &["succeeded", "ok"],
    ),
    c("partial", &["一部成功", "警告"], &["warning"]),
    c(
        "failed",
        &["失敗", "異常終了", "エラー"],
        &["failure", "error", "ng"],
    ),
];

const MEDIA: &[Choice] = &[
    c("disk", &["ディスク", "NAS", "HDD"], &[]),
    c("tape", &["テープ", "LTO"], &[]),
    c("optical", &["光ディスク", "DVD", "BD"], &[]),
    c("cloud", &["クラウド"], &[]),
    c("offline", &["オフライン", "外付けHDD"], &[]),
];

const ROLES: &[Choice] = &[
    c("ciso", &["最高情報セキュリティ責任者", "CISO"], &[]),
    c(
        "cybersecurity-officer",
        &["サイバーセキュリティ責任者", "情報セキュリティ責任者"],
        &["cybersecurity officer"],
    ),
    c(
        "system-administrator",
        &["システム管理者"],
        &["system administrator"],
    ),
    c("other", &["その他"], &[]),
];

const PARTIES: &[Choice] = &[
    c("regulator", &["水道行政", "国土交通省", "都道府県"], &[]),
    c("ceptoar", &["水道CEPTOAR", "CEPTOAR"], &[]),
    c("police", &["警察"], &[]),
    c("vendor", &["ベンダ", "委託業者"], &[]),
    c("other", &["その他"], &[]),
];

const PLAN_KINDS: &[Choice] = &[
    c("it-bcp", &["IT-BCP"], &[]),
    c(
        "contingency",
        &["コンティンジェンシープラン"],
        &["contingency plan"],
    ),
    c("bcp", &["BCP", "業務継続計画"], &[]),
];

const AUDIT_KINDS: &[Choice] = &[
    c("internal-audit", &["内部監査"], &["internal audit"]),
    c("self-inspection", &["自己点検"], &["self inspection"]),
    c("external-audit", &["外部監査"], &["external audit"]),
];

const DOOR_RESULTS: &[Choice] = &[
    c("granted", &["許可", "通過", "解錠"], &["ok"]),
    c("denied", &["拒否", "不許可", "エラー"], &["ng"]),
];

const DIRECTIONS: &[Choice] = &[
    c("entry", &["入室", "入"], &["in"]),
    c("exit", &["退室", "出"], &["out"]),
    c("unknown", &["不明"], &[]),
];

use CellKind::{Bool, Date, Dates, List, Time};

fn choice(choices: &'static [Choice]) -> CellKind {
    CellKind::Choice(choices)
}

/// The networks of an asset: a list, or `none` for a standalone machine
/// (an empty cell is "not recorded").
fn networks(raw: &str) -> Result<Value, Text> {
    let n = norm(raw).to_lowercase();
    if ["none", "standalone", "なし", "スタンドアロン", "単独"].contains(&n.as_str()) {
        return Ok(json!([]));
    }
    Ok(json!(list(raw)))
}

/// Exposed services written `name:port:exposure` (`rdp:3389:internet`),
/// several separated by `;`.
fn services(raw: &str) -> Result<Value, Text> {
    let mut out = Vec::new();
    for item in norm(raw)
        .split([';', '、', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let parts: Vec<&str> = item.split(':').map(str::trim).collect();
        let bad = || {
            Text::new(
                format!(
                    "`{item}` は「名前:ポート:公開範囲」(例 rdp:3389:インターネット) の形ではありません"
                ),
                format!("`{item}` is not written name:port:exposure (e.g. rdp:3389:internet)"),
            )
        };
        let [name, port, exposure] = parts[..] else {
            return Err(bad());
        };
        let port: u16 = port.parse().map_err(|_| bad())?;
        let exposure = super::assemble::read_choice(exposure, EXPOSURES)?;
        out.push(json!({ "service": name.to_lowercase(), "port": port, "exposure": exposure }));
    }
    Ok(Value::Array(out))
}

/// A service level, or `none` when the policy sets none.
fn service_level(raw: &str) -> Result<Value, Text> {
    let n = norm(raw);
    if ["none", "なし", "無", "定めなし"].contains(&n.to_lowercase().as_str()) {
        return Ok(json!("none"));
    }
    Ok(json!({ "target": n }))
}

fn id(ja: &'static str, en: &'static str) -> Column {
    col("id", ja, en).required()
}

fn name() -> Column {
    col("name", "名称", "Name").aka(&["名前"]).required()
}

fn inventory() -> Vec<Table> {
    vec![
        Table {
            name: "systems",
            section: SectionKind::Inventory,
            title: Text::new("システム", "Systems"),
            note: Text::new(
                "情報システム・制御システムの一覧。1行に1システム",
                "Information and control systems, one per row",
            ),
            placement: Placement::List("systems"),
            columns: vec![
                id("システムID", "System ID").aka(&["system"]).note("システムの識別子 (一意)", "the system's id (unique)", "SYS-KTN-SCADA"),
                name().note("システム名", "the system's name", "北浄水場 監視制御システム"),
                col("department", "所管部署", "Department").aka(&["部署", "担当課"]).note("システムを所管する部署。異動した職員のアクセス権の判定に使います", "the department that owns the system; people transferred away lose access", "浄水課"),
                col("control_system", "制御系", "Control system").aka(&["制御系システム"]).kind(Bool).note("水道施設の運転・管理を行うシステム (省令の対象) か", "whether it runs water facilities (in the ordinance's scope)", "○"),
                col("needed_for_operations", "業務継続に必要", "Needed for operations").aka(&["バックアップ対象"]).kind(Bool).note("業務の継続に必要で、バックアップが要るか", "whether the service needs it, so it must be backed up", "○"),
                col("site", "主な拠点", "Site").aka(&["拠点"]).note("主なデータがある拠点の ID (拠点の表)", "the site holding its primary data (a site id)", "KTN"),
            ],
            records: record::<ev::System>(),
        },
        Table {
            name: "assets",
            section: SectionKind::Inventory,
            title: Text::new("資産", "Assets"),
            note: Text::new(
                "資産台帳: サーバ・端末・制御装置・ネットワーク機器・周辺機器。1行に1台",
                "The asset register: servers, terminals, controllers, network devices and peripherals, one per row",
            ),
            placement: Placement::List("assets"),
            columns: vec![
                id("資産ID", "Asset ID").aka(&["資産番号", "機器ID", "管理番号", "asset"]).note("資産の識別子 (一意)", "the asset's id (unique)", "KTN-HMI-01"),
                name().aka(&["機器名", "資産名", "asset name"]).note("機器の名前", "the asset's name", "監視操作端末1号"),
                col("kind", "種別", "Kind").aka(&["機器種別", "type", "asset type"]).kind(choice(ASSET_KINDS)).required().note("機器の種類", "what kind of device it is", "監視操作端末"),
                col("system", "システム", "System").aka(&["所属システム"]).note("属するシステムの ID", "the system it belongs to (a system id)", "SYS-KTN-SCADA"),
                col("control_system", "制御系", "Control system").aka(&["制御系システム", "in scope", "control"]).kind(Bool).note("水道施設の運転・管理に使う (省令の対象) か。空欄ならシステムの値を使います", "whether it runs water facilities; empty: its system says", "○"),
                col("hostnames", "ホスト名", "Host names").aka(&["hostname", "host name"]).kind(List).note("ログに現れるホスト名 (複数は ; で区切る)", "host names it appears under in logs (separate several with ;)", "ktn-hmi-01"),
                col("addresses", "IPアドレス", "IP addresses").aka(&["ip address", "address"]).kind(List).note("IP アドレス (複数は ; で区切る)", "its IP addresses (separate several with ;)", "10.1.0.11"),
                col("os.product", "OS", "OS").aka(&["OS製品", "OSの種類", "operating system", "os product", "ファームウェア"]).required().note("OS またはファームウェアの製品名", "the OS or firmware product", "Windows 10"),
                col("os.edition", "エディション", "Edition").note("エディション (同じビルドでもサポート期限が違うため重要)", "the edition (builds are shared by editions with different support ends)", "Enterprise LTSC 2019"),
                col("os.version", "OSバージョン", "OS version").aka(&["バージョン", "version"]).note("機能更新・リリース", "the feature update or release", "1809"),
                col("os.build", "ビルド", "Build").aka(&["ビルド番号"]).note("ビルド番号", "the build number", "17763"),
                col("authentication.method", "認証方式", "Authentication").aka(&["主体認証", "auth method", "authentication method"]).kind(choice(AUTH_METHODS)).required().note("利用者の認証方法", "how users are authenticated", "パスワード"),
                col("authentication.auto_logon", "自動ログオン", "Auto logon").kind(Bool).note("起動時に自動でログオンするか", "whether it logs a user on at start-up", "×"),
                col("authentication.blank_password", "空パスワード", "Blank password").kind(Bool).note("空のパスワードでログオンできるアカウントがあるか", "whether an account can log on with an empty password", "×"),
                col("authentication.default_password", "初期パスワードのまま", "Default password").aka(&["初期パスワード"]).kind(Bool).note("ベンダの初期パスワードを変えていないか", "whether a vendor's default password was left unchanged", "×"),
                col("anti_malware.installed", "ウイルス対策", "Anti-malware").aka(&["ウイルス対策ソフト", "アンチウイルス", "antivirus"]).kind(Bool).required().note("ウイルス対策ソフトが入っているか", "whether anti-malware software is installed", "○"),
                col("anti_malware.product", "ウイルス対策製品", "Anti-malware product").aka(&["antivirus product"]).note("製品名", "the product", "Defender"),
                col("anti_malware.definitions_updated_on", "定義ファイル更新日", "Definitions updated").aka(&["パターンファイル更新日", "definitions updated on"]).kind(Date).note("定義ファイルを最後に更新した日", "when its definitions were last updated", "2026-11-25"),
                col("anti_malware.automatic_scan", "自動スキャン", "Automatic scan").aka(&["自動検査", "auto scan"]).kind(Bool).note("自動 (リアルタイム・定期) スキャンが有効か", "whether automatic scanning is on", "○"),
                col("removable_media.control", "外部媒体制御", "Removable media").aka(&["USB制御", "usb control", "media control"]).kind(choice(MEDIA_CONTROLS)).required().note("USB メモリ等の外部媒体の扱い", "what removable media may do", "無効化"),
                col("removable_media.enforcement", "外部媒体制御の方法", "Media enforcement").aka(&["外部媒体制御方法", "制御方法", "enforcement"]).kind(choice(ENFORCEMENTS)).required().note("制御の手段。掲示・周知だけなら「運用」", "how it is enforced; a notice alone is procedural", "技術的"),
                col("removable_media.description", "外部媒体制御の内容", "Media control details").note("設定の内容", "how the control is set up", "グループポリシーで USB ストレージを拒否"),
                col("location.site", "拠点", "Site").aka(&["設置拠点"]).required().note("据え置きの機器がある拠点の ID", "the site a fixed asset stands at (a site id)", "KTN"),
                col("location.area", "設置場所", "Area").aka(&["区域", "設置区域", "room"]).note("拠点内の区域の ID (拠点と一緒に書く)", "the area within the site (an area id; needs the site)", "KTN-CTRL"),
                col("portable", "可搬", "Portable").aka(&["可搬型"]).kind(Bool).note("持ち運ぶ機器 (ノート PC・タブレット) か", "whether it is portable (laptop, tablet)", "×"),
                col("storage.lockable_storage", "施錠保管", "Locked storage").aka(&["lockable storage"]).kind(Bool).note("使わないとき施錠して保管するか", "whether it is locked away when not in use", "○"),
                col("storage.always_carried", "常時携帯", "Always carried").kind(Bool).note("利用者が常に携帯するか", "whether its user always carries it", "×"),
                col("networks", "接続ネットワーク", "Networks").aka(&["ネットワーク", "network"]).kind(CellKind::Custom(networks)).note("接続するネットワークの ID (複数は ;)。単独で使う機器は「なし」", "the networks it attaches to (separate with ;); `none` for a standalone machine", "ktn-ctl"),
                col("exposed_services", "公開サービス", "Exposed services").aka(&["services"]).kind(CellKind::Custom(services)).note("他の機器に提供するサービス「名前:ポート:公開範囲」(複数は ;)", "services it offers, name:port:exposure (separate with ;)", "rdp:3389:内部"),
                col("extended_support.contract", "延長サポート契約", "Extended support contract").required().note("OS の有償延長サポートを買う契約の ID", "the contract buying paid extended OS support", "C-2024-07"),
                col("extended_support.ends_on", "延長サポート期限", "Extended support ends").kind(Date).required().note("延長サポートの最終日", "last day of the extended support", "2027-01-12"),
                col("vendor_support.until", "ベンダサポート期限", "Vendor support until").kind(Date).required().note("ベンダが OS・ファームウェアを保守する最終日 (ライフサイクル表にない機器)", "last day the vendor supports the OS or firmware (for devices not in the lifecycle table)", "2030-03-31"),
                col("vendor_support.reference", "ベンダサポートの根拠", "Vendor support reference").note("根拠となる文書", "where the vendor says so", "保守終了予定のお知らせ 2024-05"),
            ],
            records: record::<ev::Asset>(),
        },
        Table {
            name: "inventory_review",
            section: SectionKind::Inventory,
            title: Text::new("台帳の見直し", "Inventory review"),
            note: Text::new(
                "資産台帳全体を最後に見直した日 (1行)",
                "When the asset register was last reviewed as a whole (one row)",
            ),
            placement: Placement::Root,
            columns: vec![
                col("reviewed_on", "最終見直し日", "Reviewed on").aka(&["見直し日"]).kind(Date).required().note("台帳全体を最後に見直した日", "the day the whole register was last reviewed", "2025-12-15"),
            ],
            records: record::<ev::Inventory>(),
        },
        Table {
            name: "alternative_measures",
            section: SectionKind::Inventory,
            title: Text::new("代替措置", "Alternative measures"),
            note: Text::new(
                "ウイルス対策ソフトやサポート中の OS に代わる、記録された措置。1行に1措置",
                "Recorded measures that replace anti-malware or a supported OS, one per row",
            ),
            placement: Placement::Child { parent: "assets", field: "alternative_measures", keys: &["asset"] },
            columns: vec![
                col("asset", "資産ID", "Asset ID").required().note("措置をとる資産の ID", "the asset (an asset id)", "KTN-PLC-01"),
                col("kind", "種類", "Kind").kind(choice(MEASURE_KINDS)).required().note("措置の種類", "what kind of measure", "アプリケーション許可リスト"),
                col("description", "内容", "Description").required().note("措置の内容", "what the measure is", "許可リスト方式の制御ソフトで未登録プログラムの実行を禁止"),
                col("approved_by", "承認者", "Approved by").note("承認した人の職員 ID", "who approved it (a person id)", "P-0102"),
                col("approved_on", "承認日", "Approved on").kind(Date).note("承認した日", "when it was approved", "2026-04-01"),
            ],
            records: record::<ev::AlternativeMeasure>(),
        },
    ]
}

fn networks_tables() -> Vec<Table> {
    vec![
        Table {
            name: "networks",
            section: SectionKind::Networks,
            title: Text::new("ネットワーク", "Networks"),
            note: Text::new(
                "ネットワーク (セグメント) の一覧。インターネットも1行",
                "Network segments, the internet included, one per row",
            ),
            placement: Placement::List("networks"),
            columns: vec![
                id("ネットワークID", "Network ID").note(
                    "識別子 (一意)",
                    "the network's id (unique)",
                    "ktn-ctl",
                ),
                name().note("名前", "its name", "北浄水場 制御LAN"),
                col("kind", "種別", "Kind")
                    .kind(choice(NETWORK_KINDS))
                    .required()
                    .note("何のためのネットワークか", "what it is for", "制御系"),
                col("site", "拠点", "Site").note("ある拠点の ID", "the site it is at", "KTN"),
                col("declared_closed", "閉域網", "Declared closed")
                    .aka(&["閉域"])
                    .kind(Bool)
                    .note(
                        "閉域網として扱っているか (実際に閉じているかは規則が判定)",
                        "whether the utility regards it as closed (a rule checks whether it is)",
                        "○",
                    ),
            ],
            records: record::<ev::Network>(),
        },
        Table {
            name: "links",
            section: SectionKind::Networks,
            title: Text::new("接続", "Links"),
            note: Text::new(
                "2つのネットワークの接続。インターネットとの接続点も1行",
                "Connections between two networks, internet contact points included",
            ),
            placement: Placement::List("links"),
            columns: vec![
                id("接続ID", "Link ID").note("識別子 (一意)", "the link's id (unique)", "L-01"),
                col("a", "接続元", "From")
                    .aka(&["ネットワークA"])
                    .required()
                    .note(
                        "一方のネットワークの ID",
                        "one end (a network id)",
                        "ktn-ctl",
                    ),
                col("b", "接続先", "To")
                    .aka(&["ネットワークB"])
                    .required()
                    .note(
                        "他方のネットワークの ID",
                        "the other end (a network id)",
                        "ktn-ofc",
                    ),
                col("medium", "接続方式", "Medium")
                    .aka(&["回線"])
                    .kind(choice(LINK_MEDIA))
                    .required()
                    .note(
                        "何で接続しているか。ファイアウォールやルータは分離になりません",
                        "what carries the link; a firewall or router does not isolate",
                        "ファイアウォール",
                    ),
                col("encrypted", "暗号化", "Encrypted").kind(Bool).note(
                    "通信を暗号化しているか",
                    "whether traffic is encrypted",
                    "○",
                ),
                col("authenticated", "相互認証", "Authenticated")
                    .kind(Bool)
                    .note(
                        "両端が認証し合うか",
                        "whether the ends authenticate each other",
                        "○",
                    ),
                col("carries_control_traffic", "制御通信", "Control traffic")
                    .kind(Bool)
                    .note(
                        "拠点間の制御系の通信を運ぶか",
                        "whether it carries control traffic between sites",
                        "×",
                    ),
                col("description", "説明", "Description").note(
                    "説明",
                    "a description",
                    "FW-KTN 経由",
                ),
            ],
            records: record::<ev::Link>(),
        },
        Table {
            name: "remote_access",
            section: SectionKind::Networks,
            title: Text::new("リモートアクセス", "Remote access"),
            note: Text::new(
                "外部から入る経路 (テレワーク・リモート保守)。1行に1経路",
                "Ways in from outside (telework, vendor maintenance), one per row",
            ),
            placement: Placement::List("remote_access"),
            columns: vec![
                id("経路ID", "Path ID").note("識別子 (一意)", "the path's id (unique)", "RA-01"),
                col("purpose", "用途", "Purpose")
                    .kind(choice(PURPOSES))
                    .required()
                    .note("何のための経路か", "what it is for", "リモート保守"),
                col("network", "接続先ネットワーク", "Network")
                    .required()
                    .note(
                        "入る先のネットワークの ID",
                        "the network reached",
                        "ktn-ctl",
                    ),
                col("approved_by", "承認者", "Approved by").note(
                    "承認した人の職員 ID",
                    "who approved it (a person id)",
                    "P-0102",
                ),
                col("approved_on", "承認日", "Approved on").kind(Date).note(
                    "承認した日",
                    "when it was approved",
                    "2026-04-01",
                ),
                col("encrypted", "暗号化", "Encrypted").kind(Bool).note(
                    "通信を暗号化しているか",
                    "whether traffic is encrypted",
                    "○",
                ),
                col("auth_logging", "認証ログ", "Logon logging")
                    .kind(Bool)
                    .note("ログオンを記録しているか", "whether logons are logged", "○"),
                col("mfa", "多要素認証", "MFA").kind(Bool).note(
                    "多要素認証を使うか",
                    "whether users authenticate with more than one factor",
                    "○",
                ),
            ],
            records: record::<ev::RemoteAccess>(),
        },
        Table {
            name: "remote_devices",
            section: SectionKind::Networks,
            title: Text::new("リモート端末", "Remote devices"),
            note: Text::new(
                "リモートアクセスに使う端末。1行に1台",
                "Devices used over a remote-access path, one per row",
            ),
            placement: Placement::Child {
                parent: "remote_access",
                field: "devices",
                keys: &["path"],
            },
            columns: vec![
                col("path", "経路ID", "Path ID").required().note(
                    "使う経路の ID",
                    "the path (a path id)",
                    "RA-01",
                ),
                col("id", "端末ID", "Device ID").required().note(
                    "端末の ID (資産 ID など)",
                    "the device's id, e.g. an asset id",
                    "TAB-03",
                ),
                col("mobile", "携帯端末", "Mobile").kind(Bool).note(
                    "持ち出すスマートフォン・タブレット・ノート PC か",
                    "whether it leaves the premises",
                    "○",
                ),
                col("remote_wipe", "遠隔消去", "Remote wipe")
                    .kind(Bool)
                    .note(
                        "紛失時に遠隔で消去できるか",
                        "whether it can be wiped remotely",
                        "○",
                    ),
            ],
            records: record::<ev::RemoteDevice>(),
        },
    ]
}

fn sites_tables() -> Vec<Table> {
    vec![
        Table {
            name: "sites",
            section: SectionKind::Sites,
            title: Text::new("拠点", "Sites"),
            note: Text::new("浄水場・ポンプ場・庁舎など。1行に1拠点", "Plants, pump stations, offices, one per row"),
            placement: Placement::List("sites"),
            columns: vec![
                id("拠点ID", "Site ID").note("識別子 (一意)", "the site's id (unique)", "KTN"),
                name().note("名前", "its name", "北浄水場"),
                col("kind", "種別", "Kind").kind(choice(SITE_KINDS)).required().note("拠点の種類", "what kind of site", "浄水場"),
                col("region", "被災地域", "Region").aka(&["地域"]).note("同時に被災する地域 (浸水想定区域・県など)", "a region that fails together in a disaster", "北部浸水想定区域"),
            ],
            records: record::<ev::Site>(),
        },
        Table {
            name: "areas",
            section: SectionKind::Sites,
            title: Text::new("区域", "Areas"),
            note: Text::new("拠点内の部屋・区画。1行に1区域", "Rooms and zones within a site, one per row"),
            placement: Placement::List("areas"),
            columns: vec![
                id("区域ID", "Area ID").note("識別子 (一意)", "the area's id (unique)", "KTN-CTRL"),
                col("site", "拠点", "Site").required().note("ある拠点の ID", "its site (a site id)", "KTN"),
                name().note("名前", "its name", "中央監視室"),
                col("separation", "区画", "Separation").kind(choice(SEPARATIONS)).required().note("他と何で隔てられているか (障壁・施錠等)", "how it is separated (barriers, locks or the like)", "壁"),
                col("locked", "施錠", "Locked").kind(Bool).note("出入口を施錠できるか", "whether its entrances lock", "○"),
                col("entry_control", "入退室管理", "Entry control").kind(choice(ENTRY_CONTROLS)).required().note("入室の管理方法", "how entry is managed", "ICカード"),
                col("note", "備考", "Note").note("「その他」の場合の説明", "a description, for `other`", ""),
                col("controlled", "管理区域", "Controlled").kind(Bool).note("人ごとに入室を許可する管理区域か", "whether entries are authorised per person", "○"),
                col("department", "使用部署", "Department").aka(&["所管部署"]).note("この区域を仕事で使う部署。異動で離れた人は入室不要になります", "the department whose work needs the area; people transferred away no longer need it", "浄水課"),
            ],
            records: record::<ev::Area>(),
        },
    ]
}

fn people_tables() -> Vec<Table> {
    vec![
        Table {
            name: "people",
            section: SectionKind::People,
            title: Text::new("職員", "People"),
            note: Text::new(
                "職員・委託先の作業員・臨時職員。1行に1人",
                "Staff, contractors' workers and temporary workers, one per row",
            ),
            placement: Placement::List("people"),
            columns: vec![
                id("職員ID", "Person ID")
                    .aka(&["職員番号", "社員番号", "person"])
                    .note("識別子 (一意)", "the person's id (unique)", "P-0102"),
                name()
                    .aka(&["氏名"])
                    .note("氏名", "the person's name", "山田 太郎"),
                col("kind", "区分", "Kind")
                    .aka(&["雇用区分"])
                    .kind(choice(PERSON_KINDS))
                    .required()
                    .note("勤務の形態", "how the person works for the utility", "職員"),
                col("department", "所属", "Department").aka(&["部署"]).note(
                    "現在 (退職者は最後) の所属",
                    "the department now (or last)",
                    "浄水課",
                ),
                col("roles", "役割", "Roles").kind(List).note(
                    "職務 (複数は ;)",
                    "job roles (separate with ;)",
                    "運転員",
                ),
                col("joined_on", "着任日", "Joined on")
                    .aka(&["採用日", "入庁日"])
                    .kind(Date)
                    .note("最初の勤務日", "the first working day", "2015-04-01"),
                col("left_on", "退職日", "Left on")
                    .aka(&["離職日"])
                    .kind(Date)
                    .note(
                        "退職した日。この日からアクセスは不要",
                        "the day the person left; from then on access must be gone",
                        "",
                    ),
            ],
            records: record::<ev::Person>(),
        },
        Table {
            name: "transfers",
            section: SectionKind::People,
            title: Text::new("異動", "Transfers"),
            note: Text::new(
                "部署間の異動。1行に1件",
                "Moves between departments, one per row",
            ),
            placement: Placement::Child {
                parent: "people",
                field: "transfers",
                keys: &["person"],
            },
            columns: vec![
                col("person", "職員ID", "Person ID").required().note(
                    "異動した人の ID",
                    "who moved (a person id)",
                    "P-0130",
                ),
                col("on", "異動日", "On").kind(Date).required().note(
                    "新しい部署の初日",
                    "the first day in the new department",
                    "2026-04-01",
                ),
                col("from", "異動元", "From").required().note(
                    "元の部署",
                    "the department left",
                    "浄水課",
                ),
                col("to", "異動先", "To").required().note(
                    "新しい部署",
                    "the department joined",
                    "料金課",
                ),
            ],
            records: record::<ev::Transfer>(),
        },
    ]
}

fn accounts_tables() -> Vec<Table> {
    vec![Table {
        name: "accounts",
        section: SectionKind::Accounts,
        title: Text::new("アカウント", "Accounts"),
        note: Text::new(
            "システム・機器のログオンアカウント。1行に1つ",
            "Log-on accounts of systems and assets, one per row",
        ),
        placement: Placement::List("accounts"),
        columns: vec![
            id("アカウントID", "Account ID").note(
                "識別子 (一意)。例: システム/名前",
                "the account's id (unique), e.g. system/name",
                "SCADA/op01",
            ),
            col("system", "システム", "System").required().note(
                "アカウントがあるシステムまたは資産の ID",
                "the system or asset it is on",
                "SYS-KTN-SCADA",
            ),
            col("name", "ログオン名", "Logon name")
                .aka(&["ユーザー名", "user name"])
                .required()
                .note("ログに現れる名前", "the name as it appears in logs", "op01"),
            col("kind", "種別", "Kind")
                .kind(choice(ACCOUNT_KINDS))
                .note("誰のためのアカウントか", "who the account is for", "個人"),
            col("person", "職員ID", "Person ID").aka(&["使用者"]).note(
                "個人アカウントの持ち主",
                "the person it belongs to",
                "P-0102",
            ),
            col("privileged", "管理者権限", "Privileged")
                .aka(&["管理者"])
                .kind(Bool)
                .note(
                    "管理者権限があるか",
                    "whether it has administrator rights",
                    "×",
                ),
            col("enabled", "有効", "Enabled").kind(Bool).note(
                "今ログオンできるか",
                "whether it can log on now",
                "○",
            ),
            col("mfa", "多要素認証", "MFA").kind(Bool).note(
                "多要素認証が必要か",
                "whether MFA is required",
                "×",
            ),
            col("purpose", "用途", "Purpose").note(
                "サービス・共有アカウントの用途",
                "why a service or shared account exists",
                "",
            ),
            col("created_on", "作成日", "Created on").kind(Date).note(
                "作成した日",
                "when it was created",
                "2020-04-01",
            ),
            col("disabled_on", "無効化日", "Disabled on")
                .kind(Date)
                .note("無効にした日", "when it was disabled", ""),
            col("last_used_on", "最終ログオン日", "Last used on")
                .aka(&["最終ログオン"])
                .kind(Date)
                .note(
                    "最後に成功したログオン",
                    "the last successful logon",
                    "2026-11-20",
                ),
        ],
        records: record::<ev::Account>(),
    }]
}

fn area_access_tables() -> Vec<Table> {
    vec![
        Table {
            name: "authorisations",
            section: SectionKind::AreaAccess,
            title: Text::new("入室許可", "Area authorisations"),
            note: Text::new(
                "誰がどの管理区域にいつまで入れるか。1行に1件",
                "Who may enter which controlled area, and until when, one per row",
            ),
            placement: Placement::List("authorisations"),
            columns: vec![
                col("person", "職員ID", "Person ID").required().note(
                    "許可された人の ID",
                    "the person (a person id)",
                    "P-0102",
                ),
                col("area", "区域ID", "Area ID").required().note(
                    "区域の ID",
                    "the area (an area id)",
                    "KTN-CTRL",
                ),
                col("card", "カード番号", "Card").aka(&["カードID"]).note(
                    "発行したカード (入退室ログに出る番号)",
                    "the card issued, as door controllers log it",
                    "C-5521",
                ),
                col("from", "開始日", "From").kind(Date).required().note(
                    "許可の初日",
                    "first day of the authorisation",
                    "2024-04-01",
                ),
                col("until", "終了日", "Until").kind(Date).note(
                    "有効期限の最終日",
                    "last day of validity",
                    "",
                ),
                col("revoked_on", "取消日", "Revoked on")
                    .aka(&["抹消日"])
                    .kind(Date)
                    .note("取り消した日", "the day it was revoked", ""),
            ],
            records: record::<ev::AreaAuthorisation>(),
        },
        Table {
            name: "visitors",
            section: SectionKind::AreaAccess,
            title: Text::new("来訪者", "Visitors"),
            note: Text::new(
                "入退室管理簿の来訪者記録。1行に1件",
                "The visitor ledger, one visit per row",
            ),
            placement: Placement::List("visitors"),
            columns: vec![
                id("来訪ID", "Visit ID").note(
                    "記録の ID (一意)。入退室ログの来訪者番号",
                    "the visit's id (unique); door events name it",
                    "V-2026-118",
                ),
                name()
                    .aka(&["氏名"])
                    .note("来訪者の氏名", "the visitor's name", "鈴木 一郎"),
                col("organisation", "会社名", "Organisation")
                    .aka(&["所属"])
                    .note("会社・団体", "company or organisation", "〇〇電機"),
                col("area", "区域ID", "Area ID").required().note(
                    "訪れた区域の ID",
                    "the area visited",
                    "KTN-CTRL",
                ),
                col("date", "来訪日", "Date").kind(Date).required().note(
                    "来訪日",
                    "the day of the visit",
                    "2026-11-10",
                ),
                col("badge", "入館証", "Badge").note(
                    "入退室ログに出る入館証の番号",
                    "the badge door controllers log",
                    "VB-07",
                ),
                col("escort", "同行者", "Escort").aka(&["立会者"]).note(
                    "同行した職員の ID",
                    "the member of staff escorting (a person id)",
                    "P-0102",
                ),
                col("purpose", "用件", "Purpose").note(
                    "来訪の目的",
                    "why the visitor came",
                    "定期点検",
                ),
            ],
            records: record::<ev::Visit>(),
        },
    ]
}

fn contracts_tables() -> Vec<Table> {
    let mut columns = vec![
        id("契約ID", "Contract ID").aka(&["契約番号"]).note(
            "識別子 (一意)",
            "the contract's id (unique)",
            "C-2024-07",
        ),
        col("contractor", "委託先", "Contractor")
            .aka(&["業者名", "契約相手"])
            .required()
            .note(
                "委託先の名前",
                "the contractor's name",
                "〇〇システム株式会社",
            ),
        col("title", "件名", "Title")
            .aka(&["契約件名"])
            .required()
            .note(
                "何の契約か",
                "what the contract is for",
                "監視制御システム保守業務",
            ),
        col("scope", "範囲", "Scope")
            .kind(CellKind::Choices(CONTRACT_SCOPES))
            .note(
                "契約が扱うもの (複数は ;)",
                "what it touches (separate with ;)",
                "情報システム",
            ),
        col("assets", "対象資産", "Assets").kind(List).note(
            "対象の資産 ID (保守・延長サポート)",
            "assets it covers (maintenance, extended support)",
            "KTN-HMI-01",
        ),
        col("personal_data", "個人情報", "Personal data")
            .kind(Bool)
            .note(
                "個人情報を預けるか",
                "whether the contractor is entrusted with personal data",
                "×",
            ),
        col("starts_on", "契約開始日", "Starts on")
            .aka(&["開始日"])
            .kind(Date)
            .required()
            .note("契約の初日", "first day", "2024-04-01"),
        col("ends_on", "契約終了日", "Ends on")
            .aka(&["終了日"])
            .kind(Date)
            .note("契約の最終日", "last day", "2027-03-31"),
    ];
    for clause in Clause::ALL {
        let name = clause.name();
        let note_ja = if clause.is_personal_data() {
            "この条項を含むか (個人情報を預ける契約)"
        } else {
            "この条項を含むか"
        };
        let note_en = if clause.is_personal_data() {
            "whether the contract includes this clause (contracts entrusting personal data)"
        } else {
            "whether the contract includes this clause"
        };
        let mut column = col(&format!("clauses.{}", clause.key()), "", "")
            .kind(Bool)
            .note(note_ja, note_en, "○");
        column.header = Text::new(name.ja, format!("Clause: {}", name.en));
        column.aliases.push(clause.key());
        columns.push(column);
    }
    vec![
        Table {
            name: "contracts",
            section: SectionKind::Contracts,
            title: Text::new("委託契約", "Contracts"),
            note: Text::new(
                "委託契約の一覧。条項は1列に1つ: ○ 含む、× 含まない、空欄 未確認",
                "Contracts, one per row; one column per clause: yes included, no not included, empty not recorded",
            ),
            placement: Placement::List("contracts"),
            columns,
            records: record::<ev::Contract>(),
        },
        Table {
            name: "dispositions",
            section: SectionKind::Contracts,
            title: Text::new("返却・廃棄確認", "Data dispositions"),
            note: Text::new(
                "預けた情報を返却・廃棄した確認。1行に1件",
                "Confirmations that entrusted data was returned or destroyed, one per row",
            ),
            placement: Placement::Child {
                parent: "contracts",
                field: "data_disposition",
                keys: &["contract"],
            },
            columns: vec![
                col("contract", "契約ID", "Contract ID").required().note(
                    "契約の ID",
                    "the contract",
                    "C-2021-03",
                ),
                col("kind", "処理", "Kind")
                    .kind(choice(DISPOSITIONS))
                    .required()
                    .note("返却か廃棄か", "returned or destroyed", "廃棄"),
                col("confirmed_on", "確認日", "Confirmed on")
                    .kind(Date)
                    .required()
                    .note(
                        "確認書を受け取った日",
                        "when the confirmation was received",
                        "2024-04-20",
                    ),
                col("document", "確認書", "Document").note(
                    "証明書の番号・ファイル名",
                    "the confirming document",
                    "廃棄証明書 No.118",
                ),
            ],
            records: record::<ev::DataDisposition>(),
        },
    ]
}

fn backups_tables() -> Vec<Table> {
    vec![
        Table {
            name: "backup_runs",
            section: SectionKind::Backups,
            title: Text::new("バックアップ実行", "Backup runs"),
            note: Text::new(
                "バックアップジョブの実行結果。1行に1回",
                "Runs of backup jobs, one per row",
            ),
            placement: Placement::List("runs"),
            columns: vec![
                col("system", "システム", "System")
                    .aka(&["対象システム"])
                    .required()
                    .note(
                        "バックアップしたシステムの ID",
                        "the system backed up",
                        "SYS-KTN-SCADA",
                    ),
                col("job", "ジョブ名", "Job")
                    .aka(&["ジョブ", "job name"])
                    .note("ジョブの名前", "the job's name", "SCADA-weekly"),
                col("finished_at", "終了日時", "Finished at")
                    .aka(&["完了日時", "finished", "end time"])
                    .kind(Time)
                    .required()
                    .note(
                        "終了した日時 (時差なしは日本時間)",
                        "when it ended (without an offset: the import's, JST by default)",
                        "2026/11/22 03:15",
                    ),
                col("status", "結果", "Status")
                    .aka(&["状態", "result"])
                    .kind(choice(RUN_STATUSES))
                    .required()
                    .note("結果", "how it ended", "成功"),
                col("destination.site", "保管拠点", "Destination site")
                    .aka(&["保管先拠点", "destination site"])
                    .note("コピーを置く拠点の ID", "the site holding the copy", "HGS"),
                col("destination.region", "保管地域", "Destination region")
                    .aka(&["リージョン", "destination region"])
                    .note(
                        "拠点がないとき (クラウド) の地域",
                        "the region, when no site is given (cloud)",
                        "",
                    ),
                col("destination.medium", "保管媒体", "Medium")
                    .aka(&["媒体", "media"])
                    .kind(choice(MEDIA))
                    .required()
                    .note("コピーの媒体", "what the copy is on", "テープ"),
            ],
            records: record::<ev::BackupRun>(),
        },
        Table {
            name: "restore_tests",
            section: SectionKind::Backups,
            title: Text::new("復旧試験", "Restore tests"),
            note: Text::new(
                "バックアップから戻せるかの試験。1行に1回",
                "Tests of restoring from a backup, one per row",
            ),
            placement: Placement::List("restore_tests"),
            columns: vec![
                col("system", "システム", "System").required().note(
                    "試験したシステムの ID",
                    "the system restored",
                    "SYS-KTN-SCADA",
                ),
                col("tested_on", "試験日", "Tested on")
                    .kind(Date)
                    .required()
                    .note("試験した日", "the day of the test", "2026-06-10"),
                col("succeeded", "成功", "Succeeded")
                    .aka(&["結果"])
                    .kind(Bool)
                    .required()
                    .note("復旧できたか", "whether the restore worked", "○"),
                col("notes", "備考", "Notes").note(
                    "何をどう戻したか",
                    "what was restored, and how",
                    "予備機へ全体復元",
                ),
            ],
            records: record::<ev::RestoreTest>(),
        },
    ]
}

fn training_tables() -> Vec<Table> {
    vec![Table {
        name: "training",
        section: SectionKind::Training,
        title: Text::new("研修", "Training"),
        note: Text::new(
            "研修の受講記録。1行に1人1回",
            "Completed training, one person and course per row",
        ),
        placement: Placement::List("records"),
        columns: vec![
            col("person", "職員ID", "Person ID").required().note(
                "受講者の ID",
                "the person trained",
                "P-0102",
            ),
            col("course", "研修名", "Course")
                .aka(&["講座"])
                .required()
                .note("研修の名前", "the course", "情報セキュリティ研修 2026"),
            col("security", "情報セキュリティ", "Security")
                .aka(&["セキュリティ研修"])
                .kind(Bool)
                .note(
                    "情報セキュリティを扱う研修か",
                    "whether it covers information security",
                    "○",
                ),
            col("completed_on", "受講日", "Completed on")
                .aka(&["修了日"])
                .kind(Date)
                .required()
                .note("受講した日", "the day it was completed", "2026-06-15"),
        ],
        records: record::<ev::TrainingRecord>(),
    }]
}

fn governance_tables() -> Vec<Table> {
    let person = |path: &str, ja: &'static str, en: &'static str| {
        col(path, ja, en).note("職員 ID", "a person id", "P-0001")
    };
    vec![
        Table {
            name: "policy",
            section: SectionKind::Governance,
            title: Text::new("方針", "Policy"),
            note: Text::new("組織の方針 (1行)", "The organisation's policy (one row)"),
            placement: Placement::Single("policy"),
            columns: vec![
                col("title", "名称", "Title").required().note(
                    "方針の名前",
                    "the policy's title",
                    "南山市上下水道局 情報セキュリティ基本方針",
                ),
                col("adopted_on", "制定日", "Adopted on")
                    .kind(Date)
                    .required()
                    .note("制定した日", "when it was adopted", "2019-04-01"),
                col("reviewed_on", "見直し日", "Reviewed on")
                    .kind(Date)
                    .note(
                        "最後に見直した日",
                        "when it was last reviewed",
                        "2026-04-01",
                    ),
                col(
                    "covers_cybersecurity",
                    "サイバーセキュリティ",
                    "Covers cybersecurity",
                )
                .kind(Bool)
                .note(
                    "サイバーセキュリティを含むか",
                    "whether it addresses cybersecurity",
                    "○",
                ),
                col("service_level", "維持するサービス水準", "Service level")
                    .aka(&["サービス水準"])
                    .kind(CellKind::Custom(service_level))
                    .note(
                        "インシデント時に維持する水準。定めがなければ「なし」",
                        "the service level to keep in an incident; `none` if it sets none",
                        "24時間以内に配水制御を復旧",
                    ),
            ],
            records: record::<ev::Policy>(),
        },
        Table {
            name: "appointments",
            section: SectionKind::Governance,
            title: Text::new("任命", "Appointments"),
            note: Text::new(
                "セキュリティの役割への任命。1行に1件",
                "Appointments to security roles, one per row",
            ),
            placement: Placement::List("appointments"),
            columns: vec![
                col("role", "役割", "Role")
                    .kind(choice(ROLES))
                    .required()
                    .note("役割", "the role", "最高情報セキュリティ責任者"),
                person("person", "職員ID", "Person ID").required(),
                col("appointed_on", "任命日", "Appointed on")
                    .kind(Date)
                    .required()
                    .note("任命の効力が生じた日", "when it took effect", "2026-04-01"),
                person("appointed_by", "任命者", "Appointed by"),
                col("by_management", "経営層による任命", "By management")
                    .kind(Bool)
                    .note(
                        "経営層が任命したか",
                        "whether management made the appointment",
                        "○",
                    ),
                col("until", "任期終了日", "Until").kind(Date).note(
                    "任命の最終日",
                    "last day of the appointment",
                    "",
                ),
            ],
            records: record::<ev::Appointment>(),
        },
        Table {
            name: "csirt",
            section: SectionKind::Governance,
            title: Text::new("CSIRT", "CSIRT"),
            note: Text::new(
                "CSIRT (または同等の体制) (1行)",
                "The CSIRT or equivalent team (one row)",
            ),
            placement: Placement::Single("csirt"),
            columns: vec![
                col("name", "名称", "Name").required().note(
                    "体制の名前",
                    "the team's name",
                    "南山市上下水道局 CSIRT",
                ),
                person("lead", "責任者", "Lead"),
                col("members", "構成員", "Members").kind(List).note(
                    "構成員の職員 ID (複数は ;)",
                    "members' person ids (separate with ;)",
                    "P-0102; P-0130",
                ),
            ],
            records: record::<ev::Csirt>(),
        },
        Table {
            name: "contacts",
            section: SectionKind::Governance,
            title: Text::new("連絡先", "Contacts"),
            note: Text::new(
                "CSIRT の報告先。1行に1つ",
                "Where the CSIRT reports, one per row",
            ),
            placement: Placement::Child {
                parent: "csirt",
                field: "contacts",
                keys: &[],
            },
            columns: vec![
                col("party", "相手", "Party")
                    .kind(choice(PARTIES))
                    .required()
                    .note("報告先", "who the contact is", "水道CEPTOAR"),
                col("name", "名称", "Name").required().note(
                    "名前",
                    "the contact's name",
                    "水道 CEPTOAR 事務局",
                ),
                col("channel", "連絡手段", "Channel")
                    .aka(&["連絡先"])
                    .required()
                    .note(
                        "電話・メール・窓口",
                        "phone, e-mail or portal",
                        "03-0000-0000",
                    ),
            ],
            records: record::<ev::Contact>(),
        },
        Table {
            name: "continuity_plans",
            section: SectionKind::Governance,
            title: Text::new("業務継続計画", "Continuity plans"),
            note: Text::new(
                "IT-BCP・コンティンジェンシープラン。1行に1計画",
                "IT-BCP and contingency plans, one per row",
            ),
            placement: Placement::List("continuity_plans"),
            columns: vec![
                col("kind", "種類", "Kind")
                    .kind(choice(PLAN_KINDS))
                    .required()
                    .note("計画の種類", "what kind of plan", "IT-BCP"),
                col("title", "名称", "Title").required().note(
                    "計画の名前",
                    "the plan's title",
                    "情報システム業務継続計画",
                ),
                col("adopted_on", "策定日", "Adopted on")
                    .kind(Date)
                    .required()
                    .note("策定した日", "when it was adopted", "2022-04-01"),
                col("reviewed_on", "見直し日", "Reviewed on")
                    .kind(Date)
                    .note(
                        "最後に見直した日",
                        "when it was last reviewed",
                        "2026-03-15",
                    ),
                col("exercised_on", "訓練日", "Exercised on")
                    .kind(Dates)
                    .note(
                        "訓練した日 (複数は ;)",
                        "days it was exercised (separate with ;)",
                        "2026-02-10",
                    ),
            ],
            records: record::<ev::ContinuityPlan>(),
        },
        Table {
            name: "audits",
            section: SectionKind::Governance,
            title: Text::new("監査", "Audits"),
            note: Text::new(
                "内部監査・自己点検・外部監査。1行に1回",
                "Internal audits, self-inspections and external audits, one per row",
            ),
            placement: Placement::List("audits"),
            columns: vec![
                id("監査ID", "Audit ID").note(
                    "識別子 (一意)",
                    "the audit's id (unique)",
                    "A-2026-01",
                ),
                col("kind", "種類", "Kind")
                    .kind(choice(AUDIT_KINDS))
                    .required()
                    .note("監査の種類", "what kind of audit", "内部監査"),
                col("date", "実施日", "Date").kind(Date).required().note(
                    "実施した日 (報告書の日付)",
                    "the day it was done",
                    "2026-09-30",
                ),
                col("auditor", "監査人", "Auditor").required().note(
                    "監査した人の ID または外部の会社名",
                    "who audited (a person id or a firm)",
                    "P-0005",
                ),
                col("auditee", "被監査者", "Auditee")
                    .aka(&["監査対象"])
                    .required()
                    .note(
                        "監査された人の ID または部署",
                        "who was audited (a person id or a department)",
                        "浄水課",
                    ),
            ],
            records: record::<ev::Audit>(),
        },
        Table {
            name: "audit_findings",
            section: SectionKind::Governance,
            title: Text::new("監査の指摘", "Audit findings"),
            note: Text::new(
                "監査の指摘事項と改善策。1行に1件",
                "What audits found and the improvement actions, one per row",
            ),
            placement: Placement::Child {
                parent: "audits",
                field: "findings",
                keys: &["audit"],
            },
            columns: vec![
                col("audit", "監査ID", "Audit ID").required().note(
                    "監査の ID",
                    "the audit",
                    "A-2026-01",
                ),
                col("id", "指摘ID", "Finding ID").required().note(
                    "監査の中で一意な ID",
                    "unique within the audit",
                    "F-1",
                ),
                col("description", "指摘内容", "Description")
                    .required()
                    .note("指摘の内容", "what was found", "退職者のアカウントが残存"),
                col("improvement_action", "改善策", "Improvement action").note(
                    "どう改善するか",
                    "what will be done",
                    "退職手続きにアカウント削除を追加",
                ),
            ],
            records: record::<ev::AuditFinding>(),
        },
        Table {
            name: "approvals",
            section: SectionKind::Governance,
            title: Text::new("承認", "Approvals"),
            note: Text::new(
                "変更・アカウント・リモートアクセス等の承認。1行に1件",
                "Approvals of changes, accounts, remote access and the like, one per row",
            ),
            placement: Placement::List("approvals"),
            columns: vec![
                id("承認ID", "Approval ID").note(
                    "識別子 (一意)",
                    "the approval's id (unique)",
                    "AP-0042",
                ),
                col("subject", "件名", "Subject").required().note(
                    "何を承認したか",
                    "what was approved",
                    "SCADA サーバのパッチ適用",
                ),
                person("requested_by", "申請者", "Requested by").required(),
                person("approved_by", "承認者", "Approved by").required(),
                col("date", "承認日", "Date").kind(Date).required().note(
                    "承認した日",
                    "the day of the approval",
                    "2026-10-02",
                ),
            ],
            records: record::<ev::Approval>(),
        },
        Table {
            name: "risk_assessments",
            section: SectionKind::Governance,
            title: Text::new("リスク評価", "Risk assessments"),
            note: Text::new("リスク評価。1行に1回", "Risk assessments, one per row"),
            placement: Placement::List("risk_assessments"),
            columns: vec![
                id("評価ID", "Assessment ID").note(
                    "識別子 (一意)",
                    "the assessment's id (unique)",
                    "RA-2026",
                ),
                col("date", "実施日", "Date").kind(Date).required().note(
                    "評価した日",
                    "the day it was made",
                    "2026-05-20",
                ),
                col(
                    "covers_control_systems",
                    "制御系を含む",
                    "Covers control systems",
                )
                .kind(Bool)
                .note(
                    "制御システムを対象に含むか",
                    "whether it covers the control systems",
                    "○",
                ),
            ],
            records: record::<ev::RiskAssessment>(),
        },
        Table {
            name: "risk_plan",
            section: SectionKind::Governance,
            title: Text::new("リスク対応計画", "Risk response plan"),
            note: Text::new(
                "リスク対応計画の項目。1行に1項目",
                "Entries of the risk response plans, one per row",
            ),
            placement: Placement::Child {
                parent: "risk_assessments",
                field: "plan",
                keys: &["assessment"],
            },
            columns: vec![
                col("assessment", "評価ID", "Assessment ID")
                    .required()
                    .note("リスク評価の ID", "the assessment", "RA-2026"),
                col("id", "項目ID", "Entry ID").required().note(
                    "計画の中で一意な ID",
                    "unique within the plan",
                    "R-03",
                ),
                col("risk", "リスク", "Risk").required().note(
                    "対応するリスク",
                    "the risk it responds to",
                    "制御LANへのマルウェア侵入",
                ),
                col("target_state", "目標とする状態", "Target state").note(
                    "目指す状態",
                    "the state to reach",
                    "USB 媒体の技術的制御",
                ),
                col("actions", "実施する対策", "Actions").note(
                    "とる対策",
                    "the actions to take",
                    "デバイス制御ソフト導入",
                ),
                col("resources", "必要な資源", "Resources").note(
                    "投じる資源",
                    "the resources committed",
                    "予算 300 万円",
                ),
                person("owner", "担当者", "Owner"),
                col("deadline", "期限", "Deadline").kind(Date).note(
                    "期限",
                    "when it is due",
                    "2026-12-31",
                ),
                col("evaluation_method", "評価方法", "Evaluation method").note(
                    "結果の評価方法",
                    "how its result is evaluated",
                    "自己点検で確認",
                ),
                col("completed_on", "完了日", "Completed on")
                    .kind(Date)
                    .note("完了した日", "the day it was completed", ""),
            ],
            records: record::<ev::RiskPlanEntry>(),
        },
        Table {
            name: "improvement_instructions",
            section: SectionKind::Governance,
            title: Text::new("改善指示", "Improvement instructions"),
            note: Text::new(
                "遅れた計画項目への経営層の改善指示。1行に1件",
                "Management's instructions for plan entries that fell behind, one per row",
            ),
            placement: Placement::Child {
                parent: "risk_plan",
                field: "improvement_instructions",
                keys: &["assessment", "entry"],
            },
            columns: vec![
                col("assessment", "評価ID", "Assessment ID")
                    .required()
                    .note("リスク評価の ID", "the assessment", "RA-2026"),
                col("entry", "項目ID", "Entry ID").required().note(
                    "計画項目の ID",
                    "the plan entry",
                    "R-03",
                ),
                col("given_on", "指示日", "Given on")
                    .kind(Date)
                    .required()
                    .note("指示した日", "the day it was given", "2026-10-01"),
                person("given_by", "指示者", "Given by").required(),
                col("instruction", "指示内容", "Instruction")
                    .required()
                    .note(
                        "指示の内容 (新しい期限など)",
                        "what it says, e.g. a new deadline",
                        "期限を 2027-03-31 に延長し月次で報告",
                    ),
            ],
            records: record::<ev::ImprovementInstruction>(),
        },
        Table {
            name: "risk_acceptances",
            section: SectionKind::Governance,
            title: Text::new("リスク受容", "Risk acceptances"),
            note: Text::new(
                "経営層が承知して受け入れたリスク。1行に1件",
                "Risks management knowingly accepted, one per row",
            ),
            placement: Placement::List("risk_acceptances"),
            columns: vec![
                col("rule", "規則", "Rule").required().note(
                    "規則の ID",
                    "the rule id",
                    "MLIT-BAK-02",
                ),
                col("subject", "対象", "Subject").note(
                    "対象の ID。空欄は規則の全対象",
                    "the subject id; empty: every subject of the rule",
                    "SYS-GIS",
                ),
                person("approved_by", "承認者", "Approved by").required(),
                col("approved_on", "承認日", "Approved on")
                    .kind(Date)
                    .required()
                    .note("承認した日", "the day it was approved", "2026-04-01"),
                col("reason", "理由", "Reason").required().note(
                    "受け入れる理由",
                    "why the risk is accepted",
                    "遠隔地保管は 2027 年度に整備",
                ),
                col("expires_on", "期限", "Expires on")
                    .kind(Date)
                    .required()
                    .note(
                        "受容の最終日",
                        "last day the acceptance holds",
                        "2027-03-31",
                    ),
            ],
            records: record::<ev::RiskAcceptance>(),
        },
    ]
}

fn log_tables() -> Vec<Table> {
    vec![
        Table {
            name: "door_events",
            section: SectionKind::DoorEvents,
            title: Text::new("入退室記録", "Door events"),
            note: Text::new(
                "入退室管理装置の記録。1行に1回の通過",
                "A door controller's log, one card presented per row",
            ),
            placement: Placement::Log,
            columns: vec![
                col("time", "日時", "Time")
                    .aka(&["日付時刻", "通過日時", "date and time", "timestamp"])
                    .kind(Time)
                    .required()
                    .note(
                        "通過した日時 (時差なしは日本時間)",
                        "when (without an offset: the import's, JST by default)",
                        "2026/11/20 08:01:07",
                    ),
                col("area", "区域", "Area")
                    .aka(&["エリア", "管理区域", "zone"])
                    .required()
                    .note(
                        "扉の先の区域の ID",
                        "the area the door leads into",
                        "KTN-CTRL",
                    ),
                col("door", "扉", "Door")
                    .aka(&["ドア", "リーダー", "カードリーダ", "reader"])
                    .note("扉・読取装置", "the door or reader", "D-01"),
                col("card", "カード番号", "Card")
                    .aka(&["カード", "カードID", "card id", "badge"])
                    .note("かざしたカード", "the card presented", "C-5521"),
                col("person", "職員ID", "Person ID")
                    .aka(&["職員番号", "人員ID", "社員番号", "person id", "employee id"])
                    .note(
                        "カードの持ち主 (装置が知っていれば)",
                        "the card's holder, if the controller knows",
                        "P-0102",
                    ),
                col("visitor", "来訪者番号", "Visitor")
                    .aka(&["来訪者", "visitor id"])
                    .note(
                        "来訪者用の入館証なら来訪 ID",
                        "the visit, for a visitor badge",
                        "",
                    ),
                col("result", "結果", "Result")
                    .aka(&["認証結果", "access"])
                    .kind(choice(DOOR_RESULTS))
                    .required()
                    .note("扉が開いたか", "whether the door opened", "許可"),
                col("direction", "入退", "Direction")
                    .aka(&["方向", "入退室"])
                    .kind(choice(DIRECTIONS))
                    .note("入室か退室か", "entry or exit", "入室"),
            ],
            records: record::<ev::DoorEvent>(),
        },
        Table {
            name: "alerts",
            section: SectionKind::AuthEvents,
            title: Text::new("通知", "Alerts"),
            note: Text::new(
                "ログオン失敗などをセキュリティ担当者に通知した記録。1行に1回",
                "Records of alerting a security officer (about failed logons and the like), one per row",
            ),
            placement: Placement::Log,
            columns: vec![
                col("time", "通知日時", "Time")
                    .aka(&["日時"])
                    .kind(Time)
                    .required()
                    .note(
                        "通知した日時",
                        "when the alert was sent",
                        "2026/11/18 00:45",
                    ),
                col("system", "システム", "System")
                    .aka(&["ホスト名"])
                    .required()
                    .note(
                        "通知の元になったシステム (ホスト名)",
                        "the system the alert is about (host name)",
                        "hgs-hmi-01",
                    ),
                col("account", "アカウント", "Account").required().note(
                    "対象のアカウント",
                    "the account it is about",
                    "operator",
                ),
                col("source", "送信元", "Source").note(
                    "攻撃元のアドレス (わかれば)",
                    "the source address, if known",
                    "10.2.0.99",
                ),
            ],
            // An alert row is an authentication event of kind `alert`.
            records: record::<ev::AuthEvent>(),
        },
    ]
}

/// Every table, in the order templates and the column reference list them
/// and a workbook is imported (a table's parent comes before it).
pub(crate) fn all() -> &'static [Table] {
    static TABLES: OnceLock<Vec<Table>> = OnceLock::new();
    TABLES.get_or_init(|| {
        [
            inventory(),
            networks_tables(),
            sites_tables(),
            people_tables(),
            accounts_tables(),
            area_access_tables(),
            contracts_tables(),
            backups_tables(),
            training_tables(),
            governance_tables(),
            log_tables(),
        ]
        .into_iter()
        .flatten()
        .collect()
    })
}

/// The table named `name` (or titled so in either language).
pub(crate) fn find(name: &str) -> Option<&'static Table> {
    let key = crate::import::text::header_key(name);
    all().iter().find(|t| {
        [t.name, t.title.ja.as_str(), t.title.en.as_str()]
            .iter()
            .any(|n| crate::import::text::header_key(n) == key)
    })
}

/// Fields every record of the table gets whatever its row says.
pub(crate) fn fixed(table: &Table) -> Vec<(&'static str, Value)> {
    match table.name {
        "alerts" => vec![("kind", json!("alert"))],
        _ => Vec::new(),
    }
}
