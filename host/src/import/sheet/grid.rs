//! Spreadsheets as grids of text cells: a CSV file (in whatever encoding a
//! spreadsheet saved it) or every sheet of an `.xlsx` workbook, each cell
//! with the row and column a person would look for.
//!
//! A workbook is a zip archive, so it is read with limits: its size, the
//! size its parts expand to and how much they expand (a zip bomb expands a
//! thousandfold), the number of rows and the size of a cell.

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use csv::StringRecord;
use mizuchi_evidence::Text;

use super::super::text::{self, Encoding};

/// Largest workbook or CSV file read (bytes).
pub(crate) const MAX_FILE: u64 = 64 << 20;
/// Largest total a workbook's parts may expand to (bytes).
pub(crate) const MAX_EXPANDED: u64 = 512 << 20;
/// Largest expansion of one part of a workbook (expanded ÷ compressed).
pub(crate) const MAX_RATIO: u64 = 200;
/// Most rows read from one sheet or CSV file.
pub(crate) const MAX_ROWS: usize = 2_000_000;
/// Largest cell (characters): Excel's own limit.
pub(crate) const MAX_CELL: usize = 32_767;

/// A table of text cells read from a CSV file or one sheet.
#[derive(Debug)]
pub(crate) struct Grid {
    /// The sheet's name, for a workbook.
    pub sheet: Option<String>,
    /// The rows, each with its 1-based row number; blank rows are kept out.
    /// (A row's cells share one buffer: a register has millions of cells.)
    pub rows: Vec<(u64, StringRecord)>,
    /// How the text was encoded (CSV only).
    pub encoding: Option<Encoding>,
    /// Cells that held a spreadsheet error (`#N/A`, `#REF!`…): row, column.
    pub errors: Vec<(u64, usize, String)>,
}

impl Grid {
    /// The column's name as a person finds it: `C` in a workbook, `3` in a CSV.
    pub(crate) fn column_name(&self, index: usize) -> String {
        if self.sheet.is_some() {
            column_letters(index)
        } else {
            (index + 1).to_string()
        }
    }
}

/// `A`, `B`, …, `Z`, `AA`… for a 0-based column index.
pub(crate) fn column_letters(mut index: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// Reads a CSV file's bytes: the encoding detected, every row a record.
pub(crate) fn read_csv(bytes: &[u8]) -> Result<Grid, Text> {
    let (text, encoding) = text::decode(bytes).map_err(|en| {
        Text::new(
            "UTF-8・Shift_JIS・UTF-16 のいずれとしても読めません。表計算ソフトで「CSV UTF-8」として保存してください",
            en,
        )
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, csv::Position::line);
            Text::new(
                format!("{line} 行目を CSV として読めません: {e}"),
                format!("line {line} cannot be read as CSV: {e}"),
            )
        })?;
        // The reader's position is where it started looking for the record,
        // before the blank lines it skipped: count those to name the line the
        // record is really on.
        let line = record.position().map_or(0, |p| {
            let start = usize::try_from(p.byte()).unwrap_or(usize::MAX);
            let blank = text
                .as_bytes()
                .get(start..)
                .unwrap_or_default()
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .filter(|&&b| b == b'\n')
                .count();
            p.line() + blank as u64
        });
        if rows.len() >= MAX_ROWS {
            return Err(too_many_rows());
        }
        // (A cell has no more characters than bytes.)
        if let Some(c) = record
            .iter()
            .position(|c| c.len() > MAX_CELL && c.chars().count() > MAX_CELL)
        {
            return Err(cell_too_large(line, &(c + 1).to_string()));
        }
        if record.iter().all(|c| text::norm(c).is_empty()) {
            continue;
        }
        rows.push((line, record));
    }
    Ok(Grid {
        sheet: None,
        rows,
        encoding: Some(encoding),
        errors: Vec::new(),
    })
}

fn too_many_rows() -> Text {
    Text::new(
        format!("行が {MAX_ROWS} を超えています。ファイルを分けて取り込んでください"),
        format!("it has more than {MAX_ROWS} rows; split it and import the parts"),
    )
}

fn cell_too_large(row: u64, column: &str) -> Text {
    Text::new(
        format!("{row} 行目 {column} 列のセルが {MAX_CELL} 文字を超えています"),
        format!("the cell in row {row}, column {column} is longer than {MAX_CELL} characters"),
    )
}

