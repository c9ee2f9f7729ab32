//! Empty spreadsheets to fill in, and the column reference, both made from
//! the table definitions the importers use.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use mizuchi_evidence::{SectionKind, Text};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

use super::assemble::NOTES;
use super::spec::{CellKind, Choice, Column, Placement, Table};
use super::tables;

/// The file format of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TemplateFormat {
    /// One UTF-8 CSV file (with a byte-order mark, as Excel wants) per
    /// table, and a notes file.
    Csv,
    /// One `.xlsx` workbook: a sheet per table and a notes sheet.
    Xlsx,
}

/// Why a template could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateError {
    #[error("cannot write `{path}`: {source}")]
    /// A file could not be written.
    Io {
        /// The file.
        path: PathBuf,
        #[source]
        /// Why.
        source: std::io::Error,
    },
    #[error("cannot make the workbook `{path}`: {message}")]
    /// The workbook could not be made.
    Workbook {
        /// The file.
        path: PathBuf,
        /// What the writer said.
        message: String,
    },
}

/// The names of the tables of `section` (every table without one).
pub fn template_tables(section: Option<SectionKind>) -> Vec<&'static str> {
    selected(section).iter().map(|t| t.name).collect()
}

fn selected(section: Option<SectionKind>) -> Vec<&'static Table> {
    tables::all()
        .iter()
        .filter(|t| section.is_none_or(|s| t.section == s))
        .collect()
}

/// The values a column takes, in one language.
fn values(kind: CellKind, ja: bool) -> String {
    let choices = |cs: &[Choice]| -> String {
        cs.iter()
            .map(|c| {
                if ja {
                    c.ja.first().copied().unwrap_or(c.value)
                } else {
                    c.value
                }
            })
            .collect::<Vec<_>>()
            .join(if ja { "、" } else { ", " })
    };
    match (kind, ja) {
        (CellKind::Text, true) => "文字".into(),
        (CellKind::Text, false) => "text".into(),
        (CellKind::Date, true) => "日付 (2024-04-01、R6.4.1、令和6年4月1日)".into(),
        (CellKind::Date, false) => "date (2024-04-01, 2024/4/1, R6.4.1)".into(),
        (CellKind::Dates, true) => "日付 (複数は ;)".into(),
        (CellKind::Dates, false) => "dates (separate with ;)".into(),
        (CellKind::Time, true) => "日時 (2026/11/27 09:05)".into(),
        (CellKind::Time, false) => "date and time (2026/11/27 09:05)".into(),
        (CellKind::Bool, true) => "○ / ×".into(),
        (CellKind::Bool, false) => "yes / no".into(),
        (CellKind::List, true) => "文字 (複数は ;)".into(),
        (CellKind::List, false) => "text (separate several with ;)".into(),
        (CellKind::Choice(cs), _) => choices(cs),
        (CellKind::Choices(cs), true) => format!("{} (複数は ;)", choices(cs)),
        (CellKind::Choices(cs), false) => format!("{} (separate with ;)", choices(cs)),
        (CellKind::Custom(_), true) => "備考を参照".into(),
        (CellKind::Custom(_), false) => "see the note".into(),
    }
}

fn header(c: &Column, ja: bool) -> &str {
    if ja { &c.header.ja } else { &c.header.en }
}

fn title(t: &Table, ja: bool) -> &str {
    if ja { &t.title.ja } else { &t.title.en }
}

fn required_text(c: &Column, ja: bool) -> &'static str {
    match (c.required, c.path.contains('.'), ja) {
        (false, _, _) => "",
        (true, false, true) => "必須",
        (true, false, false) => "required",
        (true, true, true) => "同じグループの列を書くとき必須",
        (true, true, false) => "required with its group",
    }
}

