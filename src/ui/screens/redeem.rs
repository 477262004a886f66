//! The Redeem screen: type, scan or read a code from a photo; the result is shown big, with the
//! hand-over step for drops, one more unit for codes good for several, undo for ten seconds, and
//! the redemption log below.

use crate::domain::event::{Zone, local_clock};
use crate::ui::problem::Problem;
use egui::RichText;
use jiff::Timestamp;

use crate::domain::claim;
use crate::service::{LogLine, Pos, PosError, PosResult, Redeemed, UNDO_SECS};
use crate::ui::Command;
use crate::ui::ctx::{Fx, ScreenCtx};
use crate::ui::theme::{self, TOUCH};
use crate::ui::widgets::{self, Tone, forget_typed};

/// What the Redeem screen asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedeemOp {
    /// Redeem a typed or scanned claim code.
    Code(String),
    /// Redeem one more unit of the last code.
    More(String),
    /// Hand held drop units to the fan (second step of a drop redemption).
    HandOver(i64),
    /// Take a redemption back (within ten seconds).
    Undo(i64),
    /// Read a claim code from the image file named in the photo field (off the frame).
    ReadImage,
    /// The photo was read: the texts of its QR codes, or what went wrong.
    PhotoRead(Result<Vec<String>, Problem>),
    /// A scanned code was also typed into a field of this screen: take it back out.
    ForgetTyped(String),
}

/// How far back the log looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Since {
    /// Everything.
    #[default]
    All,
    /// The last hour.
    Hour,
    /// The last 15 minutes.
    Quarter,
}

impl Since {
    /// The earliest instant shown.
    pub fn start(self, now: Timestamp) -> Option<Timestamp> {
        let secs = match self {
            Since::All => return None,
            Since::Hour => 3600,
            Since::Quarter => 900,
        };
        Timestamp::from_second(now.as_second() - secs).ok()
    }
}

/// What the Redeem screen holds between frames.
#[derive(Debug, Default)]
pub struct RedeemScreen {
    /// The code field.
    pub input: String,
    /// Path of a photo or screenshot of a code.
    pub image_path: String,
    /// The last result, shown big.
    pub result: Option<(Tone, String)>,
    /// The last redemption with its code and when it was made (for hand-over, more, undo).
    pub last: Option<(Redeemed, String, Timestamp)>,
    /// Log search text.
    pub search: String,
    /// Log time window.
    pub since: Since,
    /// Log lines, newest first.
    pub log: Vec<LogLine>,
    /// True while a photo is being read (its button waits, so a double tap reads it once).
    reading: bool,
}

