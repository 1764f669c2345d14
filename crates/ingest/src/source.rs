//! Finding the tables in what the user handed in (a folder of CSV files, or one XLSX workbook
//! with a sheet per table) and reading their rows.

use crate::decode::{as_decode_error, hex_bytes, DecodingReader};
use crate::report::Problem;
use anyhow::{bail, Context, Result};
use calamine::{Data, Reader};
use qingfeng_domain::contract::{Table, TABLES};
use qingfeng_domain::Invalid;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

pub struct Source {
    pub table: &'static Table,
    /// How reports name it: `payments.csv`, or `book.xlsx#payments` for a sheet.
    pub label: String,
    pub sha256: String,
    /// Size for the progress bar: bytes of a CSV file, rows of a sheet.
    pub size: u64,
    content: Content,
}

enum Content {
    Csv(PathBuf),
    /// The rows of a sheet's used range and the worksheet row number of its first row (Excel
    /// starts the range at the first row that holds anything, not always at row 1).
    Sheet(Vec<Vec<String>>, u64),
}

/// What was found: the tables, and the problems seen while looking (files not taken, cells
/// spoilt by Excel).
pub struct Discovered {
    pub sources: Vec<Source>,
    pub ignored: Vec<Problem>,
}

fn table_for(stem: &str) -> Option<&'static Table> {
    TABLES
        .iter()
        .find(|t| t.name.eq_ignore_ascii_case(stem.trim()) || t.zh == stem.trim())
}

fn ignored(file: &str, what_zh: &str, what_en: &str) -> Problem {
    Problem::warning(
        file,
        0,
        "",
        file,
        Invalid::new(
            "file_ignored",
            format!("{what_zh}“{file}”不是数据规范中的表, 未导入(文件名拼写错误?)"),
            format!("{what_en} \"{file}\" is not a table of the data contract and was not imported (misspelt name?)"),
        ),
    )
}

pub fn discover(input: &Path) -> Result<Discovered> {
    let meta = std::fs::metadata(input)
        .with_context(|| format!("cannot read {} / 无法读取", input.display()))?;
    let mut found = Discovered {
        sources: Vec::new(),
        ignored: Vec::new(),
    };
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(input)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        entries.sort();
        for path in entries {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            if name.starts_with('.')
                || name.starts_with("import-report")
                || name == "truth.csv"
                || name == "decoys.csv"
            {
                continue;
            }
            let is_csv = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            let table = path
                .file_stem()
                .and_then(|s| s.to_str())
                .and_then(table_for);
            match (is_csv && path.is_file(), table) {
                (true, Some(table)) => {
                    if found.sources.iter().any(|s| s.table.name == table.name) {
                        bail!(
                            "two files for table {} in {} / 同一表有两个文件",
                            table.name,
                            input.display()
                        );
                    }
                    found.sources.push(Source {
                        table,
                        label: name,
                        sha256: String::new(),
                        size: 0,
                        content: Content::Csv(path),
                    });
                }
                _ => found.ignored.push(ignored(&name, "文件", "file")),
            }
        }
    } else if input
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
    {
        let book_name = input
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(input)
            .with_context(|| format!("cannot open workbook {book_name} / 无法打开工作簿"))?;
        for sheet in book.sheet_names().to_vec() {
            let label = format!("{book_name}#{sheet}");
            let Some(table) = table_for(&sheet) else {
                found.ignored.push(ignored(&label, "工作表", "sheet"));
                continue;
            };
            if found.sources.iter().any(|s| s.table.name == table.name) {
                bail!("two sheets for table {} / 同一表有两个工作表", table.name);
            }
            let sheet_rows = match read_sheet(&mut book, &sheet, &label)? {
                Ok(rows) => rows,
                Err(refused) => {
                    found.ignored.push(*refused);
                    continue;
                }
            };
            let (rows, first_row) = (sheet_rows.rows, sheet_rows.first_row);
            found.ignored.extend(precision_losses(
                &sheet_rows.long_numbers,
                &rows,
                &label,
                first_row,
            ));
            // A sheet's identity is its cell contents, so that editing one sheet of a workbook
            // does not make every other sheet look new.
            let mut h = Sha256::new();
            for row in &rows {
                for c in row {
                    h.update(c.as_bytes());
                    h.update([0x1F]);
                }
                h.update([0x1E]);
            }
            let size = rows.len() as u64;
            found.sources.push(Source {
                table,
                label,
                sha256: hex::encode(h.finalize()),
                size,
                content: Content::Sheet(rows, first_row),
            });
        }
    } else {
        bail!(
            "{} is neither a folder of CSV files nor an .xlsx workbook / 既不是CSV文件夹也不是xlsx工作簿",
            input.display()
        );
    }
    hash_all(&mut found.sources)?;
    // Contract order: parents before children, which keeps reports in a natural order.
    found
        .sources
        .sort_by_key(|s| TABLES.iter().position(|t| t.name == s.table.name));
    Ok(found)
}

