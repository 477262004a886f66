//! The HTML around every page, escaping, the pages' scripts and styles (plain files in
//! `assets/`, built in), and the live stream server-sent events come from.

use std::convert::Infallible;
use std::future::Future;

use axum::response::sse::Event;
use tokio::sync::{mpsc, watch};
use tokio_stream::wrappers::ReceiverStream;

/// The helpers' app: Sell, Queue and Redeem on a phone.
pub const STATION_APP: &str = include_str!("assets/station.html");
/// The fan page's live updates.
pub const FAN_JS: &str = include_str!("assets/fan.js");
/// The board's live updates.
pub const BOARD_JS: &str = include_str!("assets/board.js");
/// The house style for every page.
pub const STYLE: &str = include_str!("assets/style.css");

/// Text made safe inside HTML (elements and quoted attributes).
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page: phone-sized, the house style, `body`, and `script` at the end.
pub fn page(title: &str, body: &str, script: &str) -> String {
    format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><title>{}</title><style>{STYLE}</style></head>
<body>{body}<script>{script}</script></body></html>"#,
        esc(title)
    )
}

/// A server-sent event stream: `make` runs at once and after every commit, and what it makes
/// is sent as an `event` when it differs from the last one sent. The stream (and its task)
/// ends when the page goes away.
pub fn live_stream<F, Fut>(
    mut changes: watch::Receiver<u64>,
    event: &'static str,
    mut make: F,
) -> ReceiverStream<Result<Event, Infallible>>
where
    F: FnMut(u64) -> Fut + Send + 'static,
    Fut: Future<Output = Option<String>> + Send,
{
    let (tx, rx) = mpsc::channel(4);
    tokio::spawn(async move {
        let mut last: Option<String> = None;
        loop {
            let n = *changes.borrow_and_update();
            if let Some(data) = make(n).await.filter(|d| last.as_ref() != Some(d)) {
                let sent = tx
                    .send(Ok(Event::default().event(event).data(data.clone())))
                    .await;
                if sent.is_err() {
                    break;
                }
                last = Some(data);
            }
            tokio::select! {
                changed = changes.changed() => if changed.is_err() { break },
                () = tx.closed() => break,
            }
        }
    });
    ReceiverStream::new(rx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cannot_break_out_of_the_html() {
        assert_eq!(
            esc(r#"<script>"x"&'y'</script>"#),
            "&lt;script&gt;&quot;x&quot;&amp;&#39;y&#39;&lt;/script&gt;"
        );
        assert!(page("a<b", "", "").contains("<title>a&lt;b</title>"));
    }
}
