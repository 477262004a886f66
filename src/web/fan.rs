//! Fans' own pages (behind the unguessable token on their receipt: their place in each lane,
//! live, their claim codes and their receipt) and the now-serving board for any TV or tablet.
//! A wrong token is a plain 404 that says nothing about other orders.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::sse::{KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use super::pages::{esc, live_stream, page};
use super::{Hub, WebError, WebResult, blocking};
use crate::domain::network::FanTicket;
use crate::domain::qr::{QrMatrix, QrMode};
use crate::domain::queue::wait_text;
use crate::service::FanPage;

pub(super) fn routes() -> Router<Arc<Hub>> {
    Router::new()
        .route("/fan/{token}", get(fan_page))
        .route("/fan/{token}/state", get(fan_state))
        .route("/fan/{token}/events", get(fan_events))
        .route("/fan/{token}/receipt.pdf", get(fan_receipt))
        .route("/board", get(board_page))
        .route("/board/state", get(board_state))
        .route("/board/events", get(board_events))
}

/// What changes on a fan's page while they wait.
#[derive(Debug, Serialize, PartialEq)]
struct FanState {
    tickets: Vec<FanTicket>,
    /// `(code, usable)`.
    claims: Vec<(String, bool)>,
}

fn state_of(page: &FanPage) -> FanState {
    FanState {
        tickets: page.tickets.clone(),
        claims: page
            .claims
            .iter()
            .map(|(c, _, u)| (c.clone(), *u))
            .collect(),
    }
}

async fn load(hub: Arc<Hub>, token: String) -> WebResult<FanPage> {
    blocking(move || hub.main().fan_page(&token)?.ok_or(WebError::NotFound)).await
}

async fn fan_page(
    State(hub): State<Arc<Hub>>,
    Path(token): Path<String>,
) -> WebResult<Html<String>> {
    let fan = load(hub, token.clone()).await?;
    let r = &fan.receipt;
    let mut body = format!(
        r#"<main class="fan"><p class="event">{}</p><div id="tickets">"#,
        esc(&r.event_name)
    );
    for t in &fan.tickets {
        body.push_str(&ticket_html(t));
    }
    body.push_str("</div>");
    if !fan.claims.is_empty() {
        body.push_str(
            r#"<h2>Your codes</h2><p>Show a code at the hand-over.</p><div class="codes">"#,
        );
        for (code, title, usable) in &fan.claims {
            let svg = QrMatrix::encode(code, QrMode::Alphanumeric)
                .map(|m| m.svg())
                .unwrap_or_default();
            let used = if *usable { "" } else { " used" };
            body.push_str(&format!(
                r#"<figure class="code{used}" data-code="{c}">{svg}<figcaption><b>{t}</b><br><code>{c}</code><br><span class="used-note">already used</span></figcaption></figure>"#,
                c = esc(code),
                t = esc(title),
            ));
        }
        body.push_str("</div>");
    }
    body.push_str(&format!(
        r#"<p class="receipt">Receipt {} · {} · <a href="/fan/{}/receipt.pdf">receipt (PDF)</a></p>
<p id="live" class="live">Updates by itself.</p><noscript><meta http-equiv="refresh" content="15"></noscript></main>"#,
        esc(&r.number.to_string()),
        esc(&r.total.to_string()),
        esc(&token)
    ));
    Ok(Html(page(
        "Your place in line",
        &body,
        super::pages::FAN_JS,
    )))
}

fn ticket_html(t: &FanTicket) -> String {
    format!(
        r#"<section class="ticket {state}" data-label="{label}"><p class="label">{label} · {title}</p><p class="headline">{headline}</p><p class="wait">{wait}</p></section>"#,
        state = t.state,
        label = esc(&t.label),
        title = esc(&t.title),
        headline = esc(&t.headline),
        wait = esc(&t.wait),
    )
}

async fn fan_state(
    State(hub): State<Arc<Hub>>,
    Path(token): Path<String>,
) -> WebResult<Json<FanState>> {
    Ok(Json(state_of(&load(hub, token).await?)))
}

async fn fan_events(State(hub): State<Arc<Hub>>, Path(token): Path<String>) -> WebResult<Response> {
    // Refused before the stream opens, so a wrong token is a plain 404 here too.
    load(hub.clone(), token.clone()).await?;
    let changes = hub.changes();
    let stream = live_stream(changes, "state", move |_| {
        let (hub, token) = (hub.clone(), token.clone());
        async move {
            let page = load(hub, token).await.ok()?;
            serde_json::to_string(&state_of(&page)).ok()
        }
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}

async fn fan_receipt(
    State(hub): State<Arc<Hub>>,
    Path(token): Path<String>,
) -> WebResult<Response> {
    let fan = load(hub, token).await?;
    let number = fan.receipt.number.to_string();
    let pdf = blocking(move || {
        crate::pdf::receipt_pdf(&fan.receipt)
            .map_err(|e| WebError::Bad(format!("the receipt could not be made: {e}")))
    })
    .await?;
    let disposition = format!("inline; filename=\"receipt-{number}.pdf\"");
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        pdf,
    )
        .into_response())
}

/// One lane on the board.
#[derive(Debug, Serialize, PartialEq)]
struct BoardLane {
    lane: char,
    title: String,
    now: Vec<String>,
    next: Vec<String>,
    waiting: usize,
    wait_now: String,
}

/// The board: the event and its lanes.
#[derive(Debug, Serialize, PartialEq)]
struct Board {
    event: String,
    lanes: Vec<BoardLane>,
}

async fn board(hub: Arc<Hub>) -> WebResult<Board> {
    blocking(move || {
        let pos = hub.main();
        let lanes = pos
            .queue()?
            .into_iter()
            .map(|l| BoardLane {
                lane: l.lane,
                now: l
                    .serving
                    .iter()
                    .chain(&l.called)
                    .map(|t| t.label.to_string())
                    .collect(),
                next: l
                    .waiting
                    .iter()
                    .take(5)
                    .map(|(t, _)| t.label.to_string())
                    .collect(),
                waiting: l.waiting.len(),
                wait_now: wait_text(l.wait_now),
                title: l.title,
            })
            .collect();
        Ok(Board {
            event: pos.event().name.clone(),
            lanes,
        })
    })
    .await
}

async fn board_page(State(hub): State<Arc<Hub>>) -> WebResult<Html<String>> {
    let b = board(hub).await?;
    let data = serde_json::to_string(&b).unwrap_or_default();
    let body = format!(
        r#"<main class="board"><h1>{}</h1><div id="lanes"></div><script id="board-data" type="application/json">{}</script><noscript><meta http-equiv="refresh" content="10"></noscript></main>"#,
        esc(&b.event),
        // Inside a <script> element nothing may read as markup.
        data.replace('<', "\\u003c")
    );
    Ok(Html(page("Now serving", &body, super::pages::BOARD_JS)))
}

async fn board_state(State(hub): State<Arc<Hub>>) -> WebResult<Json<Board>> {
    Ok(Json(board(hub).await?))
}

async fn board_events(State(hub): State<Arc<Hub>>) -> impl IntoResponse {
    let changes = hub.changes();
    let stream = live_stream(changes, "state", move |_| {
        let hub = hub.clone();
        async move { serde_json::to_string(&board(hub).await.ok()?).ok() }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}
