//! A paired phone's work: the shelf, a sale (hold → paid by cash, card or QR), the queue and
//! redeeming codes. Every write carries the phone's client id (a sale's is its order id), so a
//! request retried after a timeout is answered, not done twice.

use std::sync::Arc;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::hub::lock;
use super::pages::live_stream;
use super::pair::Signed;
use super::{Body, Hub, WebError, WebResult, blocking};
use crate::domain::money::Money;
use crate::domain::order::{Receipt, TenderKind};
use crate::domain::qr::{QrMatrix, QrMode};
use crate::domain::queue::TicketState;
use crate::service::{Checkout, LaneView, Pos, RefundRequest, SaleRequest};

pub(super) fn routes() -> Router<Arc<Hub>> {
    Router::new()
        .route("/station", get(app))
        .route("/api/me", get(me))
        .route("/api/events", get(events))
        .route("/api/offers", get(offers))
        .route("/api/checkout", post(checkout))
        .route("/api/checkout/cancel", post(cancel))
        .route("/api/sell", post(sell))
        .route("/api/queue", get(queue))
        .route("/api/queue/call", post(call_next))
        .route("/api/queue/move", post(move_ticket))
        .route("/api/queue/undo", post(undo))
        .route("/api/redeem", post(redeem))
        .route("/api/handover", post(hand_over))
        .route("/api/refund", post(refund))
}

/// Runs `work` on the phone's own service.
async fn on_station<T: Send + 'static>(
    hub: Arc<Hub>,
    phone: Signed,
    work: impl FnOnce(&mut Pos) -> WebResult<T> + Send + 'static,
) -> WebResult<T> {
    blocking(move || {
        let station = hub.station(&phone.0)?;
        let mut pos = lock(&station);
        let _turn = hub.turn();
        let _ = pos.sync_event();
        work(&mut pos)
    })
    .await
}

async fn app(phone: Result<Signed, WebError>) -> Response {
    match phone {
        Ok(_) => Html(super::pages::STATION_APP).into_response(),
        Err(_) => Redirect::to("/").into_response(),
    }
}

/// Who the phone is.
#[derive(Debug, Serialize)]
struct Me {
    station: String,
    helper: String,
    event: String,
    currency: &'static str,
    /// Digits after the decimal point in the currency (2 for EUR, 0 for JPY).
    minor_digits: u32,
    grace_secs: u32,
}

async fn me(State(hub): State<Arc<Hub>>, phone: Signed) -> WebResult<Json<Me>> {
    let (station, helper) = (phone.0.code.clone(), phone.0.helper.clone());
    on_station(hub, phone, move |pos| {
        let e = pos.event();
        Ok(Json(Me {
            station,
            helper,
            event: e.name.clone(),
            currency: e.currency.code(),
            minor_digits: e.currency.minor_digits(),
            grace_secs: e.queue.grace_secs,
        }))
    })
    .await
}

/// Live changes for the phone: a `change` whenever anything committed, a `ping` every second
/// (the phone says "hub unreachable" when pings stop for two seconds).
async fn events(State(hub): State<Arc<Hub>>, _phone: Signed) -> impl IntoResponse {
    let changes = hub.changes();
    let stream = live_stream(changes, "change", |n| async move { Some(n.to_string()) });
    let ping = Event::default().event("ping").data("");
    Sse::new(stream).keep_alive(
        KeepAlive::new()
            .interval(std::time::Duration::from_secs(1))
            .event(ping),
    )
}

/// One tile of the phone's shelf.
#[derive(Debug, Serialize)]
struct Tile {
    id: i64,
    title: String,
    kind: &'static str,
    price: String,
    price_minor: i64,
    /// "3 left", "Opens in 4:59", "Sold out" …
    state: String,
    sellable: bool,
}

async fn offers(State(hub): State<Arc<Hub>>, phone: Signed) -> WebResult<Json<Vec<Tile>>> {
    on_station(hub, phone, |pos| {
        let now = pos.now();
        let tiles = pos
            .offers()?
            .into_iter()
            .filter(|o| !o.archived)
            .map(|o| {
                let a = o.availability(now);
                Tile {
                    id: o.id,
                    kind: o.kind.name(),
                    price: o.price.to_string(),
                    price_minor: o.price.minor,
                    state: a.tile_text(),
                    sellable: a.can_sell(),
                    title: o.title,
                }
            })
            .collect();
        Ok(Json(tiles))
    })
    .await
}

