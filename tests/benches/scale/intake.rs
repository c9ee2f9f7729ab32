//! Intake: importing what a utility keeps, against the parsing library
//! alone on the same file.
//!
//! - A Windows Security log: the real `security.evtx` of the shared corpus,
//!   its chunks repeated into a larger file (the header's chunk count and
//!   CRC32 made right). The floor is the `evtx` crate iterating every record
//!   as JSON, as the importer's own reading does, on one thread; Mizuchi is
//!   `mizuchi evidence import evtx` into a fresh bundle: checking each
//!   chunk's CRC32s, mapping every event, writing the JSON Lines file and the
//!   manifest.
//! - An asset register of 100,000 rows with Japanese headers, as a UTF-8 CSV
//!   saved by Excel (with BOM). The floor is the `csv` crate reading every
//!   record; Mizuchi is `mizuchi evidence import sheet`: detecting the
//!   encoding, reading every cell as its column's type, building and
//!   checking the inventory document, writing it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::Paths;
use crate::measure::{self, Cost};

/// Size of an `.evtx` file header and of a chunk.
const HEADER: usize = 4096;
const CHUNK: usize = 65536;

/// One input measured both ways.
pub(crate) struct Row {
    what: String,
    evtx: bool,
    bytes: u64,
    records: u64,
    /// The medians of the pairs' times, and the highest memory.
    floor: Cost,
    ours: Cost,
    /// Import ÷ floor of each pair, in wall time, sorted.
    ratios: Vec<f64>,
}

/// How many pairs each input is measured with.
const PAIRS: usize = 5;

/// `PAIRS` pairs, floor then import back to back (see [`measure::paired`]).
fn paired(floor: impl Fn() -> Cost, ours: impl Fn() -> Cost) -> (Cost, Cost, Vec<f64>) {
    let p = measure::paired(PAIRS, floor, ours);
    (p.a, p.b, p.wall.0)
}

/// Writes `copies` times the chunks of the `.evtx` file `src` as one file.
fn repeat_evtx(src: &Path, copies: usize, out: &Path) {
    let bytes = std::fs::read(src).expect("read the source .evtx");
    let chunks = &bytes[HEADER..HEADER + (bytes.len() - HEADER) / CHUNK * CHUNK];
    let n = chunks.len() / CHUNK * copies;
    let count = u16::try_from(n).expect("at most 65535 chunks");
    let mut header = bytes[..HEADER].to_vec();
    // Last chunk number (u64 at 16), chunk count (u16 at 42), CRC32 of the
    // first 120 bytes (at 124).
    header[16..24].copy_from_slice(&(n as u64 - 1).to_le_bytes());
    header[42..44].copy_from_slice(&count.to_le_bytes());
    let crc = crc32(&header[..120]);
    header[124..128].copy_from_slice(&crc.to_le_bytes());
    let mut file = header;
    for _ in 0..copies {
        file.extend_from_slice(chunks);
    }
    std::fs::write(out, file).expect("write the repeated .evtx");
}

/// CRC-32 (IEEE), as the `.evtx` format uses.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Writes an asset register of `rows` rows (UTF-8 with BOM, CRLF, Japanese
/// headers, ○/× and Japanese dates as Excel users write them).
fn asset_register(rows: usize, out: &Path) {
    let mut s = String::from(
        "\u{feff}資産ID,名称,種別,ホスト名,IPアドレス,OS,ビルド,認証方式,自動ログオン,空パスワード,\
         ウイルス対策,定義ファイル更新日,自動スキャン,外部媒体制御,外部媒体制御の方法\r\n",
    );
    let kinds = ["サーバ", "事務端末", "監視操作端末", "ネットワーク機器"];
    for i in 0..rows {
        let _ = write!(
            s,
            "A-{i:06},機器{i},{},host-{i:06},10.{}.{}.{},Windows 11,26100,パスワード,×,×,○,2026/11/{},○,無効化,技術的\r\n",
            kinds[i % kinds.len()],
            (i >> 16) & 255,
            (i >> 8) & 255,
            i & 255,
            1 + i % 26,
        );
    }
    std::fs::write(out, s).expect("write the asset register");
}

/// The `evtx-floor FILE` helper: every record of the file as JSON, counted.
pub(crate) fn evtx_floor(path: &Path) -> u64 {
    let mut parser = evtx::EvtxParser::from_path(path).expect("open the .evtx");
    parser.records_json_value().filter(Result::is_ok).count() as u64
}

/// The `csv-floor FILE` helper: every record of the file, counted.
pub(crate) fn csv_floor(path: &Path) -> u64 {
    let bytes = std::fs::read(path).expect("read the CSV");
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(bytes.as_slice());
    reader.records().filter(Result::is_ok).count() as u64
}

fn floor(helper: &str, input: &Path) -> Cost {
    let me = std::env::current_exe().expect("the benchmark knows its own path");
    measure::run(&me, &[helper.to_owned(), crate::s(input)], &[], None)
}

/// `mizuchi evidence import KIND INPUT` into a bundle made fresh for each run.
fn import(p: &Paths, kind: &str, input: &Path, into: &Path) -> Cost {
    let _ = std::fs::remove_dir_all(into);
    let args = [
        "-q".to_owned(),
        "evidence".to_owned(),
        "import".to_owned(),
        kind.to_owned(),
        crate::s(input),
        "--into".to_owned(),
        crate::s(into),
    ];
    let cost = measure::run(&p.mizuchi, &args, &[], None);
    assert_eq!(cost.code, 0, "mizuchi evidence import {kind} failed");
    cost
}