impl RedeemScreen {
    /// Draws the screen.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &ScreenCtx<'_>) -> Vec<Command> {
        redeem_ui(ui, self, ctx.now, &ctx.event.time_zone)
    }

    /// Re-reads the redemption log for the search and time window.
    pub fn refresh(&mut self, pos: &Pos) -> PosResult<()> {
        let since = self.since.start(pos.now());
        self.log = pos.redemption_log(&self.search, since)?;
        Ok(())
    }

    /// Applies one of the screen's ops through the service.
    pub fn apply(&mut self, op: RedeemOp, pos: &mut Pos, fx: &mut Fx<'_>) -> PosResult<()> {
        match op {
            RedeemOp::Code(code) => self.redeem(&code, false, pos),
            RedeemOp::More(code) => self.redeem(&code, true, pos),
            RedeemOp::HandOver(id) => self.hand_over(id, pos),
            RedeemOp::Undo(id) => self.undo(id, pos),
            RedeemOp::ReadImage if self.reading => {}
            RedeemOp::ReadImage => {
                self.reading = true;
                let path = self.image_path.trim().to_string();
                fx.jobs.spawn("Reading the photo", move || {
                    Command::Redeem(RedeemOp::PhotoRead(read_photo(&path)))
                });
            }
            RedeemOp::PhotoRead(decoded) => {
                self.reading = false;
                self.photo_read(decoded, pos);
            }
            RedeemOp::ForgetTyped(code) => {
                forget_typed(&mut self.input, &code);
                forget_typed(&mut self.search, &code);
            }
        }
        Ok(())
    }

    /// Redeems the claim code a photo showed, or says what was wrong with the photo.
    fn photo_read(&mut self, decoded: Result<Vec<String>, Problem>, pos: &mut Pos) {
        match decoded {
            Ok(texts) => match texts.into_iter().find(|t| claim::looks_like_code(t)) {
                Some(code) => self.redeem(&code, false, pos),
                None => {
                    let text = "Photo: the QR code in it is not a claim code";
                    self.result = Some((Tone::Bad, text.into()));
                }
            },
            Err(e) => self.result = Some((Tone::Bad, e.to_string())),
        }
    }

    /// Redeems one unit; `more` keeps the code in the field's place (One more unit).
    fn redeem(&mut self, input: &str, more: bool, pos: &mut Pos) {
        match pos.redeem_claim(input, 1) {
            Ok(r) => {
                let step = if r.held { " — held for the fan" } else { "" };
                let text = format!("Redeemed: {} × {}{step}", r.units, r.title);
                self.result = Some((Tone::Good, text));
                let code = claim::normalize(input).unwrap_or_else(|_| input.to_string());
                self.last = Some((r, code, pos.now()));
            }
            Err(e) => {
                self.result = Some((Tone::Bad, e.to_string()));
                if !more {
                    self.last = None;
                }
            }
        }
        self.input.clear();
    }

    fn hand_over(&mut self, id: i64, pos: &mut Pos) {
        let done = pos.hand_over(id);
        let before = self.last.take();
        self.after_step(done, "Handed over");
        // The rest of the code stays at hand (One more unit), and the hand-over can be undone
        // for ten seconds.
        if let (Some((mut r, code, _)), Some((Tone::Good, _))) = (before, &self.result) {
            r.held = false;
            self.last = Some((r, code, pos.now()));
        }
    }

    fn undo(&mut self, id: i64, pos: &mut Pos) {
        let done = pos.undo_redemption(id);
        let before = self.last.take();
        let back_on_hold = matches!(&done, Ok(r) if r.held);
        let word = if back_on_hold {
            "Back on hold"
        } else {
            "Undone"
        };
        self.after_step(done, word);
        // An undone hand-over leaves the unit held: Handed over is offered again.
        if back_on_hold && let Some((mut r, code, at)) = before {
            r.held = true;
            self.last = Some((r, code, at));
        }
    }

    fn after_step(&mut self, done: Result<Redeemed, PosError>, word: &str) {
        match done {
            Ok(r) => {
                self.result = Some((Tone::Good, format!("{word}: {} × {}", r.units, r.title)));
                self.last = None;
            }
            Err(e) => self.result = Some((Tone::Bad, e.to_string())),
        }
    }
}

/// Reads a photo or screenshot and decodes its QR codes; refuses files too big to be a photo
/// (the decoder refuses images too large on either side).
fn read_photo(path: &str) -> Result<Vec<String>, Problem> {
    let bytes = crate::files::read_capped(
        "Photo",
        std::path::Path::new(path),
        crate::files::MAX_PHOTO_BYTES,
    )?;
    crate::domain::qr::scan_image(&bytes).map_err(Problem::Photo)
}

