//! Shared test fixtures: a real SQLite file in a temp folder, a fixed clock, the demo event,
//! and the ONE harness factory every UI test uses (fonts and theme installed).

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use encore::domain::order::{Receipt, TenderKind};
use encore::service::{Clock, Grant, Pos, PosResult, SaleRequest};
use encore::store::Store;
use jiff::Timestamp;

/// Runs the real binary on `db` with `stdin` as its input (PINs go in this way, one per line).
pub fn encore_in(db: &std::path::Path, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_encore"))
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command that refuses before reading may close stdin first: that is not an error here.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

/// The demo event's creator PIN.
pub const PIN: &str = encore::service::DEMO_CREATOR_PIN;

/// 2026-11-21 20:00 UTC (21:00 in Berlin).
pub const T0: i64 = 1_795_291_200;

/// A clock tests can move forward.
#[derive(Clone)]
pub struct TestClock(Arc<AtomicI64>);

impl TestClock {
    pub fn new() -> TestClock {
        TestClock(Arc::new(AtomicI64::new(T0)))
    }
    /// A clock that starts at the real now. For tests that make data through the service and then
    /// run the binary, which reads the real clock: the two must agree on one clock, or a claim code
    /// sold at `T0` is expired for the binary 48 hours later (and a lottery window or a hold at
    /// once). Under `faketime` both read the moved clock, so they still agree.
    pub fn from_real_now() -> TestClock {
        TestClock(Arc::new(AtomicI64::new(Timestamp::now().as_second())))
    }
    /// What the clock says now.
    pub fn now(&self) -> Timestamp {
        Timestamp::from_second(self.0.load(Ordering::SeqCst)).unwrap()
    }
    pub fn advance_secs(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
    pub fn clock(&self) -> Clock {
        let at = self.0.clone();
        Arc::new(move || Timestamp::from_second(at.load(Ordering::SeqCst)).unwrap())
    }
}

/// A temp folder holding a database file.
pub struct TestDb {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl TestDb {
    pub fn new() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("encore.db");
        TestDb { dir, path }
    }

    /// The demo event in a fresh file, opened as station K1 on `clock`.
    pub fn demo_pos(&self, clock: &TestClock) -> Pos {
        self.pos_at("K1", clock)
    }

    /// A plain connection to the file, for reading what the service wrote.
    pub fn conn(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.path).unwrap()
    }

    pub fn pos_at(&self, station: &str, clock: &TestClock) -> Pos {
        let mut store = Store::open(&self.path).unwrap();
        Pos::seed_demo_if_empty(&mut store, &clock.clock(), false).unwrap();
        Pos::open(store, station, clock.clock()).unwrap()
    }
}

/// A complete sale through the service, as the kiosk makes it.
pub fn sell(pos: &mut Pos, items: &[(&str, u32)], tender: TenderKind) -> Receipt {
    try_sell(pos, items, tender).unwrap()
}

/// A sale that may be refused.
pub fn try_sell(
    pos: &mut Pos,
    items: &[(&str, u32)],
    tender: TenderKind,
) -> Result<Receipt, encore::service::PosError> {
    let items = items
        .iter()
        .map(|(title, qty)| (offer_id(pos, title), *qty))
        .collect();
    pos.sell(&SaleRequest::new(pos.start_checkout()?, items, tender))
}

/// The id of the demo offer with this title.
pub fn offer_id(pos: &Pos, title: &str) -> i64 {
    pos.offers()
        .unwrap()
        .into_iter()
        .find(|o| o.title == title)
        .unwrap()
        .id
}

/// A dark kiosk harness of `size`.
pub fn kiosk_harness(
    pos: Pos,
    size: (f32, f32),
) -> egui_kittest::Harness<'static, encore::ui::Kiosk> {
    kiosk_harness_themed(pos, size, egui::Theme::Dark)
}

