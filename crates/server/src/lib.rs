//! `dateline serve`: the HTTP API of SPEC §5 and the web UI, over one store.
//!
//! # Design
//!
//! * **A thin shell.** Handlers check parameters against the route table
//!   ([`routes`]), then call the store or `dateline-query`, and serialise the
//!   answer. No extraction and no SQL here.
//! * **Blocking work off the async threads.** SQLite calls run in
//!   `spawn_blocking` on one of a few pooled connections ([`Pool`]), which requests
//!   wait for in arrival order without holding a thread; each request's
//!   store work is bounded by [`Options::query_time`] through the store's
//!   `with_time_limit`, so a slow query answers 503, never hangs a worker.
//! * **Bounded under load and attack.** A request waits for a pooled connection at
//!   most its time limit (then 503); health has a connection of its own; at most
//!   [`MAX_CONNECTIONS`] are open and each is closed after [`IDLE_TIMEOUT`] without a
//!   request; writes only store, and the binary's worker annotates in the background
//!   (`/api/status`).
//! * **Errors are JSON.** Every refusal is `{"error", "parameter"?}` with 400 (bad
//!   parameter or a control character), 404 (nothing in the window), 401/403
//!   (writes), 413 (body too big) or 503 (too slow, or every connection busy); 500
//!   is left for a broken store.
//! * **The UI is three static files** compiled into the binary (`assets/`), served
//!   under a strict Content Security Policy (no inline script or style), and builds
//!   its DOM with `textContent`: stored text never becomes markup.
//!
//! # Invariants
//!
//! * Every store read takes the request's date window, so `as_of` holds for every
//!   route, derived answers included.
//! * Writes are off unless the server was started with a token; then they need it.
//! * CORS is off: no `Access-Control-Allow-Origin` is ever sent.

mod api;
mod params;
pub mod routes;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use dateline_store::{Store, StoreError};
use tower_http::set_header::SetResponseHeaderLayer;

pub use params::{DEFAULT_LIMIT, MAX_LIMIT};

/// How to serve.
#[derive(Clone)]
pub struct Options {
    pub db: PathBuf,
    /// Writes (`POST /api/articles`) need `Authorization: Bearer TOKEN`; `None`
    /// turns them off.
    pub token: Option<String>,
    /// Longest store work for one request.
    pub query_time: Duration,
    /// Largest request body, in bytes.
    pub max_body: usize,
    /// Pooled store connections.
    pub connections: usize,
    /// Stores a JSON Lines body of articles (annotation follows in the background);
    /// returns what it did as JSON, or a message for a 400. Given by the binary,
    /// which owns the ingest pipeline.
    pub ingest: Option<Arc<IngestFn>>,
    /// The progress of background annotation, for `GET /api/status`.
    pub status: Option<Arc<StatusFn>>,
}

/// The write path: a JSON Lines body in, a summary or a bad-input message out.
pub type IngestFn = dyn Fn(&[u8]) -> Result<serde_json::Value, String> + Send + Sync;

/// The write side's progress as JSON.
pub type StatusFn = dyn Fn() -> serde_json::Value + Send + Sync;

/// Open connections at most; more wait in the kernel's accept queue. Below the
/// usual limit of 1,024 open files, so the server always has descriptors left.
pub const MAX_CONNECTIONS: usize = 512;

/// A connection that has not sent a whole request head for this long (idle
/// keep-alive included) is closed.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(10);

impl Options {
    pub fn new(db: PathBuf) -> Options {
        Options {
            db,
            token: None,
            query_time: Duration::from_secs(5),
            max_body: 8 * 1024 * 1024,
            connections: 8,
            ingest: None,
            status: None,
        }
    }
}

/// A few store connections shared by the request handlers.
///
/// Requests wait for a connection in a first-come queue (a fair semaphore) on the
/// async side, and only a request holding a connection takes a blocking thread. When
/// waiters polled for a free connection instead, a request could lose the race again
/// and again: under 64 clients the median was 58 ms but the 99th centile 478 ms, and
/// the sleeping pollers cost a tenth of the CPU.
pub struct Pool {
    free: Mutex<Vec<Store>>,
    /// One permit per connection in `free`.
    permits: Arc<tokio::sync::Semaphore>,
}

/// A connection taken from the [`Pool`]; it goes back when dropped (a panicking
/// handler included), together with its permit.
struct Lease<'a> {
    pool: &'a Pool,
    store: Option<Store>,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(store) = self.store.take() {
            self.pool
                .free
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(store);
        }
    }
}

impl Pool {
    fn open(options: &Options) -> Result<Pool, StoreError> {
        let stores: Vec<Store> = (0..options.connections.max(1))
            .map(|_| open_reader(&options.db))
            .collect::<Result<_, _>>()?;
        Ok(Pool {
            permits: Arc::new(tokio::sync::Semaphore::new(stores.len())),
            free: Mutex::new(stores),
        })
    }

