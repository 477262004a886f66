//! The file formats of exports: tables of cells written as CSV files (one per table, RFC 4180,
//! UTF-8) or as one XLSX workbook (one sheet per table). Knows nothing of the store or of
//! events: the service hands it tables and rows ([`Sink`]) and says when the file is done.

mod csv_files;
mod xlsx;

use std::path::{Path, PathBuf};

pub use csv_files::CsvFolder;
pub use xlsx::XlsxBook;

use crate::domain::money::Money;

/// One value of a row. Money is written from minor units through `Money::plain` (`12.50`),
/// never through a float sum.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text as it is.
    Text(String),
    /// A whole number.
    Int(i64),
    /// An amount: a decimal with the currency's digits.
    Money(Money),
    /// Nothing (an instant that did not happen, a missing reference).
    Empty,
}

impl Cell {
    /// The cell as CSV writes it (and as a text reader sees it).
    pub fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Money(m) => m.plain(),
            Cell::Empty => String::new(),
        }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.to_string())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}

impl From<Money> for Cell {
    fn from(money: Money) -> Cell {
        Cell::Money(money)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Int(n)
    }
}

impl From<Option<String>> for Cell {
    fn from(text: Option<String>) -> Cell {
        text.map_or(Cell::Empty, Cell::Text)
    }
}

/// A table: its file or sheet name and its column names, which stay stable across versions
/// (scripts read them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    /// `orders`: the CSV file `orders.csv`, the sheet `Orders`.
    pub name: &'static str,
    /// The header row.
    pub columns: &'static [&'static str],
}

/// Most rows a sheet holds (Excel's limit, less the header).
pub const MAX_ROWS: u64 = 1_048_575;

/// Why an export file could not be written; each names the file.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The CSV writer failed.
    #[error("{}: {source}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: csv::Error,
    },
    /// The workbook could not be made.
    #[error("{}: {source}", path.display())]
    Xlsx {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: rust_xlsxwriter::XlsxError,
    },
    /// A table has more rows than a sheet holds.
    #[error("{}: the {table} sheet would need more than {MAX_ROWS} rows; export CSV instead", path.display())]
    TooManyRows {
        /// The file.
        path: PathBuf,
        /// The table.
        table: &'static str,
    },
}

impl ExportError {
    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> ExportError {
        ExportError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Where the tables of an export go, one table after the other, row by row.
pub trait Sink {
    /// Starts a table: its header row is written now.
    fn table(&mut self, table: &Table) -> Result<(), ExportError>;
    /// Writes one row of the current table (as many cells as it has columns).
    fn row(&mut self, cells: &[Cell]) -> Result<(), ExportError>;
    /// Writes what is left and closes the files.
    fn finish(&mut self) -> Result<(), ExportError>;
}
