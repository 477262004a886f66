//! A barcode scanner is a keyboard: a fast burst of characters ending in Enter. This tells such a
//! burst apart from a person typing, wherever the keyboard focus is.

use egui::Key;

use super::screens::redeem::RedeemOp;
use super::screens::sell::SellOp;
use super::{Command, Screen};
use crate::domain::claim;

/// What a member card's QR says before the code.
pub const MEMBER_CARD_PREFIX: &str = "ENCORE-MEMBER:";
/// Longest pause between two scanned characters; people type far slower.
const MAX_GAP_SECS: f64 = 0.08;
/// Shortest burst taken for a scan (claim codes are far longer).
const MIN_LEN: usize = 20;

/// Collects keystrokes and reports a finished scan.
#[derive(Debug, Default, Clone)]
pub struct ScanDetector {
    buffer: String,
    last_at: Option<f64>,
}

impl ScanDetector {
    /// Feeds typed text arriving at `now` (seconds).
    pub fn text(&mut self, text: &str, now: f64) {
        if self.last_at.is_some_and(|t| now - t > MAX_GAP_SECS) {
            self.buffer.clear();
        }
        self.buffer.push_str(text);
        self.last_at = Some(now);
    }

    /// Enter pressed at `now`: returns the scanned text if the burst was fast and long enough.
    pub fn enter(&mut self, now: f64) -> Option<String> {
        let fast = self.last_at.is_some_and(|t| now - t <= MAX_GAP_SECS);
        let scanned = std::mem::take(&mut self.buffer);
        self.last_at = None;
        (fast && scanned.trim().len() >= MIN_LEN).then(|| scanned.trim().to_string())
    }
}

/// A shortcut key waits this long for a scanner burst that would make it part of a code.
const SHORTCUT_WAIT_SECS: f64 = 0.15;

/// The keyboard as the kiosk sees it: scanner bursts, and one-key shortcuts held back until
/// it is clear no burst follows.
#[derive(Debug, Default)]
pub struct Scanner {
    detector: ScanDetector,
    /// A shortcut waiting to see whether a scanner burst follows: `(command, frame time)`.
    pending_key: Option<(Command, f64)>,
    /// Characters typed in this frame.
    typed_this_frame: usize,
    /// Frame time of the last typed character (any field, or none).
    typed_at: Option<f64>,
}

impl Scanner {
    /// Keeps this frame's shortcut for a moment (a second typed character in the same frame
    /// means a scanner burst, and the shortcut is dropped) and lets a held one through once no
    /// burst followed it.
    pub fn hold_shortcuts(
        &mut self,
        ui: &egui::Ui,
        commands: Vec<Command>,
        time: f64,
    ) -> Vec<Command> {
        let mut kept = Vec::new();
        for command in commands {
            match command {
                Command::Shortcut(inner) if self.typed_this_frame <= 1 => {
                    self.pending_key = Some((*inner, time));
                }
                Command::Shortcut(_) => {}
                other => kept.push(other),
            }
        }
        if let Some((command, at)) = self.pending_key.take() {
            if self.typed_at.is_some_and(|t| t > at) {
                // More characters came: the key was the start of a scan, not a shortcut.
            } else if time - at >= SHORTCUT_WAIT_SECS {
                kept.push(command);
            } else {
                self.pending_key = Some((command, at));
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_secs_f64(SHORTCUT_WAIT_SECS));
            }
        }
        kept
    }

    /// Reads this frame's keystrokes; a finished scan becomes commands (and its keystrokes are
    /// taken out of the frame, so no text field also sees them).
    pub fn scan_ui(&mut self, ui: &mut egui::Ui, time: f64) -> Vec<Command> {
        let events = ui.input(|i| i.events.clone());
        let mut scanned = None;
        self.typed_this_frame = 0;
        for event in &events {
            match event {
                egui::Event::Text(text) => {
                    self.detector.text(text, time);
                    self.typed_this_frame += text.chars().count();
                    self.typed_at = Some(time);
                }
                egui::Event::Key {
                    key: Key::Enter,
                    pressed: true,
                    ..
                } => {
                    scanned = self
                        .detector
                        .enter(time)
                        .filter(|c| claim::looks_like_code(c) || c.starts_with(MEMBER_CARD_PREFIX));
                }
                _ => {}
            }
        }
        let Some(code) = scanned else {
            return Vec::new();
        };
        // The scan is ours: no text field may also see its keystrokes or its Enter (which
        // would submit the code a second time).
        ui.input_mut(|i| {
            i.events.retain(|e| {
                !matches!(
                    e,
                    egui::Event::Text(_)
                        | egui::Event::Key {
                            key: Key::Enter,
                            ..
                        }
                )
            });
        });
        // What earlier frames typed into a field comes back out of it.
        let mut commands = vec![
            Command::Sell(SellOp::ForgetTyped(code.clone())),
            Command::Redeem(RedeemOp::ForgetTyped(code.clone())),
        ];
        if code.starts_with(MEMBER_CARD_PREFIX) {
            commands.push(Command::Goto(Screen::Sell));
            commands.push(Command::Sell(SellOp::ScannedMember(code)));
        } else {
            commands.push(Command::Goto(Screen::Redeem));
            commands.push(Command::Redeem(RedeemOp::Code(code)));
        }
        commands
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fast_burst_is_a_scan() {
        let mut d = ScanDetector::default();
        for (i, c) in "0K4M7QX2ABCDEFGHJKMNPQRS".chars().enumerate() {
            d.text(&c.to_string(), 1.0 + i as f64 * 0.01);
        }
        assert_eq!(d.enter(1.25).as_deref(), Some("0K4M7QX2ABCDEFGHJKMNPQRS"));
        assert_eq!(d.enter(1.26), None);
    }

    #[test]
    fn slow_typing_is_not() {
        let mut d = ScanDetector::default();
        for (i, c) in "0K4M7QX2ABCDEFGHJKMNPQRS".chars().enumerate() {
            d.text(&c.to_string(), 1.0 + i as f64 * 0.2);
        }
        assert_eq!(d.enter(6.0), None);
    }

    #[test]
    fn short_bursts_are_not() {
        let mut d = ScanDetector::default();
        d.text("20", 1.0);
        assert_eq!(d.enter(1.01), None);
    }
}
