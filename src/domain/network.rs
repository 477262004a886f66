//! The table's network, the pure parts: fans' links (an order id sealed with the hub's secret,
//! so the link needs no stored token and cannot be guessed), the Wi-Fi QR payload, and a fan's
//! place in line as their page shows it.

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use super::queue::{Ticket, TicketState};

/// Bytes of the HMAC tag kept in a fan's link: 80 bits, far past guessing over a LAN.
const TAG_BYTES: usize = 10;
/// Longest link token accepted (a UUID, its tag, base32): anything longer is not one.
pub const MAX_FAN_TOKEN: usize = 64;

/// The MAC over an order id (a 32-byte key is always accepted, hence never None in practice).
fn mac(secret: &[u8; 32], order_id: &str) -> Option<Hmac<Sha256>> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).ok()?;
    mac.update(b"encore fan link v1\0");
    mac.update(order_id.as_bytes());
    Some(mac)
}

/// The token of `order_id`'s fan page: the order's UUID and its tag, lower-case base32.
pub fn fan_token(secret: &[u8; 32], order_id: &str) -> Option<String> {
    let id = uuid::Uuid::parse_str(order_id).ok()?;
    let mut bytes = id.as_bytes().to_vec();
    bytes.extend(&mac(secret, order_id)?.finalize().into_bytes()[..TAG_BYTES]);
    Some(BASE32_NOPAD.encode(&bytes).to_ascii_lowercase())
}

/// The order id a fan's token stands for, when its tag is right (constant-time compare).
pub fn order_of_token(secret: &[u8; 32], token: &str) -> Option<String> {
    if token.len() > MAX_FAN_TOKEN {
        return None;
    }
    let bytes = BASE32_NOPAD
        .decode(token.to_ascii_uppercase().as_bytes())
        .ok()?;
    if bytes.len() != 16 + TAG_BYTES {
        return None;
    }
    let id = uuid::Uuid::from_slice(&bytes[..16])
        .ok()?
        .hyphenated()
        .to_string();
    mac(secret, &id)?.verify_truncated_left(&bytes[16..]).ok()?;
    Some(id)
}

/// The `WIFI:` payload phones' cameras join a network from (the ZXing format every current
/// phone reads): `WIFI:T:WPA;S:name;P:password;;`, with `\ ; , : "` escaped by a backslash.
/// An empty password is an open network.
pub fn wifi_payload(ssid: &str, password: &str) -> String {
    let esc = |s: &str| {
        s.chars()
            .flat_map(|c| match c {
                '\\' | ';' | ',' | ':' | '"' => vec!['\\', c],
                c => vec![c],
            })
            .collect::<String>()
    };
    match password {
        "" => format!("WIFI:T:nopass;S:{};;", esc(ssid)),
        p => format!("WIFI:T:WPA;S:{};P:{};;", esc(ssid), esc(p)),
    }
}

/// Where one of the fan's tickets stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FanTicket {
    /// `A-007`.
    pub label: String,
    /// Lane letter.
    pub lane: char,
    /// Gig title.
    pub title: String,
    /// `waiting`, `next`, `called`, `serving`, `done`, `no_show` or `cancelled`.
    pub state: &'static str,
    /// Place in the lane's line (1 = next), while waiting.
    pub place: Option<usize>,
    /// The wait range in minutes, while waiting.
    pub wait_mins: Option<(u32, u32)>,
    /// The wait in words ("about 2–4 min", "now"), empty when not waiting.
    pub wait: String,
    /// The words the page shows large.
    pub headline: String,
}