/// One row of notes per column: table, column, required, values, meaning,
/// example.
fn notes(tables: &[&'static Table], ja: bool) -> Vec<[String; 6]> {
    let mut rows = vec![if ja {
        [
            "表".into(),
            "列".into(),
            "必須".into(),
            "書き方".into(),
            "意味".into(),
            "例".into(),
        ]
    } else {
        [
            "table".into(),
            "column".into(),
            "required".into(),
            "values".into(),
            "meaning".into(),
            "example".into(),
        ]
    }];
    for t in tables {
        for c in &t.columns {
            rows.push([
                title(t, ja).to_owned(),
                header(c, ja).to_owned(),
                required_text(c, ja).to_owned(),
                values(c.kind, ja),
                c.note.get(if ja { "ja" } else { "en" }).to_owned(),
                c.example.to_owned(),
            ]);
        }
    }
    rows
}

/// The example row of a table: a comment (it starts with `#`), so that a
/// template imported as it is imports nothing.
fn example(t: &Table) -> Vec<String> {
    t.columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                format!("# {}", c.example)
            } else {
                c.example.to_owned()
            }
        })
        .collect()
}

fn csv_line(cells: &[String]) -> String {
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| {
            if c.contains([',', '"', '\n']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.clone()
            }
        })
        .collect();
    quoted.join(",") + "\r\n"
}

/// Writes templates for the tables of `section` (every table without one)
/// into the directory `out`, in `lang` (`ja` or `en`). Returns the files.
pub fn write_template(
    out: &Path,
    section: Option<SectionKind>,
    lang: &str,
    format: TemplateFormat,
) -> Result<Vec<PathBuf>, TemplateError> {
    let ja = lang == "ja";
    let tables = selected(section);
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| TemplateError::Io { path, source }
    };
    std::fs::create_dir_all(out).map_err(io(out))?;
    let mut files = Vec::new();
    match format {
        TemplateFormat::Csv => {
            for t in &tables {
                let path = out.join(format!("{}.csv", title(t, ja)));
                let mut text = String::from("\u{feff}");
                let headers: Vec<String> =
                    t.columns.iter().map(|c| header(c, ja).to_owned()).collect();
                text.push_str(&csv_line(&headers));
                text.push_str(&csv_line(&example(t)));
                mizuchi_ledger::files::write_atomic(&path, text.as_bytes()).map_err(io(&path))?;
                files.push(path);
            }
            let path = out.join(format!("{}.csv", NOTES[usize::from(!ja)]));
            let mut text = String::from("\u{feff}");
            for row in notes(&tables, ja) {
                text.push_str(&csv_line(&row));
            }
            mizuchi_ledger::files::write_atomic(&path, text.as_bytes()).map_err(io(&path))?;
            files.push(path);
        }
        TemplateFormat::Xlsx => {
            let name = match section {
                Some(s) => s.as_str().to_owned(),
                None => "mizuchi-evidence".to_owned(),
            };
            let path = out.join(format!("{name}.xlsx"));
            let bytes = workbook(&tables, ja).map_err(|e| TemplateError::Workbook {
                path: path.clone(),
                message: e.to_string(),
            })?;
            mizuchi_ledger::files::write_atomic(&path, &bytes).map_err(io(&path))?;
            files.push(path);
        }
    }
    Ok(files)
}

