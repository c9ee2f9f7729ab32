//! Spreadsheets: the lists a utility keeps (its asset register, roster,
//! contract list, training records…) as CSV files or `.xlsx` workbooks,
//! imported table by table, and the templates and column reference that
//! say how to write them.

mod assemble;
mod grid;
mod spec;
mod tables;
mod template;

use std::collections::BTreeMap;
use std::path::Path;

use mizuchi_evidence::{SectionKind, SectionShape, Source, Text};
use serde_json::Value;

use super::{
    IgnoredColumn, ImportError, ImportKind, ImportOptions, ImportReport, LogOrigin, RowProblem,
    TableImport, file_name, ordered::TimeOrdered, write_log,
};
use crate::bundle::{BundleWriter, WriteError};
use assemble::{Detected, Read};
use spec::Placement;

pub(crate) use grid::read_input;
pub use template::{
    TemplateError, TemplateFormat, column_reference, template_tables, write_template,
};

/// The input is a workbook (by its name, or its zip signature).
fn is_workbook(path: &Path, bytes: &[u8]) -> bool {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    matches!(ext.as_str(), "xlsx" | "xlsm") || bytes.starts_with(b"PK\x03\x04")
}

/// Imports the tables of a CSV file or workbook `input` (read once into
/// `raw`, whose SHA-256 is `digest`).
pub(crate) fn import(
    input: &Path,
    raw: &[u8],
    digest: &str,
    into: &mut BundleWriter,
    options: &ImportOptions,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let format = |message: Text| ImportError::Format {
        path: input.to_owned(),
        message,
    };
    let explicit = match &options.table {
        Some(name) => Some(tables::find(name).ok_or_else(|| {
            let names: Vec<&str> = tables::all().iter().map(|t| t.name).collect();
            format(Text::new(
                format!(
                    "`{name}` という表はありません ({} のいずれか)",
                    names.join("、")
                ),
                format!(
                    "there is no table `{name}` (expected one of: {})",
                    names.join(", ")
                ),
            ))
        })?),
        None => None,
    };
    let workbook = is_workbook(input, raw);
    let grids = if workbook {
        grid::read_xlsx(raw).map_err(format)?
    } else {
        let g = grid::read_csv(raw).map_err(format)?;
        report.encoding = g.encoding.map(|e| e.name().to_owned());
        vec![g]
    };
    if explicit.is_some() && grids.len() > 1 {
        return Err(format(Text::new(
            "表の指定は CSV ファイル1つのときだけ使えます。ブックではシート名で表を選びます",
            "a table can be named only for a CSV file; in a workbook, sheet names choose the tables",
        )));
    }
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = file_name(input);
    let mut problems: Vec<RowProblem> = Vec::new();
    let mut reads: Vec<Read> = Vec::new();
    let mut header_errors: Vec<RowProblem> = Vec::new();
    for g in &grids {
        let (hint, label) = match &g.sheet {
            Some(sheet) => (sheet.as_str(), format!("{name} [{sheet}]")),
            None => (stem.as_str(), name.clone()),
        };
        for (line, col, err) in &g.errors {
            problems.push(RowProblem {
                input: label.clone(),
                line: *line,
                column: Some(g.column_name(*col)),
                message: Text::new(
                    format!("セルが計算エラー {err} です"),
                    format!("the cell holds the spreadsheet error {err}"),
                ),
            });
        }
        let table = match assemble::detect(g, Some(hint), explicit).map_err(format)? {
            Detected::Table(t) => t,
            Detected::Notes => {
                // A template's notes: nothing to import, said so.
                report.ignored_sheets.push(label.clone());
                continue;
            }
            Detected::Unknown => {
                if workbook {
                    report.ignored_sheets.push(hint.to_owned());
                    continue;
                }
                let names: Vec<&str> = tables::all().iter().map(|t| t.name).collect();
                return Err(format(Text::new(
                    format!(
                        "どの表か分かりません。ファイル名を表の名前にするか、--table で指定してください ({})",
                        names.join("、")
                    ),
                    format!(
                        "Mizuchi cannot tell which table it holds; name the file after the table or give --table ({})",
                        names.join(", ")
                    ),
                )));
            }
        };
        if reads.iter().any(|r| std::ptr::eq(r.table, table)) {
            return Err(format(Text::new(
                format!("表「{}」が2つのシートにあります", table.title.ja),
                format!("the table `{}` is on two sheets", table.name),
            )));
        }
        match assemble::read(table, g, &label, options.utc_offset, &mut problems) {
            Ok(r) => {
                for (header, cells) in &r.ignored {
                    report.ignored_columns.push(IgnoredColumn {
                        sheet: g.sheet.clone(),
                        header: header.clone(),
                        cells: *cells,
                    });
                }
                reads.push(r);
            }
            Err(errors) => {
                for message in errors {
                    header_errors.push(RowProblem {
                        input: label.clone(),
                        line: g.rows.first().map_or(1, |(l, _)| *l),
                        column: None,
                        message,
                    });
                }
            }
        }
    }
    // Every table is read: the cells are no longer needed.
    drop(grids);
    // A header problem refuses its table whatever `skip_bad_rows` says: no
    // row of it can be read rightly.
    if !header_errors.is_empty() {
        header_errors.extend(problems);
        return Err(ImportError::Rows {
            path: input.to_owned(),
            problems: header_errors,
        });
    }
    if reads.is_empty() && !report.ignored_sheets.is_empty() && !workbook {
        // A CSV file of notes (a template's `Notes.csv`): nothing imported.
        return Ok(());
    }
    if reads.is_empty() {
        return Err(format(Text::new(
            "取り込める表がありません",
            "it holds no table Mizuchi imports",
        )));
    }
    // Parents before children, whatever the order of the sheets.
    let order = |r: &Read| {
        tables::all()
            .iter()
            .position(|t| std::ptr::eq(t, r.table))
            .unwrap_or(usize::MAX)
    };
    reads.sort_by_key(order);

    let mut sections: Vec<SectionKind> = reads.iter().map(|r| r.table.section).collect();
    sections.sort();
    sections.dedup();
    let mut written: Vec<(SectionKind, Value, Vec<&'static str>, Vec<Filled>)> = Vec::new();
    // The tables of this import: a parent imported with its children is
    // merged as JSON, for the children to find their parents in it.
    let here: Vec<&'static str> = reads.iter().map(|r| r.table.name).collect();
    for section in sections
        .iter()
        .copied()
        .filter(|s| s.shape() == SectionShape::Document)
    {
        let mut doc = into
            .document_value(section)?
            .unwrap_or_else(|| Value::Object(Default::default()));
        let replacing: Vec<&'static str> = reads
            .iter()
            .filter(|r| r.table.section == section)
            .map(|r| r.table.name)
            .collect();
        // Hand edits are kept unless the caller says to replace them: an
        // import may add tables to a hand-written document, never silently
        // overwrite what someone wrote there.
        if let Some(entry) = into.entry(section)
            && entry.imported_sha256.as_deref() != Some(entry.sha256.as_str())
            && !options.replace
        {
            let overwritten: Vec<String> = assemble::filled(&doc, section)
                .into_iter()
                .filter(|t| replacing.contains(t))
                .map(str::to_owned)
                .collect();
            if !overwritten.is_empty() {
                return Err(ImportError::Edited {
                    file: entry.path.clone(),
                    tables: overwritten,
                });
            }
        }
        let mut typed: Vec<Filled> = Vec::new();
        for r in reads.iter_mut().filter(|r| r.table.section == section) {
            let as_json = assemble::has_children_among(r.table, &here);
            let mut merged = assemble::merge(&mut doc, r, as_json, &mut problems);
            if let Some((field, records)) = merged.typed.take() {
                typed.push((r.table, field, records));
            }
            report.tables.push(TableImport {
                table: r.table.name.to_owned(),
                title: r.table.title.clone(),
                section,
                sheet: sheet_of(&r.label, &name),
                records: r.rows.len() as u64,
                comments: r.comments,
                replaced: merged.replaced,
            });
            for (child, n) in merged.dropped {
                let title = tables::all()
                    .iter()
                    .find(|t| t.name == child)
                    .map(|t| t.title.clone())
                    .unwrap_or_default();
                report.warnings.push(Text::new(
                    format!("表「{}」からなくなった行に属していた「{}」の {n} 行も除きました", r.table.title.ja, title.ja),
                    format!("{n} rows of `{child}` belonged to records no longer in `{}` and went with them", r.table.name),
                ));
            }
        }
        written.push((section, doc, replacing, typed));
    }
    if !problems.is_empty() && !options.skip_bad_rows {
        return Err(ImportError::Rows {
            path: input.to_owned(),
            problems,
        });
    }
    report.problems = problems;

    let assumed: BTreeMap<String, String> = report
        .encoding
        .iter()
        .map(|e| ("encoding".to_owned(), e.clone()))
        .collect();
    for (section, doc, replacing, typed) in written {
        let mut sources: Vec<Source> = into
            .entry(section)
            .map(|e| e.sources.clone())
            .unwrap_or_default();
        for s in &mut sources {
            s.tables.retain(|t| !replacing.contains(&t.as_str()));
        }
        sources.retain(|s| !s.tables.is_empty());
        let records = reads
            .iter()
            .filter(|r| r.table.section == section)
            .map(|r| r.rows.len() as u64)
            .sum();
        sources.push(Source {
            importer: ImportKind::Sheet.as_str().to_owned(),
            input: name.clone(),
            input_sha256: digest.to_owned(),
            tables: replacing.iter().map(|t| (*t).to_owned()).collect(),
            assumed: assumed.clone(),
            records,
        });
        // The lists kept typed are laid out on every core, and written into
        // the document's (empty) lists.
        let ahead = typed
            .into_iter()
            .map(|(table, field, records)| Ok((field, table.records.lay_out(records)?)))
            .collect::<Result<Vec<_>, mizuchi_evidence::CodecError>>()
            .map_err(|e| WriteError::Invalid {
                path: section.default_file_name(),
                section: section.to_string(),
                reason: e.to_string(),
            })?;
        let changed = into.put_completed_document(section, &doc, ahead, Some(sources))?;
        report.unchanged &= !changed;
        report.records += records;
        if let Some(e) = into.entry(section) {
            report.files.push(e.path.clone());
        }
    }
    for r in reads.iter().filter(|r| r.table.placement_is_log()) {
        let records: Vec<Value> = r
            .rows
            .iter()
            .map(|row| row.record.to_json(r.table))
            .collect();
        report.tables.push(TableImport {
            table: r.table.name.to_owned(),
            title: r.table.title.clone(),
            section: r.table.section,
            sheet: sheet_of(&r.label, &name),
            records: records.len() as u64,
            comments: r.comments,
            replaced: false,
        });
        report.records += records.len() as u64;
        let mut log_assumed = assumed.clone();
        log_assumed.insert("table".to_owned(), r.table.name.to_owned());
        log_assumed.insert("utc_offset".to_owned(), options.utc_offset.to_string());
        let origin = LogOrigin {
            kind: ImportKind::Sheet,
            section: r.table.section,
            input,
            input_digest: digest,
            assumed: log_assumed,
        };
        let mut kept = TimeOrdered::default();
        for v in &records {
            let time = v
                .get("time")
                .and_then(Value::as_str)
                .and_then(mizuchi_evidence::parse_timestamp)
                .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
            kept.push(time, v)?;
        }
        let (file, changed) = write_log(into, origin, kept, options.replace)?;
        report.unchanged &= !changed;
        report.files.push(file);
    }
    Ok(())
}

/// A list table's records kept typed, and the document's field they are
/// the items of.
type Filled = (&'static spec::Table, &'static str, Vec<spec::Typed>);

/// The sheet of a label `file [sheet]`.
fn sheet_of(label: &str, file: &str) -> Option<String> {
    label
        .strip_prefix(file)
        .and_then(|r| r.trim().strip_prefix('['))
        .and_then(|r| r.strip_suffix(']'))
        .map(str::to_owned)
}

impl spec::Table {
    /// Rows of the table are records of a log section.
    pub(crate) fn placement_is_log(&self) -> bool {
        matches!(self.placement, Placement::Log)
    }
}

/// Reads every table of a CSV file or workbook as an import would, and
/// merges each into an empty document, without a bundle (the fuzz target).
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz_parse(raw: &[u8], options: &ImportOptions, problems: &mut Vec<RowProblem>) {
    let grids = if raw.starts_with(b"PK\x03\x04") {
        grid::read_xlsx(raw).unwrap_or_default()
    } else {
        grid::read_csv(raw).map(|g| vec![g]).unwrap_or_default()
    };
    let mut doc = Value::Object(Default::default());
    for g in &grids {
        if let Ok(Detected::Table(t)) = assemble::detect(g, g.sheet.as_deref(), None)
            && let Ok(mut r) = assemble::read(t, g, "input", options.utc_offset, problems)
        {
            assemble::merge(&mut doc, &mut r, true, problems);
        }
    }
}
