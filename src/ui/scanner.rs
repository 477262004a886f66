//! A barcode scanner is a keyboard: a fast burst of characters ending in Enter. This tells such a
//! burst apart from a person typing, wherever the keyboard focus is.

use egui::Key;

use super::{Command, Kiosk, MEMBER_CARD_PREFIX, Screen};
use crate::domain::claim;

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

impl Kiosk {
    /// Keeps this frame's shortcut for a moment; a second typed character in the same frame
    /// means a scanner burst, and the shortcut is dropped.
    pub(super) fn hold_shortcuts(&mut self, commands: Vec<Command>, time: f64) -> Vec<Command> {
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
        kept
    }

    pub(super) fn scan_ui(&mut self, ui: &mut egui::Ui, time: f64) -> Vec<Command> {
        let events = ui.input(|i| i.events.clone());
        let mut scanned = None;
        self.typed_this_frame = 0;
        for event in &events {
            match event {
                egui::Event::Text(text) => {
                    self.scanner.text(text, time);
                    self.typed_this_frame += text.chars().count();
                    self.typed_at = time;
                }
                egui::Event::Key {
                    key: Key::Enter,
                    pressed: true,
                    ..
                } => {
                    scanned = self
                        .scanner
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
        // would submit the code a second time), and what earlier frames typed comes back out.
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
        for draft in [
            &mut self.till.cash,
            &mut self.till.part,
            &mut self.till.tip,
            &mut self.redeem.input,
            &mut self.redeem.search,
        ] {
            let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
            if let Some(kept) = draft
                .strip_suffix(code.as_str())
                .or_else(|| draft.strip_suffix(compact.as_str()))
            {
                *draft = kept.to_string();
            }
        }
        if code.starts_with(MEMBER_CARD_PREFIX) {
            return vec![Command::Goto(Screen::Sell), Command::ScannedMember(code)];
        }
        vec![Command::Goto(Screen::Redeem), Command::Redeem(code)]
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