    /// Waits its turn for a connection, at most `wait`, then runs `f` on it on a
    /// blocking thread; `None` when none came free in time (slow queries hold them),
    /// which the caller answers with 503.
    async fn run<T: Send + 'static>(
        self: &Arc<Self>,
        wait: Duration,
        f: impl FnOnce(&mut Store) -> T + Send + 'static,
    ) -> Result<Option<T>, tokio::task::JoinError> {
        let acquired = tokio::time::timeout(wait, Arc::clone(&self.permits).acquire_owned()).await;
        let Ok(Ok(permit)) = acquired else {
            return Ok(None);
        };
        let pool = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let store = pool.free.lock().unwrap_or_else(|e| e.into_inner()).pop();
            let mut lease = Lease {
                pool: &pool,
                store,
                _permit: permit,
            };
            // A permit is only ever held beside a connection, so one is free.
            let store = lease
                .store
                .as_mut()
                .expect("a permit without a free connection");
            Some(f(store))
        })
        .await
    }
}

/// Page cache of each of the server's read connections, in MiB. Each connection
/// caches pages of its own, so at the 64 MiB a bulk writer uses, a store growing under
/// POSTs grew the server's memory by its size once per connection; the operating
/// system's file cache, shared by all, holds the rest.
const READER_CACHE_MIB: i64 = 16;

/// How much of the database file each read connection maps into memory, in MiB. A
/// search reads twenty rows scattered over the file; through the map they cost no
/// system call and no copy.
const READER_MMAP_MIB: i64 = 4096;

fn open_reader(db: &std::path::Path) -> Result<Store, StoreError> {
    let store = Store::open(db)?;
    store.set_cache_mib(READER_CACHE_MIB)?;
    store.set_mmap_mib(READER_MMAP_MIB)?;
    Ok(store)
}

/// What every handler shares.
pub struct App {
    pool: Arc<Pool>,
    /// Health's own connection, so that a pool held by slow queries never keeps a
    /// monitor from an answer.
    health_store: Mutex<Store>,
    options: Options,
    /// The last health answer and when it was made.
    health: Mutex<Option<(std::time::Instant, serde_json::Value)>>,
}

/// A refusal, sent as `{"error": message, "parameter": name}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub parameter: Option<String>,
}

impl ApiError {
    fn bad(parameter: &str, message: String) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message,
            parameter: Some(parameter.to_string()),
        }
    }

    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            parameter: None,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::Query(message) => ApiError::new(StatusCode::BAD_REQUEST, message),
            StoreError::Timeout(_) => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
            // Stopped by the request's time limit inside a handler, before
            // `with_time_limit` could name it.
            ref interrupted if interrupted.is_interrupted() => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the query took longer than the server's limit and was stopped; narrow it (dates, filters)",
            ),
            other => {
                log_error(&other);
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the store failed; see the server log",
                )
            }
        }
    }
}

impl From<dateline_query::QueryError> for ApiError {
    fn from(e: dateline_query::QueryError) -> ApiError {
        use dateline_query::QueryError;
        match e {
            QueryError::Store(e) => e.into(),
            QueryError::UnknownActor(_) => ApiError {
                status: StatusCode::NOT_FOUND,
                message: e.to_string(),
                parameter: Some("actor".into()),
            },
            QueryError::UnknownTopic(_) => ApiError::bad("topic", e.to_string()),
        }
    }
}

/// The server log is stderr.
fn log_error(e: &dyn std::fmt::Display) {
    eprintln!("dateline serve: {e}");
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = serde_json::json!({ "error": self.message });
        if let Some(p) = self.parameter {
            body["parameter"] = p.into();
        }
        (self.status, axum::Json(body)).into_response()
    }
}

/// The whole application: API, UI and the headers every response carries.
pub fn router(options: Options) -> Result<Router, StoreError> {
    let app = Arc::new(App {
        pool: Arc::new(Pool::open(&options)?),
        health_store: Mutex::new(open_reader(&options.db)?),
        options,
        health: Mutex::new(None),
    });
    let max_body = app.options.max_body;
    Ok(api::routes(app)
        .layer(axum::extract::DefaultBodyLimit::max(max_body))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                 connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            ),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        )))
}

/// Serves until Ctrl-C; `ready` is called with the bound address (port 0 picks one).
///
/// Connections are served by hyper directly rather than `axum::serve`, for the limits
/// a public server needs: at most [`MAX_CONNECTIONS`] at once, and each closed when
/// it sends no request head for [`IDLE_TIMEOUT`] (slow or idle clients), so a crowd
/// of idle sockets cannot use up the process's files.
pub async fn serve(
    addr: SocketAddr,
    options: Options,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let router = router(options).map_err(std::io::Error::other)?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    ready(listener.local_addr()?);
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let shutdown = tokio::signal::ctrl_c();
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => slot.map_err(std::io::Error::other)?,
            _ = &mut shutdown => return Ok(()),
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of files or a connection reset before accept: not fatal.
                    log_error(&format!("accept failed: {e}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => return Ok(()),
        };
        let service = hyper_util::service::TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            let _slot = slot;
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(IDLE_TIMEOUT);
            let _ = http
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}