/// Checks a workbook's zip directory before anything is expanded: the
/// total and per-part expansion stay within [`MAX_EXPANDED`] and
/// [`MAX_RATIO`].
fn check_zip(bytes: &[u8]) -> Result<(), Text> {
    let not_xlsx = |e: &dyn std::fmt::Display| {
        Text::new(
            format!("Excel ブック (.xlsx) として読めません: {e}"),
            format!("it is not an Excel workbook (.xlsx): {e}"),
        )
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| not_xlsx(&e))?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).map_err(|e| not_xlsx(&e))?;
        let (size, packed) = (part.size(), part.compressed_size().max(1));
        let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
        total = total.saturating_add(size);
        if size > 1 << 20 && size / packed > MAX_RATIO {
            return Err(Text::new(
                format!(
                    "ブックの部品 `{}` は {packed} バイトから {size} バイトに展開されます (比 {}): 展開爆弾 (zip bomb) とみなし、読みません",
                    name,
                    size / packed
                ),
                format!(
                    "its part `{}` expands from {packed} to {size} bytes (ratio {}): treated as a zip bomb and not read",
                    name,
                    size / packed
                ),
            ));
        }
    }
    if total > MAX_EXPANDED {
        return Err(Text::new(
            format!(
                "ブックは展開すると {total} バイトになり、上限 {MAX_EXPANDED} バイトを超えます。シートを分けてください"
            ),
            format!(
                "it expands to {total} bytes, more than the limit of {MAX_EXPANDED}; split the workbook"
            ),
        ));
    }
    Ok(())
}

/// Reads every sheet of an `.xlsx` workbook's bytes.
pub(crate) fn read_xlsx(bytes: &[u8]) -> Result<Vec<Grid>, Text> {
    check_zip(bytes)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        Text::new(
            format!("Excel ブック (.xlsx) として読めません: {e}"),
            format!("it is not an Excel workbook (.xlsx): {e}"),
        )
    })?;
    let mut grids = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(|e| {
            Text::new(
                format!("シート `{name}` を読めません: {e}"),
                format!("sheet `{name}` cannot be read: {e}"),
            )
        })?;
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        let mut rows = Vec::new();
        let mut errors = Vec::new();
        for (r, row) in range.rows().enumerate() {
            let line = u64::from(first_row) + r as u64 + 1;
            if rows.len() >= MAX_ROWS {
                return Err(too_many_rows());
            }
            // Cells keep their column: pad what lies left of the used range.
            let mut cells = StringRecord::new();
            for _ in 0..first_col {
                cells.push_field("");
            }
            for (c, cell) in row.iter().enumerate() {
                let col = first_col as usize + c;
                let text = match cell {
                    Data::Error(e) => {
                        errors.push((line, col, e.to_string()));
                        String::new()
                    }
                    other => cell_text(other),
                };
                if text.chars().count() > MAX_CELL {
                    return Err(cell_too_large(line, &column_letters(col)));
                }
                cells.push_field(&text);
            }
            if cells.iter().all(|c| text::norm(c).is_empty()) {
                continue;
            }
            rows.push((line, cells));
        }
        grids.push(Grid {
            sheet: Some(name),
            rows,
            encoding: None,
            errors,
        });
    }
    Ok(grids)
}

/// A cell's value as text the column parsers read: a date as `YYYY-MM-DD`
/// (with `THH:MM:SS` when it has a time), a whole number without `.0`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Bool(b) => b.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::DateTime(d) => {
            let (y, m, day, h, min, s, _) = d.to_ymd_hms_milli();
            if (h, min, s) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{day:02}")
            } else {
                format!("{y:04}-{m:02}-{day:02}T{h:02}:{min:02}:{s:02}")
            }
        }
    }
}

/// Reads up to [`MAX_FILE`] bytes of `path` once.
pub(crate) fn read_input(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    let file = mizuchi_ledger::files::open_regular_nofollow(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(std::io::Error::other(format!(
            "it is larger than {} MiB, the most an import reads",
            MAX_FILE >> 20
        )));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_as_spreadsheets_letter_them() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn a_csv_keeps_its_line_numbers_and_skips_blank_rows() {
        let grid = read_csv("a,b\n\n1,2\n,\n3,\"x\ny\"\n5,6\n".as_bytes()).unwrap();
        let lines: Vec<u64> = grid.rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [1, 3, 5, 7]);
        assert_eq!(grid.rows[2].1.iter().collect::<Vec<_>>(), ["3", "x\ny"]);
    }

    #[test]
    fn a_zip_bomb_is_refused_before_it_is_expanded() {
        use std::io::Write;
        let mut buf = Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut buf);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
            let zeros = vec![0u8; 1 << 20];
            for _ in 0..64 {
                zip.write_all(&zeros).unwrap();
            }
            zip.finish().unwrap();
        }
        let err = read_xlsx(buf.get_ref()).unwrap_err();
        assert!(err.en.contains("zip bomb"), "{}", err.en);
        assert!(err.ja.contains("展開爆弾"), "{}", err.ja);
    }
}
