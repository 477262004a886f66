//! Pairing and signing in: a phone opens the pairing link from the kiosk's QR, types the
//! helper's name once, and gets a station token in a cookie (or, for scripts, in JSON). Every
//! station route takes [`Signed`]: no token, an unknown one or a revoked one is refused.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::{Deserialize, Serialize};

use super::pages::{esc, page};
use super::{Body, Hub, WebError, WebResult, blocking};
use crate::service::Phone;

/// The cookie a paired phone carries.
pub const COOKIE: &str = "encore_station";

pub(super) fn routes() -> Router<Arc<Hub>> {
    Router::new()
        .route("/", get(home))
        .route(
            "/style.css",
            get(|| async { ([(header::CONTENT_TYPE, "text/css")], super::pages::STYLE) }),
        )
        .route("/pair/{token}", get(pair_form))
        .route("/pair", post(pair_submit))
        .route("/api/pair", post(pair_json))
}

/// A request from a paired, unrevoked phone.
pub struct Signed(pub Phone);

/// The station token of a request: the cookie, or `Authorization: Bearer …` for scripts.
fn station_token(headers: &HeaderMap) -> Option<String> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if let Some(token) = bearer {
        return Some(token.trim().to_string());
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

impl FromRequestParts<Arc<Hub>> for Signed {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, hub: &Arc<Hub>) -> Result<Signed, WebError> {
        let token = station_token(&parts.headers).ok_or(WebError::NotPaired)?;
        let hub = hub.clone();
        blocking(move || hub.phone(&token)).await.map(Signed)
    }
}

async fn home(State(hub): State<Arc<Hub>>, headers: HeaderMap) -> Response {
    if let Some(token) = station_token(&headers) {
        let hub = hub.clone();
        if blocking(move || hub.phone(&token)).await.is_ok() {
            return Redirect::to("/station").into_response();
        }
    }
    Html(page(
        "Encore",
        r#"<main class="narrow"><h1>Encore</h1>
<p>This is the table's hub.</p>
<p><b>Helpers:</b> scan the pairing QR on the kiosk (Settings → Share on this network → Pair a phone).</p>
<p><b>Fans:</b> your own page is the QR on your receipt.</p>
<p><a class="button" href="/board">Now serving</a></p></main>"#,
        "",
    ))
    .into_response()
}

async fn pair_form(Path(token): Path<String>) -> Html<String> {
    let body = format!(
        r#"<main class="narrow"><h1>Join the table</h1>
<form method="post" action="/pair">
<input type="hidden" name="token" value="{}">
<label for="name">Your name, as the team knows you</label>
<input id="name" name="name" maxlength="40" autocomplete="name" required autofocus>
<button type="submit" class="big">Join</button>
</form></main>"#,
        esc(&token)
    );
    Html(page("Join the table", &body, ""))
}

/// A pairing asked for: the one-time token and the helper's name.
#[derive(Debug, Deserialize)]
pub struct PairRequest {
    /// From the pairing link.
    pub token: String,
    /// The helper's name.
    pub name: String,
}

/// What pairing answers a script.
#[derive(Debug, Serialize, Deserialize)]
pub struct PairReply {
    /// The new station's code.
    pub station: String,
    /// The helper's name.
    pub helper: String,
    /// The station token (also set as a cookie).
    pub token: String,
}

async fn pair(hub: Arc<Hub>, req: PairRequest) -> WebResult<PairReply> {
    blocking(move || {
        let paired = hub.main().pair_phone(&req.token, &req.name)?;
        Ok(PairReply {
            station: paired.phone.code,
            helper: paired.phone.helper,
            token: paired.token,
        })
    })
    .await
}

/// The station cookie: for this hub only, never read by scripts, a year long.
fn cookie(token: &str) -> HeaderValue {
    let value = format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000");
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static(""))
}

async fn pair_submit(State(hub): State<Arc<Hub>>, Form(req): Form<PairRequest>) -> Response {
    match pair(hub, req).await {
        Ok(reply) => {
            let mut res = Redirect::to("/station").into_response();
            res.headers_mut()
                .insert(header::SET_COOKIE, cookie(&reply.token));
            res
        }
        Err(e) => {
            let body = format!(
                r#"<main class="narrow"><h1>Could not join</h1><p class="problem">{}</p>
<p>Ask the creator to show a new pairing QR on the kiosk, and scan it.</p></main>"#,
                esc(&e.to_string())
            );
            (
                StatusCode::CONFLICT,
                Html(page("Could not join", &body, "")),
            )
                .into_response()
        }
    }
}

async fn pair_json(State(hub): State<Arc<Hub>>, Body(req): Body<PairRequest>) -> Response {
    match pair(hub, req).await {
        Ok(reply) => {
            let cookie = cookie(&reply.token);
            let mut res = Json(reply).into_response();
            res.headers_mut().insert(header::SET_COOKIE, cookie);
            res
        }
        Err(e) => e.into_response(),
    }
}