/// The template workbook's bytes.
fn workbook(tables: &[&'static Table], ja: bool) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    // A fixed date: the same template is the same bytes.
    let created = ExcelDateTime::from_ymd(2025, 3, 31)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let bold = Format::new().set_bold().set_background_color(0xDDEBF7);
    let grey = Format::new().set_italic().set_font_color(0x808080);
    let wrap = Format::new().set_text_wrap();
    for t in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(title(t, ja))?;
        for (i, c) in t.columns.iter().enumerate() {
            let col = u16::try_from(i).unwrap_or(u16::MAX);
            sheet.write_string_with_format(0, col, header(c, ja), &bold)?;
            let ex = &example(t)[i];
            sheet.write_string_with_format(1, col, ex, &grey)?;
            let width = header(c, ja)
                .chars()
                .count()
                .max(ex.chars().count())
                .clamp(8, 40);
            sheet.set_column_width(col, width as f64 * if ja { 2.0 } else { 1.2 })?;
        }
        sheet.set_freeze_panes(1, 0)?;
    }
    let sheet = book.add_worksheet();
    sheet.set_name(NOTES[usize::from(!ja)])?;
    for (r, row) in notes(tables, ja).iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (u32::try_from(r).unwrap_or(u32::MAX), c as u16);
            if r == 0 {
                sheet.write_string_with_format(r, c, cell, &bold)?;
            } else {
                sheet.write_string_with_format(r, c, cell, &wrap)?;
            }
        }
    }
    for (c, w) in [16.0, 24.0, 14.0, 36.0, 60.0, 24.0].into_iter().enumerate() {
        sheet.set_column_width(c as u16, w)?;
    }
    book.save_to_buffer()
}

/// The column reference (`docs/columns.md`): every table, every column, in
/// both languages, from the definitions the importers use.
pub fn column_reference() -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Spreadsheet columns / 表計算ファイルの列\n\n\
         Generated from the importers' own definitions by `mizuchi evidence template --reference`; \
         a test checks that this file matches them. Import with \
         `mizuchi evidence import sheet FILE --into BUNDLE`: a CSV file (UTF-8, Shift_JIS or UTF-16) \
         named after its table, or an `.xlsx` workbook with one sheet per table. A column is found \
         by its Japanese or English header or any name listed; columns not listed here are reported \
         and not imported. An empty cell means \"not recorded\", never \"no\". Rows whose first cell \
         starts with `#` are comments.\n\n\
         `mizuchi evidence import sheet` で取り込みます。表の名前を付けた CSV ファイル (UTF-8・Shift_JIS・UTF-16) か、\
         表ごとにシートを分けた `.xlsx` ブックです。列は日本語・英語の見出しか別名で見つけます。ここにない列は報告し、取り込みません。\
         空欄は「記録なし」であり、「いいえ」ではありません。先頭のセルが `#` で始まる行は注記です。\n"
    );
    let mut section = None;
    for t in tables::all() {
        if section != Some(t.section) {
            section = Some(t.section);
            let st: Text = t.section.title();
            let _ = writeln!(s, "## {} / {} (`{}`)\n", st.en, st.ja, t.section.as_str());
        }
        let place = match &t.placement {
            Placement::List(f) => format!("`{f}`: one record per row"),
            Placement::Single(f) => format!("`{f}`: one row"),
            Placement::Root => "the document itself: one row".to_owned(),
            Placement::Child {
                parent,
                field,
                keys,
            } => format!(
                "`{field}` of a `{parent}` record, found by {}",
                if keys.is_empty() {
                    "the one record".to_owned()
                } else {
                    keys.iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                }
            ),
            Placement::Log => "one event per row".to_owned(),
        };
        let _ = writeln!(
            s,
            "### `{}`: {} / {}\n\n{} ({place})  \n{}\n",
            t.name, t.title.en, t.title.ja, t.note.en, t.note.ja
        );
        let _ = writeln!(
            s,
            "| column / 列 | field | required | values / 書き方 | meaning / 意味 | also / 別名 |"
        );
        let _ = writeln!(s, "| --- | --- | --- | --- | --- | --- |");
        for c in &t.columns {
            let _ = writeln!(
                s,
                "| {} / {} | `{}` | {} | {} / {} | {} / {} | {} |",
                c.header.en,
                c.header.ja,
                c.path,
                required_text(c, false),
                values(c.kind, false).replace('|', "\\|"),
                values(c.kind, true).replace('|', "\\|"),
                c.note.en,
                c.note.ja,
                c.aliases.join(", ")
            );
        }
        s.push('\n');
    }
    s
}
