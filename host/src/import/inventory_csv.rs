//! Asset inventory from a spreadsheet saved as CSV.
//!
//! One row per asset; headers in Japanese or English (see [`COLUMNS`]); UTF-8
//! with or without a BOM, or Shift_JIS; dates in the Western or the Japanese
//! calendar; full-width digits. An empty cell means "not recorded". Rows are
//! merged into the bundle's inventory by asset id.

use mizuchi_evidence::*;

use super::RowProblem;
use super::table::{Column, Table, choose};
use super::text::{list, parse_bool, parse_date};

/// The columns, by key, with the header names each goes by.
pub(crate) const COLUMNS: &[Column] = &[
    (
        "id",
        &[
            "asset id",
            "asset_id",
            "資産ID",
            "資産番号",
            "機器ID",
            "管理番号",
        ],
    ),
    ("name", &["asset name", "名称", "機器名", "資産名"]),
    ("kind", &["type", "asset type", "種別", "機器種別"]),
    ("system", &["システム", "所属システム"]),
    (
        "control_system",
        &["control", "in scope", "制御系", "制御系システム"],
    ),
    ("hostnames", &["hostname", "host name", "ホスト名"]),
    (
        "addresses",
        &["ip address", "ip addresses", "address", "IPアドレス"],
    ),
    (
        "os",
        &["os product", "operating system", "OS製品", "OSの種類"],
    ),
    ("os_edition", &["edition", "エディション"]),
    ("os_version", &["version", "バージョン", "OSバージョン"]),
    ("os_build", &["build", "ビルド", "ビルド番号"]),
    (
        "authentication",
        &[
            "auth method",
            "authentication method",
            "認証方式",
            "主体認証",
        ],
    ),
    ("auto_logon", &["自動ログオン"]),
    ("blank_password", &["空パスワード"]),
    (
        "anti_malware",
        &[
            "antivirus",
            "anti-malware installed",
            "ウイルス対策",
            "ウイルス対策ソフト",
            "アンチウイルス",
        ],
    ),
    (
        "anti_malware_product",
        &["antivirus product", "ウイルス対策製品"],
    ),
    (
        "definitions_updated_on",
        &[
            "definitions updated",
            "定義ファイル更新日",
            "パターンファイル更新日",
        ],
    ),
    ("automatic_scan", &["auto scan", "自動検査", "自動スキャン"]),
    (
        "removable_media",
        &["usb control", "media control", "外部媒体制御", "USB制御"],
    ),
    (
        "media_enforcement",
        &["enforcement", "外部媒体制御方法", "制御方法"],
    ),
    ("site", &["拠点", "設置拠点"]),
    ("area", &["room", "区域", "設置区域", "設置場所"]),
    ("portable", &["可搬", "可搬型"]),
    ("lockable_storage", &["施錠保管"]),
    ("always_carried", &["常時携帯"]),
    ("networks", &["network", "接続ネットワーク", "ネットワーク"]),
    ("exposed_services", &["services", "公開サービス"]),
];

const KINDS: &[(&[&str], AssetKind)] = &[
    (&["server", "サーバ", "サーバー"], AssetKind::Server),
    (
        &[
            "workstation",
            "pc",
            "事務端末",
            "パソコン",
            "ワークステーション",
        ],
        AssetKind::Workstation,
    ),
    (
        &["hmi", "監視操作端末", "監視端末", "操作端末"],
        AssetKind::Hmi,
    ),
    (&["plc", "制御装置", "コントローラ"], AssetKind::Plc),
    (
        &["network-device", "network device", "ネットワーク機器"],
        AssetKind::NetworkDevice,
    ),
    (&["laptop", "ノートPC", "ノートパソコン"], AssetKind::Laptop),
    (&["tablet", "タブレット"], AssetKind::Tablet),
    (&["peripheral", "周辺機器"], AssetKind::Peripheral),
    (&["other", "その他"], AssetKind::Other),
];

const AUTH: &[(&[&str], AuthMethod)] = &[
    (&["none", "なし", "無"], AuthMethod::None),
    (&["password", "パスワード"], AuthMethod::Password),
    (
        &["smart-card", "smart card", "ICカード"],
        AuthMethod::SmartCard,
    ),
    (&["biometric", "生体認証"], AuthMethod::Biometric),
    (
        &["multi-factor", "mfa", "多要素", "多要素認証"],
        AuthMethod::MultiFactor,
    ),
];

const MEDIA: &[(&[&str], MediaControl)] = &[
    (
        &["blocked", "無効", "無効化", "禁止"],
        MediaControl::Blocked,
    ),
    (
        &["allow-listed", "allow listed", "許可制", "登録制"],
        MediaControl::AllowListed,
    ),
    (
        &["unrestricted", "制限なし", "なし"],
        MediaControl::Unrestricted,
    ),
];

const ENFORCEMENT: &[(&[&str], Enforcement)] = &[
    (
        &["technical", "技術的", "ソフトウェア", "設定"],
        Enforcement::Technical,
    ),
    (
        &["physical", "物理的", "ポートロック"],
        Enforcement::Physical,
    ),
    (
        &["procedural", "運用", "周知", "掲示"],
        Enforcement::Procedural,
    ),
    (&["none", "なし"], Enforcement::None),
];

const EXPOSURE: &[(&[&str], Exposure)] = &[
    (&["internet", "インターネット", "外部"], Exposure::Internet),
    (&["internal", "内部", "内部のみ"], Exposure::Internal),
];

