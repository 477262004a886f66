//! The Reports screen: the X report of this station's shift, the event report of every station,
//! and the Z that closes the shift (creator PIN, with the drawer's count when it is open); the
//! closed Z reports to show again (as COPY); each saved as a PDF for the roll or A4.

use egui::RichText;

use crate::domain::field::FieldError;
use crate::domain::money::parse_amount;
use crate::domain::report::Report;
use crate::domain::report::text::{period, sections, title};
use crate::pdf::{Paper, report_pdf};
use crate::service::{Pos, PosError, PosResult, ZSummary};
use crate::ui::Command;
use crate::ui::ctx::{Fx, ScreenCtx};
use crate::ui::files::{self, Saved};
use crate::ui::jobs::Handover;
use crate::ui::theme::TOUCH;
use crate::ui::widgets::{self, Tone};

/// What the Reports screen asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportsOp {
    /// This station's shift so far.
    ShowX,
    /// Every station.
    ShowEvent,
    /// Close the shift with the typed PIN (and count).
    CloseZ,
    /// Show a closed Z again.
    ShowZ(String, u32),
    /// Save the report shown as a PDF.
    Save(Paper),
    /// The worker finished adding up an X or event report.
    Read(ReportRead),
}

/// An X or event report as the worker hands it back (taken once, by the screen).
pub type ReportRead = Handover<PosResult<Report>>;

/// What the screen holds between frames.
#[derive(Debug, Default)]
pub struct ReportsScreen {
    /// The report on screen, and whether it is a copy.
    shown: Option<(Report, bool)>,
    /// The creator PIN, typed for the Z; cleared once used.
    pin: String,
    /// The drawer's count, typed for the Z.
    counted: String,
    /// Whether this station's drawer is open (the Z then needs the count).
    drawer_open: bool,
    /// An X or event report is being added up on the worker.
    reading: bool,
    /// The closed Z reports.
    closed: Vec<ZSummary>,
}

impl ReportsScreen {
    /// Re-reads the closed Zs and the drawer; the report shown stays as it was made.
    pub fn refresh(&mut self, pos: &Pos) -> PosResult<()> {
        self.closed = pos.z_reports()?;
        self.drawer_open = pos.drawer_status()?.is_some();
        Ok(())
    }

    /// The report on screen.
    pub fn shown(&self) -> Option<&Report> {
        self.shown.as_ref().map(|(r, _)| r)
    }

    /// Applies an op.
    pub fn apply(&mut self, op: ReportsOp, pos: &mut Pos, fx: &mut Fx<'_>) -> PosResult<()> {
        match op {
            ReportsOp::ShowX => self.start_reading(pos, fx, false)?,
            ReportsOp::ShowEvent => self.start_reading(pos, fx, true)?,
            ReportsOp::Read(read) => {
                self.reading = false;
                if let Some(report) = read.take() {
                    self.shown = Some((report?, false));
                }
            }
            ReportsOp::ShowZ(station, z) => self.shown = Some(pos.z_report(&station, z)?),
            ReportsOp::CloseZ => {
                let pin = std::mem::take(&mut self.pin);
                let counted = if self.drawer_open {
                    let typed = std::mem::take(&mut self.counted);
                    let amount = parse_amount(&typed, pos.event().currency).map_err(|e| {
                        PosError::Invalid(FieldError::new("counted cash", e.to_string()))
                    })?;
                    Some(amount)
                } else {
                    None
                };
                let grant = pos.unlock(&pin)?;
                let z = pos.close_z(counted, &grant)?;
                fx.good(format!("{} closed", title(&z)));
                self.shown = Some((z, false));
                self.refresh(pos)?;
            }
            ReportsOp::Save(paper) => {
                if let Some((report, copy)) = self.shown.clone() {
                    save(fx, report, copy, paper);
                }
            }
        }
        Ok(())
    }

    /// Adds up the X (or event) report on the worker: a long night takes a moment, and the
    /// kiosk keeps drawing meanwhile. A database that is not a file is read here.
    fn start_reading(&mut self, pos: &Pos, fx: &mut Fx<'_>, event_wide: bool) -> PosResult<()> {
        if self.reading {
            return Ok(());
        }
        let Some(job) = pos.report_job(event_wide) else {
            let report = if event_wide {
                pos.event_report()?
            } else {
                pos.x_report()?
            };
            self.shown = Some((report, false));
            return Ok(());
        };
        self.reading = true;
        fx.jobs.spawn("Adding up the report", move || {
            let read = ReportRead::default();
            read.put(job.run());
            Command::Reports(ReportsOp::Read(read))
        });
        Ok(())
    }

