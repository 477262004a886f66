//! CSV exports: one file per table in a folder (`orders.csv`, `lines.csv` …), RFC 4180 (the
//! csv crate quotes what needs quoting, lines end in CRLF), UTF-8 without a byte-order mark,
//! numbers as plain decimals with a dot.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use super::{Cell, ExportError, Sink, Table};

/// Writes each table to `<folder>/<table>.csv`.
pub struct CsvFolder {
    folder: PathBuf,
    current: Option<(PathBuf, csv::Writer<BufWriter<File>>)>,
}

impl CsvFolder {
    /// Tables go into `folder`, which must exist.
    pub fn new(folder: &Path) -> CsvFolder {
        CsvFolder {
            folder: folder.to_path_buf(),
            current: None,
        }
    }

    fn close(&mut self) -> Result<(), ExportError> {
        if let Some((path, mut writer)) = self.current.take() {
            writer.flush().map_err(|e| ExportError::io(&path, e))?;
            let file = writer
                .into_inner()
                .map_err(|e| ExportError::io(&path, e.into_error()))?;
            // Durable before the folder is renamed into place.
            file.into_inner()
                .map_err(|e| ExportError::io(&path, e.into_error()))?
                .sync_all()
                .map_err(|e| ExportError::io(&path, e))?;
        }
        Ok(())
    }
}

impl Sink for CsvFolder {
    fn table(&mut self, table: &Table) -> Result<(), ExportError> {
        self.close()?;
        let path = self.folder.join(format!("{}.csv", table.name));
        let file = File::create_new(&path).map_err(|e| ExportError::io(&path, e))?;
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(BufWriter::new(file));
        writer
            .write_record(table.columns)
            .map_err(|source| ExportError::Csv {
                path: path.clone(),
                source,
            })?;
        self.current = Some((path, writer));
        Ok(())
    }

    fn row(&mut self, cells: &[Cell]) -> Result<(), ExportError> {
        let Some((path, writer)) = &mut self.current else {
            return Ok(());
        };
        writer
            .write_record(cells.iter().map(Cell::text))
            .map_err(|source| ExportError::Csv {
                path: path.clone(),
                source,
            })
    }

    fn finish(&mut self) -> Result<(), ExportError> {
        self.close()
    }
}