/// The one harness factory for kiosk UI tests: fonts and theme installed, accessibility check on.
pub fn kiosk_harness_themed(
    pos: Pos,
    size: (f32, f32),
    theme: egui::Theme,
) -> egui_kittest::Harness<'static, encore::ui::Kiosk> {
    let receipts = std::env::temp_dir().join("encore-test-receipts");
    egui_kittest::Harness::builder()
        .with_size(egui::vec2(size.0, size.1))
        // 50 frames a second: a scanner's burst spans a frame or two, as on a real kiosk.
        .with_step_dt(0.02)
        .with_theme(theme)
        .with_context_setup(encore::ui::theme::install)
        .build_ui_state(
            |ui, kiosk: &mut encore::ui::Kiosk| kiosk.ui(ui),
            encore::ui::Kiosk::new(pos, receipts),
        )
}

/// Lets `secs` of kiosk time pass (the harness advances 0.02 s a frame), then lets any slow
/// work those frames started finish: a backup falls due when a test moves the clock on by five
/// minutes, and on a busy machine it outlasts the frames.
pub fn wait(h: &mut egui_kittest::Harness<'static, encore::ui::Kiosk>, secs: f32) {
    h.run_steps((secs / 0.02).ceil() as usize);
    finish_jobs(h);
}

/// Steps frames while a job runs on the kiosk's worker, for at most 30 s of real time.
fn finish_jobs(h: &mut egui_kittest::Harness<'static, encore::ui::Kiosk>) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while h.state().busy() {
        assert!(
            std::time::Instant::now() < deadline,
            "the kiosk's job did not finish"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
        h.step();
    }
}

/// Units of the offer with this title still sellable.
pub fn remaining(pos: &Pos, title: &str) -> Option<u32> {
    pos.offers()
        .unwrap()
        .into_iter()
        .find(|o| o.title == title)
        .unwrap()
        .remaining
}

/// Focuses the text field with this label and types into it, as a person would.
pub fn type_into(
    h: &mut egui_kittest::Harness<'static, encore::ui::Kiosk>,
    label: &str,
    text: &str,
) {
    use egui_kittest::kittest::Queryable as _;
    h.get_by_label(label).focus();
    h.run();
    // Select what is there, so the text replaces it.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

/// The demo offer with this title, as the catalogue has it now.
pub fn offer(pos: &Pos, title: &str) -> encore::domain::catalogue::Offer {
    pos.offers()
        .unwrap()
        .into_iter()
        .find(|o| o.title == title)
        .unwrap()
}

/// The editor's form for an existing offer, as it shows it.
pub fn edit_of(pos: &Pos, title: &str) -> encore::service::OfferEdit {
    let offer = offer(pos, title);
    encore::service::OfferEdit {
        id: Some(offer.id),
        ..encore::service::OfferEdit::new(offer)
    }
}

/// The creator lifts a demo drop's per-fan limit (the demo allows two posters per fan), for
/// tests that sell a whole stock in one order.
pub fn lift_fan_limit(pos: &mut Pos, title: &str) {
    let mut edit = edit_of(pos, title);
    if let encore::domain::catalogue::OfferKind::Drop { per_fan_limit, .. } = &mut edit.offer.kind {
        *per_fan_limit = None;
    }
    pos.with_pin("2468", |p, g| p.save_offer(&edit, g)).unwrap();
}

/// Creator operations as the creator makes them: type the PIN (checked once), then act with
/// the grant it gives. A wrong PIN is the operation's error.
pub trait AsCreator {
    /// Unlocks with `pin` and runs `op` with the grant.
    fn with_pin<T>(
        &mut self,
        pin: &str,
        op: impl FnOnce(&mut Pos, &Grant) -> PosResult<T>,
    ) -> PosResult<T>;
}

impl AsCreator for Pos {
    fn with_pin<T>(
        &mut self,
        pin: &str,
        op: impl FnOnce(&mut Pos, &Grant) -> PosResult<T>,
    ) -> PosResult<T> {
        let grant = self.unlock(pin)?;
        op(self, &grant)
    }
}

/// Runs frames until the kiosk's slow work (PDFs, photos, statement files, done on a worker
/// thread) has come back and been applied, then lets the UI settle.
pub fn run_jobs(h: &mut egui_kittest::Harness<'static, encore::ui::Kiosk>) {
    // The click's frame applies it (and starts the job); the spinner repaints while it runs.
    h.step();
    finish_jobs(h);
    h.run();
}
