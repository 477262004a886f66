//! The table's network: an HTTP server on the LAN for helpers' paired phones (sell, queue,
//! redeem), fans' own pages and the now-serving board. A front door like ui/ and cli/: it
//! parses requests, calls the same service (through the same gate) and renders.
//!
//! It runs on its own thread with its own small runtime, while sharing is on in the kiosk or
//! under `encore serve`, and stops when its [`Server`] is dropped.

mod fan;
mod hub;
mod mdns;
mod pages;
mod pair;
mod station;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::thread::JoinHandle;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tokio::sync::oneshot;

pub use hub::{Hub, REDEEM_PER_MINUTE};

use crate::service::{Clock, PosError};

/// The port the hub listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 8470;

/// Why a request was refused, and what the phone shows.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No station token, or one the hub does not know.
    #[error("this phone is not paired with the table: scan the pairing QR on the kiosk")]
    NotPaired,
    /// The creator revoked the phone.
    #[error("{0} was unpaired by the creator: scan a new pairing QR on the kiosk")]
    Revoked(String),
    /// Too many redeem attempts.
    #[error("too many codes tried in a minute: wait {0} s")]
    TooFast(u64),
    /// Not a page or order the hub has.
    #[error("not found")]
    NotFound,
    /// A request the hub cannot read.
    #[error("{0}")]
    Bad(String),
    /// The service refused or failed.
    #[error(transparent)]
    Pos(#[from] PosError),
}

impl WebError {
    fn status(&self) -> StatusCode {
        match self {
            WebError::NotPaired => StatusCode::UNAUTHORIZED,
            WebError::Revoked(_) => StatusCode::FORBIDDEN,
            WebError::TooFast(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Bad(_) | WebError::Pos(PosError::Invalid(_)) => StatusCode::BAD_REQUEST,
            WebError::Pos(PosError::Store(_)) => StatusCode::INTERNAL_SERVER_ERROR,
            WebError::Pos(_) => StatusCode::CONFLICT,
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status == StatusCode::NOT_FOUND {
            // Says nothing about which orders or pages exist.
            return (status, "Not found\n").into_response();
        }
        let body = axum::Json(serde_json::json!({ "error": self.to_string() }));
        (status, body).into_response()
    }
}

/// Shorthand for handler results.
pub type WebResult<T> = Result<T, WebError>;

/// Runs blocking service work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> WebResult<T> + Send + 'static,
) -> WebResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| WebError::Bad(format!("the hub failed this request: {e}")))?
}

/// The most a request body may be: a basket, a payment's facts or a code is a few hundred bytes.
const MAX_BODY: usize = 64 * 1024;

/// Every route of the hub.
pub fn router(hub: Arc<Hub>) -> Router {
    Router::new()
        .merge(pair::routes())
        .merge(station::routes())
        .merge(fan::routes())
        // Any other path is the same plain 404 as a wrong fan token.
        .fallback(|| async { WebError::NotFound })
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .with_state(hub)
}

/// A JSON request body; one the hub cannot read is refused in the hub's own words (400, with
/// what serde says is wrong), like every other refusal.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S> for Body<T> {
    type Rejection = WebError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Body<T>, WebError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Body(value)),
            Err(e) => Err(WebError::Bad(format!("the request: {}", e.body_text()))),
        }
    }
}

/// A running hub server; dropping it stops the server and its mDNS announcement.
pub struct Server {
    hub: Arc<Hub>,
    addr: SocketAddr,
    url: String,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    announced: Option<mdns::Announcement>,
}

impl Server {
    /// Opens the hub over `db` as station `station` and serves it on `bind` (port 0: any free
    /// one), announced by mDNS when `announce`. The address fans' links use is recorded for
    /// receipts. Returns once listening.
    pub fn start(
        db: &Path,
        station: &str,
        clock: Clock,
        (bind, announce): (SocketAddr, bool),
    ) -> WebResult<Server> {
        let hub = Arc::new(Hub::open(db, station, clock)?);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("encore-hub")
            .enable_all()
            .build()
            .map_err(|e| WebError::Bad(format!("the hub could not start: {e}")))?;
        // Bound here, synchronously, so a taken port is said at once (and a caller already
        // inside a runtime, like a test, is not asked to block on another).
        let cannot = |e: std::io::Error| WebError::Bad(format!("cannot listen on {bind}: {e}"));
        let listener = std::net::TcpListener::bind(bind).map_err(cannot)?;
        listener.set_nonblocking(true).map_err(cannot)?;
        let addr = listener.local_addr().map_err(cannot)?;
        let url = format!("http://{}", public_addr(addr));
        hub.main().set_hub_url(&url)?;
        let announced = announce.then(|| mdns::announce(addr.port())).flatten();
        let (stop, stopped) = oneshot::channel::<()>();
        let app = router(hub.clone());
        let hub_kept = hub.clone();
        let thread = std::thread::Builder::new()
            .name("encore-hub".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                        return;
                    };
                    tokio::spawn(hub.watch_commits());
                    // Stopping does not wait for open pages: live streams never end by
                    // themselves, and the runtime's shutdown drops them.
                    tokio::select! {
                        _ = std::future::IntoFuture::into_future(axum::serve(listener, app)) => {}
                        _ = stopped => {}
                    }
                });
                runtime.shutdown_background();
            })
            .map_err(|e| WebError::Bad(format!("the hub could not start: {e}")))?;
        Ok(Server {
            hub: hub_kept,
            addr,
            url,
            stop: Some(stop),
            thread: Some(thread),
            announced,
        })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address phones open (`http://192.168.1.20:8470`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Whether mDNS announces it (`_encore._tcp`).
    pub fn announced(&self) -> bool {
        self.announced.is_some()
    }

    /// Serves until the process ends (`encore serve`).
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.announced.take();
        // Receipts stop printing links to a hub that is gone (best effort: a crash keeps the
        // address, and links work again when the hub serves there next).
        let _ = self.hub.main().set_hub_url("");
    }
}

/// The address phones reach: the listening one, or the LAN address when listening on all.
fn public_addr(addr: SocketAddr) -> SocketAddr {
    if !addr.ip().is_unspecified() {
        return addr;
    }
    SocketAddr::new(mdns::lan_ip().unwrap_or(addr.ip()), addr.port())
}