/// Hashes the CSV files on every core: recognising an unchanged file must not cost more than
/// a fraction of importing it.
fn hash_all(sources: &mut [Source]) -> Result<()> {
    let paths: Vec<(usize, PathBuf)> = sources
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match &s.content {
            Content::Csv(p) => Some((i, p.clone())),
            Content::Sheet(..) => None,
        })
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(paths.len().max(1));
    let results: Vec<Result<Vec<(usize, String, u64)>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((i, path)) = paths.get(k) else {
                            return Ok(done);
                        };
                        let (sha, size) = hash_file(path)?;
                        done.push((*i, sha, size));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("hashing thread"))
            .collect()
    });
    for r in results {
        for (i, sha, size) in r? {
            sources[i].sha256 = sha;
            sources[i].size = size;
        }
    }
    Ok(())
}

fn hash_file(path: &Path) -> Result<(String, u64)> {
    let mut f = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        h.update(&buf[..n]);
    }
    Ok((hex::encode(h.finalize()), size))
}

/// The most columns a sheet may use: the widest table of the contract has far fewer, and a
/// sheet's data beyond this is an inflated used range (or an attack), not a register.
pub const MAX_SHEET_COLUMNS: u32 = 256;

/// A sheet's cells as rows of text.
struct SheetRows {
    rows: Vec<Vec<String>>,
    /// Worksheet row number (1-based) of `rows[0]`.
    first_row: u64,
    /// Number cells of 15 digits or more: (index into `rows`, column, value).
    long_numbers: Vec<(usize, usize, f64)>,
}