    /// Draws the screen.
    pub fn ui(&mut self, ui: &mut egui::Ui, _ctx: &ScreenCtx<'_>) -> Vec<Command> {
        let mut out = Vec::new();
        let op = |o: ReportsOp| Command::Reports(o);
        ui.horizontal_wrapped(|ui| {
            if widgets::button(ui, "X report (this shift)", 200.0) {
                out.push(op(ReportsOp::ShowX));
            }
            if widgets::button(ui, "Event report", 160.0) {
                out.push(op(ReportsOp::ShowEvent));
            }
        });
        ui.add_space(6.0);
        ui.label(RichText::new("Close this station's shift (Z report)").strong());
        ui.horizontal_wrapped(|ui| {
            if self.drawer_open {
                widgets::field(ui, "Cash counted", &mut self.counted, (0.0, 110.0), "0.00");
            }
            let go = widgets::pin_and_button(ui, "Creator PIN", &mut self.pin, "Close the shift");
            if go {
                out.push(op(ReportsOp::CloseZ));
            }
        });
        if !self.closed.is_empty() {
            ui.horizontal_wrapped(|ui| {
                ui.label("Closed:");
                for z in self.closed.iter().take(12) {
                    let label = format!("{} Z {}", z.station, z.z_no);
                    if ui
                        .add(egui::Button::new(label).min_size(egui::vec2(0.0, TOUCH)))
                        .clicked()
                    {
                        out.push(op(ReportsOp::ShowZ(z.station.clone(), z.z_no)));
                    }
                }
            });
        }
        ui.separator();
        if self.reading {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Adding up the report…");
            });
        } else if let Some((report, copy)) = &self.shown {
            ui.horizontal_wrapped(|ui| {
                if widgets::button(ui, "Save PDF (80 mm)", 180.0) {
                    out.push(op(ReportsOp::Save(Paper::Roll80)));
                }
                if widgets::button(ui, "Save PDF (A4)", 160.0) {
                    out.push(op(ReportsOp::Save(Paper::A4)));
                }
            });
            report_ui(ui, report, *copy);
        } else {
            ui.label("Choose a report above.");
        }
        out
    }
}

fn report_ui(ui: &mut egui::Ui, r: &Report, copy: bool) {
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if copy {
                widgets::banner(ui, Tone::Info, "COPY of a closed Z report", 18.0);
            }
            ui.label(RichText::new(title(r)).size(24.0).strong());
            ui.label(format!(
                "{} · {} · {} · amounts in {}",
                r.event,
                r.venue,
                period(r),
                r.currency.code()
            ));
            headline(ui, r);
            let all = sections(r);
            let half = all.len().div_ceil(2);
            ui.columns(2, |cols| {
                for (n, s) in all.iter().enumerate() {
                    section_ui(&mut cols[usize::from(n >= half)], s);
                }
            });
        });
}

/// The figures a creator looks for first, large.
fn headline(ui: &mut egui::Ui, r: &Report) {
    let receipts: u32 = r.receipts.iter().map(|x| x.count).sum();
    let missing = r.receipts.iter().any(|x| !x.missing.is_empty());
    let mut tiles = vec![
        ("Net sales", r.net_sales.to_string()),
        ("Refunds", r.refunded.to_string()),
        ("Tips", r.tips.to_string()),
        ("Receipts", receipts.to_string()),
    ];
    if let Some(d) = r.drawers.last() {
        let cash = match d.difference {
            Some(diff) => format!("{diff} off"),
            None => d.expected.to_string(),
        };
        tiles.push(("Cash drawer", cash));
    }
    ui.add_space(6.0);
    ui.horizontal_wrapped(|ui| {
        for (label, value) in tiles {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.vertical(|ui| {
                    ui.label(label);
                    ui.label(RichText::new(value).size(22.0).strong());
                });
            });
        }
    });
    if missing {
        widgets::banner(
            ui,
            Tone::Bad,
            "Receipt numbers are missing from this period: see Receipts below",
            16.0,
        );
    }
}

fn section_ui(ui: &mut egui::Ui, s: &crate::domain::report::text::Section) {
    ui.add_space(8.0);
    ui.spacing_mut().interact_size.y = 20.0;
    let head = s
        .columns
        .iter()
        .map(|c| RichText::new(c).strong())
        .collect();
    row_ui(ui, RichText::new(&s.title).size(22.0).strong(), head);
    for row in &s.rows {
        let cells = row.cells.iter().map(RichText::new).collect();
        row_ui(ui, RichText::new(&row.label), cells);
    }
}

/// A label on the left and figures right-aligned: table figures in columns of one width, a
/// lone value as wide as it is.
fn row_ui(ui: &mut egui::Ui, label: RichText, cells: Vec<RichText>) {
    let columns = cells.len() > 1;
    let row = egui::vec2(ui.available_width(), 22.0);
    ui.allocate_ui_with_layout(
        row,
        egui::Layout::right_to_left(egui::Align::Center),
        |ui| {
            for c in cells.into_iter().rev() {
                if columns {
                    ui.allocate_ui_with_layout(
                        egui::vec2(84.0, 20.0),
                        egui::Layout::right_to_left(egui::Align::Center),
                        |ui| {
                            ui.set_min_width(84.0);
                            ui.label(c)
                        },
                    );
                } else {
                    ui.label(c);
                }
            }
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                ui.add(egui::Label::new(label).truncate());
            });
        },
    );
}

/// Writes the report's PDF on the worker, beside the receipts.
fn save(fx: &mut Fx<'_>, report: Report, copy: bool, paper: Paper) {
    let size = match paper {
        Paper::Roll80 => "80mm",
        Paper::A4 => "A4",
    };
    let station = report.station.clone().unwrap_or_else(|| "event".into());
    let kind = match report.z_no {
        Some(z) => format!("Z{z}"),
        None => report.kind.title().replace(' ', "-"),
    };
    let stamp = report.to.strftime("%Y%m%dT%H%M").to_string();
    let name = format!("{station}-{kind}-{stamp}-{size}.pdf");
    files::save_pdf(
        fx.jobs,
        "Writing the report PDF",
        (fx.receipts_dir, name),
        move || report_pdf(&report, paper, copy),
        |path, written| {
            let notice = match written {
                Ok(()) => (Tone::Good, format!("Report saved to {}", path.display())),
                Err(e) => (
                    Tone::Bad,
                    format!("Could not save the report to {}: {e}", path.display()),
                ),
            };
            Saved {
                path: Some(path.to_path_buf()),
                notice,
            }
        },
    );
}
