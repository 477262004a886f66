//! Files the kiosk writes (receipt, refund and member-card PDFs): rendered and written on a
//! worker thread, then reported back as a [`Command::Saved`].

use std::path::{Path, PathBuf};

use super::Command;
use super::jobs::Jobs;
use super::widgets::Tone;

/// A file written off the frame: what the operator is told, and the file to offer to open.
#[derive(Debug)]
pub struct Saved {
    /// The file, when there is one to open.
    pub path: Option<PathBuf>,
    /// The message for the operator.
    pub notice: (Tone, String),
}

/// Why a file could not be saved.
#[derive(Debug)]
pub enum SaveError {
    /// The PDF could not be made.
    Render(crate::pdf::PdfError),
    /// The folder or file could not be written.
    Write(std::io::Error),
}

impl std::fmt::Display for SaveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SaveError::Render(e) => write!(f, "{e}"),
            SaveError::Write(e) => write!(f, "{e}"),
        }
    }
}

/// Renders a PDF and writes it to `name` in `dir` on a worker thread; `done` words the outcome.
pub fn save_pdf(
    jobs: &mut Jobs,
    what: &str,
    (dir, name): (&Path, String),
    render: impl FnOnce() -> Result<Vec<u8>, crate::pdf::PdfError> + Send + 'static,
    done: impl FnOnce(&Path, Result<(), SaveError>) -> Saved + Send + 'static,
) {
    let dir = dir.to_path_buf();
    jobs.spawn(what, move || {
        let path = dir.join(name);
        let written = render().map_err(SaveError::Render).and_then(|bytes| {
            std::fs::create_dir_all(&dir)
                .and_then(|()| std::fs::write(&path, bytes))
                .map_err(SaveError::Write)
        });
        Command::Saved(done(&path, written))
    });
}

/// Writes the receipt PDF of `receipt` (already read through the service).
pub fn export_receipt(jobs: &mut Jobs, dir: &Path, receipt: crate::domain::order::Receipt) {
    let name = format!("{}.pdf", receipt.number);
    let render = move || crate::pdf::receipt_pdf(&receipt);
    save_pdf(
        jobs,
        "Writing the receipt PDF",
        (dir, name),
        render,
        |path, written| {
            let notice = match written {
                Ok(()) => (Tone::Good, format!("Receipt saved to {}", path.display())),
                Err(e) => (
                    Tone::Bad,
                    format!("Could not save the receipt to {}: {e}", path.display()),
                ),
            };
            Saved {
                path: Some(path.to_path_buf()),
                notice,
            }
        },
    );
}

/// Opens a file in the desktop's default viewer without waiting for it.
pub fn open_file(path: &Path) {
    let _ = std::process::Command::new("xdg-open").arg(path).spawn();
}