/// Reads a sheet one cell at a time. Asking calamine for the sheet's whole range would reserve
/// room for every cell between the first and the last: a 1.5 KB workbook with cells in A1 and
/// XFD1048576 asks for 17 billion and takes the server down. Here a cell beyond
/// [`MAX_SHEET_COLUMNS`] refuses the sheet, and blank rows cost nothing, so memory follows the
/// cells actually present.
fn read_sheet<RS: std::io::Read + std::io::Seek>(
    book: &mut calamine::Xlsx<RS>,
    sheet: &str,
    label: &str,
) -> Result<Result<SheetRows, Box<Problem>>> {
    let mut reader = book
        .worksheet_cells_reader(sheet)
        .with_context(|| format!("reading sheet {label} / 读取工作表"))?;
    // (row, column, text, number) of every cell that holds something, in file order.
    let mut cells: Vec<(u32, u32, String, Option<f64>)> = Vec::new();
    while let Some(cell) = reader
        .next_cell()
        .with_context(|| format!("reading sheet {label} / 读取工作表"))?
    {
        let (row, col) = cell.get_position();
        let value = Data::from(cell.get_value().clone());
        if matches!(value, Data::Empty) {
            continue;
        }
        if col >= MAX_SHEET_COLUMNS {
            let at = format!("{}{}", column_letters(col), row + 1);
            return Ok(Err(Box::new(Problem::error(
                label,
                u64::from(row) + 1,
                &column_letters(col),
                &cell_text(&value),
                Invalid::new(
                    "xlsx_sheet_too_wide",
                    format!("单元格 {at} 超出登记表最多 {MAX_SHEET_COLUMNS} 列的范围, 整张工作表未读入; 请删除数据右侧的列后重新保存"),
                    format!("cell {at} lies beyond the {MAX_SHEET_COLUMNS} columns a register can have, so the sheet was not read; delete the columns right of the data and save again"),
                ),
            ))));
        }
        // XLSX stores every number as a double; calamine may hand whole ones over as Int.
        let number = match value {
            Data::Float(f) => Some(f),
            Data::Int(i) => Some(i as f64),
            _ => None,
        };
        cells.push((row, col, cell_text(&value), number));
    }
    let first_row = cells.iter().map(|c| c.0).min().unwrap_or(0);
    let first_col = cells.iter().map(|c| c.1).min().unwrap_or(0);
    let last_row = cells.iter().map(|c| c.0).max().unwrap_or(0);
    // A blank row is an empty Vec: no allocation, whatever the gap.
    let mut rows: Vec<Vec<String>> = Vec::new();
    if !cells.is_empty() {
        rows.resize_with((last_row - first_row + 1) as usize, Vec::new);
    }
    let mut long_numbers = Vec::new();
    for (row, col, text, number) in cells {
        let (r, c) = ((row - first_row) as usize, (col - first_col) as usize);
        let cells_of_row = &mut rows[r];
        if cells_of_row.len() <= c {
            cells_of_row.resize(c + 1, String::new());
        }
        cells_of_row[c] = text;
        if let Some(f) = number.filter(|f| f.abs() >= 1e15) {
            long_numbers.push((r, c, f));
        }
    }
    Ok(Ok(SheetRows {
        rows,
        first_row: u64::from(first_row) + 1,
        long_numbers,
    }))
}

/// Excel's name of a 0-based column: A, …, Z, AA, …, XFD.
fn column_letters(col: u32) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

/// Excel keeps 15 significant digits: a longer number typed into a number cell (an ID or bank
/// account number) has already been changed. Each such cell is an error, not a silent import.
fn precision_losses(
    long_numbers: &[(usize, usize, f64)],
    rows: &[Vec<String>],
    label: &str,
    first_row: u64,
) -> Vec<Problem> {
    let header = rows.first().cloned().unwrap_or_default();
    long_numbers
        .iter()
        .map(|&(r, c, f)| {
            Problem::error(
                label,
                first_row + r as u64,
                header.get(c).map(String::as_str).unwrap_or(""),
                &format!("{f}"),
                Invalid::new(
                    "xlsx_number_precision",
                    "数字超过Excel的15位精度, 末几位已丢失; 请将该列设为文本格式后重新录入",
                    "the number exceeds Excel's 15-digit precision and has lost its last digits; format the column as text and enter it again",
                ),
            )
        })
        .collect()
}