/// A basket to pay: `(offer, units)` pairs and the method.
#[derive(Debug, Deserialize)]
struct CheckoutRequest {
    /// The phone's id for this payment: a retried start answers with the same hold.
    client_id: String,
    items: Vec<(i64, u32)>,
    method: String,
}

/// A payment under way, as the phone keeps it until Paid or Cancel.
#[derive(Debug, Serialize, Deserialize, Clone)]
struct Started {
    order_id: String,
    payment_ref: String,
    items: Vec<(i64, u32)>,
    method: String,
    total_minor: i64,
    total: String,
    priced_at: i64,
    held_until: i64,
    /// The payment QR as SVG, for the fan to scan (QR only).
    qr_svg: Option<String>,
    caption: Option<String>,
}

fn method(name: &str) -> WebResult<TenderKind> {
    match name {
        "cash" => Ok(TenderKind::Cash),
        "card" => Ok(TenderKind::Card),
        "qr" => Ok(TenderKind::Qr),
        other => Err(WebError::Bad(format!("method '{other}': cash, card or qr"))),
    }
}

const MAX_LINES: usize = 20;

async fn checkout(
    State(hub): State<Arc<Hub>>,
    phone: Signed,
    Body(req): Body<CheckoutRequest>,
) -> WebResult<Json<Started>> {
    let tender = method(&req.method)?;
    if req.items.is_empty() || req.items.len() > MAX_LINES {
        return Err(WebError::Bad(format!("items: 1 to {MAX_LINES} lines")));
    }
    on_station(hub, phone, move |pos| {
        let client_id = req.client_id.clone();
        let (started, _) = pos.once(&client_id, |pos| started_payment(pos, req, tender))?;
        Ok(Json(started))
    })
    .await
}

/// Holds the basket and makes what the phone shows while the fan pays.
fn started_payment(
    pos: &mut Pos,
    req: CheckoutRequest,
    tender: TenderKind,
) -> crate::service::PosResult<Started> {
    let quote = pos.quote(&req.items)?;
    let started = pos.start_payment(&quote, None, tender)?;
    Ok(Started {
        order_id: started.checkout.order_id,
        payment_ref: started.checkout.payment_ref,
        items: req.items,
        method: req.method,
        total_minor: started.total.minor,
        total: started.total.to_string(),
        priced_at: started.priced_at.as_second(),
        held_until: started.held_until.as_second(),
        qr_svg: started.qr.as_ref().map(|(m, _)| m.svg()),
        caption: started.qr.map(|(_, c)| c),
    })
}

/// The payment to give up.
#[derive(Debug, Deserialize)]
struct CancelRequest {
    order_id: String,
    payment_ref: String,
}

async fn cancel(
    State(hub): State<Arc<Hub>>,
    phone: Signed,
    Body(req): Body<CancelRequest>,
) -> WebResult<Json<serde_json::Value>> {
    on_station(hub, phone, move |pos| {
        let checkout = Checkout {
            order_id: req.order_id,
            payment_ref: req.payment_ref,
        };
        pos.release_hold(&checkout)?;
        Ok(Json(serde_json::json!({ "cancelled": true })))
    })
    .await
}

/// Paid: the started payment, and the cash handed over.
#[derive(Debug, Deserialize)]
struct SellRequest {
    #[serde(flatten)]
    started: Started,
    tendered_minor: Option<i64>,
}

/// A sale as the phone shows it.
#[derive(Debug, Serialize)]
struct SoldReply {
    receipt: String,
    total: String,
    change: String,
    tickets: Vec<String>,
    /// `(code, title, QR as SVG)`.
    claims: Vec<(String, String, String)>,
    fan_url: Option<String>,
    fan_qr_svg: Option<String>,
    replayed: bool,
    training: bool,
}

fn sold_reply(r: &Receipt, replayed: bool) -> SoldReply {
    let fan_url = r.fan_url.clone();
    let qr = |text: &str, mode| QrMatrix::encode(text, mode).map(|m| m.svg()).ok();
    SoldReply {
        receipt: r.number.to_string(),
        total: r.total.to_string(),
        change: r.change().to_string(),
        tickets: r.tickets.iter().map(|t| t.label.clone()).collect(),
        claims: r
            .claims
            .iter()
            .map(|c| {
                let svg = qr(&c.code, QrMode::Alphanumeric).unwrap_or_default();
                (c.code.clone(), c.title.clone(), svg)
            })
            .collect(),
        fan_qr_svg: fan_url.as_deref().and_then(|u| qr(u, QrMode::Byte)),
        fan_url,
        replayed,
        training: r.training,
    }
}