/// Draws the code field, the last result with its next steps, and the log.
fn redeem_ui(
    ui: &mut egui::Ui,
    desk: &mut RedeemScreen,
    now: Timestamp,
    zone: &Zone,
) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.heading("Redeem a claim code");
    ui.label("Scan the fan's QR code anywhere in Encore, or type the code (dashes, spaces and case do not matter).");
    let mut submit = false;
    ui.horizontal(|ui| {
        let label = ui.label("Claim code");
        let field = egui::TextEdit::singleline(&mut desk.input)
            .font(theme::bold(22.0))
            .hint_text("e.g. 0K4M-7QX2-…");
        let response = ui
            .add_sized([ui.available_width() - 160.0, TOUCH], field)
            .labelled_by(label.id);
        submit = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if widgets::button(ui, "Redeem code", 130.0) {
            submit = true;
        }
    });
    if submit && !desk.input.trim().is_empty() {
        commands.push(Command::Redeem(RedeemOp::Code(
            desk.input.trim().to_string(),
        )));
    }
    ui.horizontal(|ui| {
        let label = ui.label("Photo or screenshot (PNG/JPEG)");
        let field = egui::TextEdit::singleline(&mut desk.image_path)
            .hint_text("/home/me/Pictures/code.jpg");
        ui.add_sized([ui.available_width() - 160.0, TOUCH], field)
            .labelled_by(label.id);
        let ready = !desk.image_path.trim().is_empty() && !desk.reading;
        if ui
            .add_enabled(
                ready,
                egui::Button::new("Read image").min_size(egui::vec2(130.0, TOUCH)),
            )
            .clicked()
        {
            commands.push(Command::Redeem(RedeemOp::ReadImage));
        }
    });
    if let Some((tone, text)) = &desk.result {
        ui.add_space(12.0);
        widgets::banner(ui, *tone, text, 34.0);
    }
    if let Some((r, code, at)) = &desk.last {
        next_steps(ui, r, code, *at, now, &mut commands);
    }
    ui.add_space(8.0);
    ui.separator();
    log_ui(ui, desk, zone);
    commands
}

fn next_steps(
    ui: &mut egui::Ui,
    r: &Redeemed,
    code: &str,
    at: Timestamp,
    now: Timestamp,
    commands: &mut Vec<Command>,
) {
    if r.units_left > 0 {
        ui.label(RichText::new(format!("{} left on this code", r.units_left)).size(24.0));
    }
    ui.horizontal(|ui| {
        if r.held && widgets::button(ui, RichText::new("Handed over").size(24.0).strong(), 220.0) {
            commands.push(Command::Redeem(RedeemOp::HandOver(r.id)));
        }
        if r.units_left > 0 && !r.held && widgets::button(ui, "One more unit", 180.0) {
            commands.push(Command::Redeem(RedeemOp::More(code.to_string())));
        }
        let left = UNDO_SECS - (now.as_second() - at.as_second());
        if left > 0 && widgets::button(ui, format!("Undo ({left} s)"), 140.0) {
            commands.push(Command::Redeem(RedeemOp::Undo(r.id)));
        }
    });
}

fn log_ui(ui: &mut egui::Ui, desk: &mut RedeemScreen, zone: &Zone) {
    ui.horizontal(|ui| {
        ui.label(RichText::new("Redemption log").strong());
        let label = ui.label("Search");
        let field =
            egui::TextEdit::singleline(&mut desk.search).hint_text("code fragment or offer");
        ui.add_sized([240.0, TOUCH], field).labelled_by(label.id);
        let windows = [
            (Since::All, "All"),
            (Since::Hour, "Last hour"),
            (Since::Quarter, "Last 15 min"),
        ];
        if let Some(since) = widgets::choices(ui, None, &desk.since, windows, 90.0) {
            desk.since = since;
        }
    });
    if desk.log.is_empty() {
        ui.label("Nothing redeemed yet.");
        return;
    }
    egui::ScrollArea::vertical()
        .id_salt("redemption_log")
        .show(ui, |ui| {
            egui::Grid::new("log")
                .striped(true)
                .spacing([16.0, 6.0])
                .show(ui, |ui| {
                    for l in &desk.log {
                        ui.label(local_clock(l.at, zone));
                        ui.label(format!("{} × {}", l.units, l.title));
                        // The end of a code is its signature: what tells codes apart.
                        let tail: String = l
                            .code
                            .chars()
                            .skip(l.code.len().saturating_sub(8))
                            .collect();
                        ui.label(RichText::new(format!("…{tail}")).monospace());
                        ui.label(if l.helper.is_empty() {
                            l.station.clone()
                        } else {
                            format!("{} · {}", l.station, l.helper)
                        });
                        ui.label(l.status.describe(zone));
                        ui.end_row();
                    }
                });
        });
}
