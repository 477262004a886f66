//! XLSX exports: one workbook, one sheet per table, each sheet streamed to a temp file as it
//! is written (rust_xlsxwriter's constant-memory mode), so a long night does not sit in
//! memory. Amounts are numbers with the currency's decimals as their format, read from the
//! amount's own decimal text; times are text (local and ISO), the same in every spreadsheet.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::{Cell, ExportError, MAX_ROWS, Sink, Table};

/// A workbook being written to `path` (a temp file the caller renames into place).
pub struct XlsxBook {
    path: PathBuf,
    book: Workbook,
    /// The sheet being written: its index, its table and its next row.
    sheet: Option<(usize, &'static str, u32)>,
    sheets: usize,
    header: Format,
    /// The amount formats by decimal digits, made once: a format per cell costs a lookup each.
    money: [Format; 3],
}

impl XlsxBook {
    /// A new workbook that [`Sink::finish`] saves at `path`.
    pub fn new(path: &Path) -> XlsxBook {
        XlsxBook {
            path: path.to_path_buf(),
            book: Workbook::new(),
            sheet: None,
            sheets: 0,
            header: Format::new().set_bold(),
            money: [money_format(0), money_format(1), money_format(2)],
        }
    }

    fn err(&self, source: XlsxError) -> ExportError {
        ExportError::Xlsx {
            path: self.path.clone(),
            source,
        }
    }
}

/// `orders` → `Orders`.
fn sheet_name(table: &str) -> String {
    let mut chars = table.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `0.00` for a currency with two decimals, `0` for none.
fn money_format(digits: u32) -> Format {
    match digits {
        0 => Format::new().set_num_format("0"),
        n => Format::new().set_num_format(format!("0.{}", "0".repeat(n as usize))),
    }
}

impl Sink for XlsxBook {
    fn table(&mut self, table: &Table) -> Result<(), ExportError> {
        let index = self.sheets;
        let header = self.header.clone();
        let sheet = self
            .book
            .add_worksheet_with_constant_memory()
            .map_err(|e| ExportError::Xlsx {
                path: self.path.clone(),
                source: e,
            })?;
        let written = (|| {
            sheet.set_name(sheet_name(table.name))?;
            for (col, name) in (0u16..).zip(table.columns) {
                sheet.write_string_with_format(0, col, *name, &header)?;
                sheet.set_column_width(col, (name.len() as f64 + 2.0).max(12.0))?;
            }
            sheet.set_freeze_panes(1, 0)?;
            Ok(())
        })();
        written.map_err(|e| self.err(e))?;
        self.sheets += 1;
        self.sheet = Some((index, table.name, 1));
        Ok(())
    }

    fn row(&mut self, cells: &[Cell]) -> Result<(), ExportError> {
        let Some((index, table, row)) = self.sheet else {
            return Ok(());
        };
        if u64::from(row) > MAX_ROWS {
            return Err(ExportError::TooManyRows {
                path: self.path.clone(),
                table,
            });
        }
        let money = &self.money;
        let sheet = self
            .book
            .worksheet_from_index(index)
            .map_err(|e| ExportError::Xlsx {
                path: self.path.clone(),
                source: e,
            })?;
        let written = (|| {
            for (col, cell) in (0u16..).zip(cells) {
                match cell {
                    Cell::Text(t) => {
                        sheet.write_string(row, col, t.as_str())?;
                    }
                    // Whole numbers up to 2^53 are exact in a spreadsheet's doubles.
                    Cell::Int(n) => {
                        sheet.write_number(row, col, *n as f64)?;
                    }
                    Cell::Money(m) => {
                        // The decimal text read as the nearest double, as a spreadsheet
                        // reads a typed amount: no arithmetic on the float.
                        let value: f64 = m.plain().parse().unwrap_or_default();
                        let digits = m.currency.minor_digits() as usize;
                        let format = &money[digits.min(money.len() - 1)];
                        sheet.write_number_with_format(row, col, value, format)?;
                    }
                    Cell::Empty => {}
                }
            }
            Ok(())
        })();
        written.map_err(|e| self.err(e))?;
        self.sheet = Some((index, table, row + 1));
        Ok(())
    }

    fn finish(&mut self) -> Result<(), ExportError> {
        let saved = self.book.save(&self.path);
        saved.map_err(|e| self.err(e))?;
        // Durable before it is renamed into place.
        std::fs::File::open(&self.path)
            .and_then(|f| f.sync_all())
            .map_err(|e| ExportError::io(&self.path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_and_money_formats() {
        assert_eq!(sheet_name("orders"), "Orders");
        assert_eq!(sheet_name(""), "");
        assert_eq!(money_format(2), Format::new().set_num_format("0.00"));
    }
}