async fn sell(
    State(hub): State<Arc<Hub>>,
    phone: Signed,
    Body(req): Body<SellRequest>,
) -> WebResult<Json<SoldReply>> {
    let tender = method(&req.started.method)?;
    on_station(hub, phone, move |pos| {
        let currency = pos.event().currency;
        let s = req.started;
        let checkout = Checkout {
            order_id: s.order_id.clone(),
            payment_ref: s.payment_ref,
        };
        let sale = SaleRequest {
            tendered: req.tendered_minor.map(|m| Money::new(m, currency)),
            expected_total: Some(Money::new(s.total_minor, currency)),
            priced_at: Timestamp::from_second(s.priced_at).ok(),
            ..SaleRequest::new(checkout, s.items, tender)
        };
        let sold = pos.sell_once(&sale)?;
        Ok(Json(sold_reply(&sold.receipt, sold.replayed)))
    })
    .await
}

/// The lanes, with the hub's clock (no-show waits for the grace time from the call).
#[derive(Debug, Serialize)]
struct Lanes {
    now: i64,
    grace_secs: u32,
    lanes: Vec<LaneView>,
}

async fn queue(State(hub): State<Arc<Hub>>, phone: Signed) -> WebResult<Json<Lanes>> {
    on_station(hub, phone, |pos| {
        Ok(Json(Lanes {
            now: pos.now().as_second(),
            grace_secs: pos.event().queue.grace_secs,
            lanes: pos.queue()?,
        }))
    })
    .await
}

/// A queue move with its client id.
#[derive(Debug, Deserialize)]
struct QueueRequest {
    client_id: String,
    lane: Option<char>,
    ticket: Option<i64>,
    to: Option<String>,
}

/// What a queue move did, in words the phone shows.
#[derive(Debug, Serialize, Deserialize)]
struct Moved {
    ticket: Option<String>,
    message: String,
    replayed: bool,
}

async fn queue_move(
    hub: Arc<Hub>,
    phone: Signed,
    req: QueueRequest,
    work: impl FnOnce(&mut Pos, &QueueRequest) -> WebResult<Moved> + Send + 'static,
) -> WebResult<Json<Moved>> {
    on_station(hub, phone, move |pos| {
        let mut failed = None;
        let done = pos.once(&req.client_id, |pos| {
            work(pos, &req).map_err(|e| match e {
                WebError::Pos(p) => p,
                other => {
                    let text = other.to_string();
                    failed = Some(other);
                    crate::service::PosError::Refused(text)
                }
            })
        });
        if let Some(e) = failed {
            return Err(e);
        }
        let (mut moved, replayed) = done?;
        moved.replayed = replayed;
        Ok(Json(moved))
    })
    .await
}

fn ticket_of(req: &QueueRequest) -> WebResult<i64> {
    req.ticket
        .ok_or_else(|| WebError::Bad("ticket: which ticket to move".into()))
}

async fn call_next(
    State(hub): State<Arc<Hub>>,
    phone: Signed,
    Body(req): Body<QueueRequest>,
) -> WebResult<Json<Moved>> {
    queue_move(hub, phone, req, |pos, req| {
        let lane = req
            .lane
            .ok_or_else(|| WebError::Bad("lane: which lane to call".into()))?;
        let called = pos.call_next(lane)?;
        Ok(Moved {
            message: match &called {
                Some(t) => format!("{t} called"),
                None => format!("nobody is waiting in lane {lane}"),
            },
            ticket: called.map(|t| t.to_string()),
            replayed: false,
        })
    })
    .await
}

async fn move_ticket(
    State(hub): State<Arc<Hub>>,
    phone: Signed,
    Body(req): Body<QueueRequest>,
) -> WebResult<Json<Moved>> {
    queue_move(hub, phone, req, |pos, req| {
        let id = ticket_of(req)?;
        let (to, words) = match req.to.as_deref() {
            Some("serving") => (TicketState::Serving, "at the table"),
            Some("done") => (TicketState::Done, "served"),
            Some("no_show") => (TicketState::NoShow, "marked no-show"),
            Some("waiting") => (TicketState::Waiting, "back in line"),
            _ => {
                return Err(WebError::Bad(
                    "to: serving, done, no_show or waiting".into(),
                ));
            }
        };
        let label = pos.move_ticket(id, to)?;
        Ok(Moved {
            message: format!("{label} {words}"),
            ticket: Some(label.to_string()),
            replayed: false,
        })
    })
    .await
}