/// `rdp:3389:internet` (or `rdp:3389:インターネット`).
fn service(raw: &str) -> Result<ExposedService, String> {
    let parts: Vec<&str> = raw.split(':').map(str::trim).collect();
    let [name, port, exposure] = parts[..] else {
        return Err(format!(
            "`{raw}` is not a service written as name:port:exposure (e.g. rdp:3389:internet)"
        ));
    };
    Ok(ExposedService {
        service: name.to_lowercase(),
        port: port
            .parse()
            .map_err(|_| format!("`{port}` is not a port number"))?,
        exposure: choose(exposure, "exposure", EXPOSURE)?,
    })
}

/// Reads the assets of an inventory CSV.
pub(crate) fn read(text: &str, problems: &mut Vec<RowProblem>) -> Result<Vec<Asset>, String> {
    let table = Table::read(text, COLUMNS, &["id", "name", "kind"])?;
    let mut assets = Vec::new();
    for (line, row) in &table.rows {
        let line = *line;
        let before = problems.len();
        let p = &mut *problems;
        let Some(id) = table.get(row, "id") else {
            p.push(RowProblem::new(
                line,
                Some(table.header("id")),
                "the asset has no id".into(),
            ));
            continue;
        };
        let name = table.get(row, "name").unwrap_or_else(|| id.clone());
        let kind = match table.get(row, "kind") {
            Some(_) => table
                .parse(line, row, "kind", p, |v| choose(v, "kind of asset", KINDS))
                .unwrap_or(AssetKind::Other),
            None => {
                p.push(RowProblem::new(
                    line,
                    Some(table.header("kind")),
                    "the asset has no kind".into(),
                ));
                AssetKind::Other
            }
        };
        let flag = |p: &mut Vec<RowProblem>, key| table.parse(line, row, key, p, parse_bool);
        let os = table.get(row, "os").map(|product| OperatingSystem {
            product,
            edition: table.get(row, "os_edition"),
            version: table.get(row, "os_version"),
            build: table.get(row, "os_build"),
        });
        let method = table.parse(line, row, "authentication", p, |v| {
            choose(v, "means of authentication", AUTH)
        });
        let auto_logon = flag(p, "auto_logon").unwrap_or(false);
        let blank_password = flag(p, "blank_password").unwrap_or(false);
        let authentication = method.map(|method| Authentication {
            method,
            auto_logon,
            blank_password,
        });
        // Every cell is read, so that every unreadable cell is reported.
        let installed = flag(p, "anti_malware");
        let am_product = table.get(row, "anti_malware_product");
        let definitions = table.parse(line, row, "definitions_updated_on", p, parse_date);
        let automatic_scan = flag(p, "automatic_scan");
        // A product or a definition date says it is installed when no column does.
        let installed =
            installed.or((am_product.is_some() || definitions.is_some()).then_some(true));
        let anti_malware = installed.map(|installed| AntiMalware {
            installed,
            product: am_product,
            definitions_updated_on: definitions,
            automatic_scan,
        });
        let control = table.parse(line, row, "removable_media", p, |v| {
            choose(v, "removable-media control", MEDIA)
        });
        let enforcement = table.parse(line, row, "media_enforcement", p, |v| {
            choose(v, "enforcement", ENFORCEMENT)
        });
        let removable_media = control.map(|control| RemovableMedia {
            control,
            enforcement: enforcement.unwrap_or(Enforcement::None),
            description: None,
        });
        let location = table.get(row, "site").map(|site| Location {
            site,
            area: table.get(row, "area"),
        });
        let portable = flag(p, "portable").unwrap_or(false);
        let lockable = flag(p, "lockable_storage");
        let carried = flag(p, "always_carried");
        let storage = (lockable.is_some() || carried.is_some()).then(|| PortableStorage {
            lockable_storage: lockable.unwrap_or(false),
            always_carried: carried.unwrap_or(false),
        });
        let mut exposed_services = Vec::new();
        if let Some(cell) = table.get(row, "exposed_services") {
            for s in list(&cell) {
                match service(&s) {
                    Ok(s) => exposed_services.push(s),
                    Err(e) => p.push(RowProblem::new(
                        line,
                        Some(table.header("exposed_services")),
                        e,
                    )),
                }
            }
        }
        let control_system = flag(p, "control_system").unwrap_or(false);
        if problems.len() > before {
            continue;
        }
        assets.push(Asset {
            id,
            name,
            kind,
            system: table.get(row, "system"),
            control_system,
            hostnames: table
                .get(row, "hostnames")
                .map(|v| list(&v))
                .unwrap_or_default(),
            addresses: table
                .get(row, "addresses")
                .map(|v| list(&v))
                .unwrap_or_default(),
            os,
            authentication,
            anti_malware,
            removable_media,
            location,
            portable,
            storage,
            networks: table.get(row, "networks").map(|v| list(&v)),
            exposed_services,
            alternative_measures: Vec::new(),
            extended_support: None,
        });
    }
    Ok(assets)
}

/// Merges assets into an inventory: same id replaces, new ids are appended.
pub(crate) fn merge(inventory: &mut Inventory, assets: Vec<Asset>) -> usize {
    let n = assets.len();
    for a in assets {
        match inventory.assets.iter_mut().find(|x| x.id == a.id) {
            Some(x) => *x = a,
            None => inventory.assets.push(a),
        }
    }
    n
}