/// A ticket on the fan's page, from the lane's waiting line (in call order, with wait ranges).
pub fn fan_ticket(ticket: &Ticket, waiting: &[(Ticket, (u32, u32))]) -> FanTicket {
    let lane = ticket.label.lane;
    let at = waiting.iter().position(|(t, _)| t.id == ticket.id);
    let (state, place, wait_mins, headline) = match (ticket.state, at) {
        (TicketState::Waiting, Some(0)) => (
            "next",
            Some(1),
            waiting.first().map(|w| w.1),
            "You're next".to_string(),
        ),
        (TicketState::Waiting, Some(i)) => {
            let ahead = i;
            let (lo, hi) = waiting[i].1;
            let fans = if ahead == 1 { "fan" } else { "fans" };
            (
                "waiting",
                Some(i + 1),
                Some((lo, hi)),
                format!("{ahead} {fans} ahead of you · about {lo}–{hi} min"),
            )
        }
        (TicketState::Waiting, None) => ("waiting", None, None, "Waiting".to_string()),
        (TicketState::Called, _) => (
            "called",
            None,
            None,
            format!("Your turn at lane {lane}: come to the table"),
        ),
        (TicketState::Serving, _) => ("serving", None, None, format!("At lane {lane} now")),
        (TicketState::Done, _) => ("done", None, None, "Served: thank you!".to_string()),
        (TicketState::NoShow, _) => (
            "no_show",
            None,
            None,
            format!("You were called and missed it: ask at lane {lane}"),
        ),
        (TicketState::Cancelled, _) => (
            "cancelled",
            None,
            None,
            "Refunded: this ticket is no longer in line".to_string(),
        ),
    };
    FanTicket {
        label: ticket.label.to_string(),
        lane,
        title: ticket.title.clone(),
        state,
        place,
        wait: wait_mins.map(super::queue::wait_text).unwrap_or_default(),
        wait_mins,
        headline,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::queue::TicketLabel;

    const SECRET: [u8; 32] = [7; 32];
    const ORDER: &str = "0190f3a2-7b1c-7d4e-8f00-1234567890ab";

    #[test]
    fn a_fan_token_opens_its_own_order_and_nothing_else() {
        let token = fan_token(&SECRET, ORDER).unwrap();
        assert_eq!(order_of_token(&SECRET, &token).as_deref(), Some(ORDER));
        assert_eq!(
            order_of_token(&SECRET, &token.to_ascii_uppercase()).as_deref(),
            Some(ORDER)
        );
        assert_eq!(
            order_of_token(&[8; 32], &token),
            None,
            "another hub's secret"
        );
        // Every single-character change is refused.
        for i in 0..token.len() {
            let mut t = token.clone().into_bytes();
            t[i] = if t[i] == b'a' { b'b' } else { b'a' };
            let t = String::from_utf8(t).unwrap();
            if t != token {
                assert_eq!(order_of_token(&SECRET, &t), None, "{t}");
            }
        }
        for bad in [
            "",
            "x",
            &"a".repeat(200),
            "0190f3a2-7b1c-7d4e-8f00-1234567890ab",
        ] {
            assert_eq!(order_of_token(&SECRET, bad), None, "{bad}");
        }
        assert_eq!(fan_token(&SECRET, "not a uuid"), None);
    }

    #[test]
    fn wifi_payloads_escape_what_the_format_reserves() {
        assert_eq!(
            wifi_payload("Table 4", "s3cret"),
            "WIFI:T:WPA;S:Table 4;P:s3cret;;"
        );
        assert_eq!(
            wifi_payload(r#"a;b,c:d"e\f"#, "p;w"),
            r#"WIFI:T:WPA;S:a\;b\,c\:d\"e\\f;P:p\;w;;"#
        );
        assert_eq!(wifi_payload("Open", ""), "WIFI:T:nopass;S:Open;;");
    }

    fn ticket(id: i64, n: u32, state: TicketState) -> Ticket {
        Ticket {
            id,
            label: TicketLabel {
                lane: 'A',
                number: n,
            },
            title: "Shoutout".into(),
            state,
            duration_mins: 1,
            priority: false,
            requeued: false,
            called_at: None,
        }
    }

    #[test]
    fn a_fans_place_reads_as_they_would_say_it() {
        let waiting = vec![
            (ticket(1, 1, TicketState::Waiting), (0, 1)),
            (ticket(2, 2, TicketState::Waiting), (1, 2)),
            (ticket(3, 3, TicketState::Waiting), (2, 4)),
        ];
        let next = fan_ticket(&waiting[0].0, &waiting);
        assert_eq!((next.state, next.place), ("next", Some(1)));
        assert_eq!(next.headline, "You're next");
        let third = fan_ticket(&waiting[2].0, &waiting);
        assert_eq!(third.headline, "2 fans ahead of you · about 2–4 min");
        assert_eq!(
            fan_ticket(&waiting[1].0, &waiting).headline,
            "1 fan ahead of you · about 1–2 min"
        );
        let called = fan_ticket(&ticket(9, 9, TicketState::Called), &waiting);
        assert_eq!(called.state, "called");
        assert_eq!(called.headline, "Your turn at lane A: come to the table");
        assert_eq!(
            fan_ticket(&ticket(9, 9, TicketState::Done), &[]).state,
            "done"
        );
    }
}