/// Measures every input.
pub(crate) fn measure(p: &Paths) -> Vec<Row> {
    let dir = p.bench.join("intake");
    std::fs::create_dir_all(&dir).expect("the intake directory");
    let into = dir.join("bundle");
    let mut rows = Vec::new();
    let security = p
        .root
        .join("../shared/realworld/windows-security/security.evtx");
    // ×480 is a log of 1 GB, larger than Windows lets a Security log grow
    // by default, sixteen times ×30: enough for memory that grew with the
    // log to show.
    for copies in [30, 120, 480] {
        let file = dir.join(format!("security-x{copies}.evtx"));
        if !file.exists() {
            repeat_evtx(&security, copies, &file);
        }
        eprintln!("bench: intake {}", file.display());
        let records = evtx_floor(&file);
        let (floor, ours, ratios) = paired(
            || floor("evtx-floor", &file),
            || import(p, "evtx", &file, &into),
        );
        rows.push(Row {
            what: format!("`security.evtx`, its chunks ×{copies}"),
            evtx: true,
            bytes: std::fs::metadata(&file).map_or(0, |m| m.len()),
            records,
            floor,
            ours,
            ratios,
        });
        let _ = std::fs::remove_dir_all(&into);
    }
    let csv: PathBuf = dir.join("資産.csv");
    if !csv.exists() {
        asset_register(100_000, &csv);
    }
    eprintln!("bench: intake {}", csv.display());
    let records = csv_floor(&csv) - 1;
    let (floor, ours, ratios) = paired(
        || floor("csv-floor", &csv),
        || import(p, "sheet", &csv, &into),
    );
    rows.push(Row {
        what: "asset register, 100,000 rows (CSV, UTF-8 with BOM)".into(),
        evtx: false,
        bytes: std::fs::metadata(&csv).map_or(0, |m| m.len()),
        records,
        floor,
        ours,
        ratios,
    });
    let _ = std::fs::remove_dir_all(&into);
    rows
}

/// The section of `BENCHMARKS.md`.
pub(crate) fn render(rows: &[Row]) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "## Intake\n\n\
         Importing what a utility keeps, against the parsing library alone on the same file \
         (`tests/benches/scale/intake.rs`): for the Windows log, the `evtx` crate iterating every \
         record as JSON on one thread; for the asset register, the `csv` crate reading every \
         record. Mizuchi's import also hashes the input, checks each chunk's CRC32s or each \
         cell's type, maps the records, puts them in time order and writes the bundle file and \
         its manifest. Each input is measured in {PAIRS} pairs, floor then import back to back; \
         times are medians, the ratio is the median of the pairs' ratios (their range in \
         brackets), memory the highest peak.\n\n\
         | input | size | records | floor | import | import ÷ floor | floor peak RSS | import peak RSS |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for r in rows {
        let _ = writeln!(
            o,
            "| {} | {} MB | {} | {:.0} ms | {:.0} ms | **{:.2}×** ({:.2}–{:.2}) | {:.0} MiB | {:.0} MiB |",
            r.what,
            r.bytes / 1_000_000,
            r.records,
            r.floor.wall_ms,
            r.ours.wall_ms,
            measure::median(&r.ratios),
            r.ratios.first().copied().unwrap_or(f64::NAN),
            r.ratios.last().copied().unwrap_or(f64::NAN),
            r.floor.rss_mib,
            r.ours.rss_mib,
        );
    }
    let worst = |evtx: bool| {
        let m: Vec<f64> = rows
            .iter()
            .filter(|r| r.evtx == evtx)
            .map(|r| measure::median(&r.ratios))
            .collect();
        (!m.is_empty()).then(|| m.into_iter().fold(0.0_f64, f64::max))
    };
    let met = |ok: bool| if ok { "met" } else { "**not met**" };
    let goal = |ratio: Option<f64>, limit: f64| match ratio {
        Some(x) => format!("{x:.2}× — {}", met(x <= limit)),
        None => "not measured".to_owned(),
    };
    // Flat memory: the largest log needs at most a quarter more memory than
    // one a quarter its size, both far beyond what is kept in memory.
    let evtx: Vec<&Row> = rows.iter().filter(|r| r.evtx).collect();
    let memory = match evtx.as_slice() {
        // (Four times the chunks, one header: a little under 4× the bytes.)
        [.., small, large] if large.bytes * 10 >= small.bytes * 39 => {
            let growth = large.ours.rss_mib / small.ours.rss_mib;
            format!(
                "{:.0} MiB for {} MB, {:.0} MiB for {} MB ({growth:.2}×) — {}",
                small.ours.rss_mib,
                small.bytes / 1_000_000,
                large.ours.rss_mib,
                large.bytes / 1_000_000,
                met(growth <= 1.25)
            )
        }
        _ => "not measured".to_owned(),
    };
    let _ = writeln!(
        o,
        "\nGoals: EVTX import within 1.5× of the `evtx` crate: worst median {}. \
         EVTX import memory flat (at most 1.25× for a log four times larger): {memory}. \
         A 100,000-row asset register within 2× of the `csv` crate: {}.",
        goal(worst(true), 1.5),
        goal(worst(false), 2.0),
    );
    o
}
