//! A barcode scanner is a keyboard: a fast burst of characters ending in Enter. This tells such a
//! burst apart from a person typing, wherever the keyboard focus is.

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