async fn undo(
    State(hub): State<Arc<Hub>>,
    phone: Signed,
    Body(req): Body<QueueRequest>,
) -> WebResult<Json<Moved>> {
    queue_move(hub, phone, req, |pos, req| {
        let label = pos.undo_ticket(ticket_of(req)?)?;
        Ok(Moved {
            message: format!("{label}: last step undone"),
            ticket: Some(label.to_string()),
            replayed: false,
        })
    })
    .await
}

/// A code to redeem (typed, scanned by a keyboard scanner, or read by the camera).
#[derive(Debug, Deserialize)]
struct RedeemRequest {
    client_id: String,
    #[serde(default)]
    code: String,
    units: Option<u32>,
    redemption: Option<i64>,
}

/// A redemption as the phone shows it.
#[derive(Debug, Serialize, Deserialize)]
struct RedeemReply {
    id: i64,
    title: String,
    units: u32,
    units_left: u32,
    held: bool,
    message: String,
    replayed: bool,
}

async fn redeem(
    State(hub): State<Arc<Hub>>,
    phone: Signed,
    Body(req): Body<RedeemRequest>,
) -> WebResult<Json<RedeemReply>> {
    hub.allow_redeem(&phone.0.code)?;
    if req.code.len() > 200 {
        return Err(WebError::Bad("code: at most 200 characters".into()));
    }
    on_station(hub, phone, move |pos| {
        let units = req.units.unwrap_or(1);
        let (mut reply, replayed) = pos.once(&req.client_id, |pos| {
            let r = pos.redeem_claim(&req.code, units)?;
            let message = match r.held {
                true => format!(
                    "{} × {}: hand it over, then tap Handed over",
                    r.units, r.title
                ),
                false => format!("{} × {} redeemed · {} left", r.units, r.title, r.units_left),
            };
            Ok(RedeemReply {
                id: r.id,
                title: r.title,
                units: r.units,
                units_left: r.units_left,
                held: r.held,
                message,
                replayed: false,
            })
        })?;
        reply.replayed = replayed;
        Ok(Json(reply))
    })
    .await
}

async fn hand_over(
    State(hub): State<Arc<Hub>>,
    phone: Signed,
    Body(req): Body<RedeemRequest>,
) -> WebResult<Json<RedeemReply>> {
    let id = req
        .redemption
        .ok_or_else(|| WebError::Bad("redemption: which redemption was handed over".into()))?;
    on_station(hub, phone, move |pos| {
        let (mut reply, replayed) = pos.once(&req.client_id, |pos| {
            let r = pos.hand_over(id)?;
            Ok(RedeemReply {
                message: format!("{} × {} handed over", r.units, r.title),
                id: r.id,
                title: r.title,
                units: r.units,
                units_left: r.units_left,
                held: false,
                replayed: false,
            })
        })?;
        reply.replayed = replayed;
        Ok(Json(reply))
    })
    .await
}

/// A refund asked from a phone: the creator types her PIN on it (the same PIN, counted against
/// the same lockout as at the kiosk).
#[derive(Debug, Deserialize)]
struct RefundBody {
    client_id: String,
    receipt: String,
    pin: String,
    #[serde(default)]
    reason: String,
}

/// A refund as the phone shows it.
#[derive(Debug, Serialize, Deserialize)]
struct RefundReply {
    number: String,
    amount: String,
    message: String,
    replayed: bool,
}

async fn refund(
    State(hub): State<Arc<Hub>>,
    phone: Signed,
    Body(req): Body<RefundBody>,
) -> WebResult<Json<RefundReply>> {
    let receipt = req
        .receipt
        .trim()
        .parse()
        .map_err(|e: crate::domain::order::NotAReceiptNo| WebError::Bad(format!("receipt: {e}")))?;
    on_station(hub, phone, move |pos| {
        let grant = pos.unlock(&req.pin)?;
        let ask = RefundRequest {
            receipt,
            lines: None,
            reason: req.reason,
        };
        let (mut reply, replayed) = pos.once(&req.client_id, |pos| {
            let r = pos.refund(&ask, &grant)?;
            let back: Vec<String> = r
                .back
                .iter()
                .map(|(m, a)| format!("{a} {}", m.name()))
                .collect();
            Ok(RefundReply {
                message: format!("{} refunded: give back {}", r.original, back.join(" + ")),
                number: r.number,
                amount: r.amount.to_string(),
                replayed: false,
            })
        })?;
        reply.replayed = replayed;
        Ok(Json(reply))
    })
    .await
}