/// A spreadsheet cell as the text a CSV export would have had.
fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Whole numbers print without ".0"; others in Rust's shortest round-trip form, which
        // gives back what was typed (1234.56 stays 1234.56).
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => format!("{f}"),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(dt) => qingfeng_domain::dates::iso(dt.date()),
            None => d.to_string(),
        },
        Data::DateTimeIso(s) => s.chars().take(10).collect(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// One record's fields, however the source holds them.
pub trait Record {
    fn field_count(&self) -> usize;
    fn field(&self, i: usize) -> Option<&str>;
}

impl Record for csv::StringRecord {
    fn field_count(&self) -> usize {
        self.len()
    }
    fn field(&self, i: usize) -> Option<&str> {
        self.get(i)
    }
}

impl Record for Vec<String> {
    fn field_count(&self) -> usize {
        self.len()
    }
    fn field(&self, i: usize) -> Option<&str> {
        self.get(i).map(String::as_str)
    }
}

enum Rows {
    Csv(Box<csv::Reader<DecodingReader<BufReader<File>>>>),
    Sheet {
        rows: std::vec::IntoIter<Vec<String>>,
        line: u64,
    },
}

/// Reads the rows of one source: a header, then records with their line numbers. The current
/// record is borrowed, not copied, so a row costs no allocation until its cells are parsed.
pub struct RowReader {
    rows: Rows,
    csv_record: csv::StringRecord,
    sheet_row: Vec<String>,
    progress: Arc<AtomicU64>,
}

impl Source {
    pub fn open(&mut self) -> Result<RowReader> {
        let (rows, progress) = match &mut self.content {
            Content::Csv(path) => {
                let file =
                    File::open(&*path).with_context(|| format!("opening {}", path.display()))?;
                let decoded = DecodingReader::new(BufReader::with_capacity(1 << 20, file));
                let progress = decoded.progress_handle();
                let reader = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .buffer_capacity(1 << 20)
                    .from_reader(decoded);
                (Rows::Csv(Box::new(reader)), progress)
            }
            Content::Sheet(rows, first_row) => (
                Rows::Sheet {
                    rows: std::mem::take(rows).into_iter(),
                    line: *first_row - 1,
                },
                Arc::new(AtomicU64::new(0)),
            ),
        };
        Ok(RowReader {
            rows,
            csv_record: csv::StringRecord::new(),
            sheet_row: Vec::new(),
            progress,
        })
    }
}

impl RowReader {
    pub fn progress(&self) -> Arc<AtomicU64> {
        self.progress.clone()
    }

    pub fn encoding(&self) -> &'static str {
        match &self.rows {
            Rows::Csv(reader) => reader.get_ref().encoding_label(),
            Rows::Sheet { .. } => "XLSX",
        }
    }

    /// The record read by the last successful `advance`.
    pub fn current(&self) -> &dyn Record {
        match self.rows {
            Rows::Csv(_) => &self.csv_record,
            Rows::Sheet { .. } => &self.sheet_row,
        }
    }

    /// Moves to the next record and returns its 1-based line; `Ok(None)` at the end. An error
    /// means the rest of the file cannot be read (bad bytes, broken quoting).
    pub fn advance(&mut self, file: &str) -> Result<Option<u64>, Box<Problem>> {
        match &mut self.rows {
            Rows::Csv(reader) => loop {
                match reader.read_record(&mut self.csv_record) {
                    Ok(false) => return Ok(None),
                    Ok(true) => {
                        // Lines holding nothing but separators are blank lines of a spreadsheet export.
                        if self.csv_record.iter().all(|f| f.trim().is_empty()) {
                            continue;
                        }
                        // The line is counted from the record's byte offset, not taken from
                        // the CSV reader, whose count lags after every CRLF (see `LineBreaks`).
                        let byte = self.csv_record.position().map_or(0, |p| p.byte());
                        return Ok(Some(reader.get_mut().line_of(byte)));
                    }
                    Err(e) => return Err(Box::new(csv_problem(file, e))),
                }
            },
            Rows::Sheet { rows, line } => loop {
                let Some(row) = rows.next() else {
                    return Ok(None);
                };
                *line += 1;
                self.progress
                    .store(*line, std::sync::atomic::Ordering::Relaxed);
                if row.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                self.sheet_row = row;
                return Ok(Some(*line));
            },
        }
    }
}

fn csv_problem(file: &str, e: csv::Error) -> Problem {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    if let csv::ErrorKind::Io(io) = e.kind() {
        if let Some(d) = as_decode_error(io) {
            return Problem::error(
                file,
                d.line,
                "",
                &hex_bytes(&d.bytes),
                Invalid::new(
                    "encoding_invalid",
                    format!(
                        "第{}行(字节偏移{})的字节{}不是有效的{}编码; 文件未能读完",
                        d.line,
                        d.byte_offset,
                        hex_bytes(&d.bytes),
                        d.encoding
                    ),
                    format!(
                        "bytes {} at line {} (byte offset {}) are not valid {}; the file could not be read to the end",
                        hex_bytes(&d.bytes),
                        d.line,
                        d.byte_offset,
                        d.encoding
                    ),
                ),
            );
        }
    }
    Problem::error(
        file,
        line,
        "",
        "",
        Invalid::new(
            "csv_unreadable",
            format!("CSV格式错误, 文件未能读完: {e}"),
            format!("malformed CSV, the file could not be read to the end: {e}"),
        ),
    )
}
