//! The handlers: parameters in, one store or query call, JSON out.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use dateline_store::{EventQuery, Page, StatementQuery, Store};
use serde::Serialize;
use serde_json::json;
use serde_json::value::RawValue;

use crate::params::Params;
use crate::routes::{self, Route};
use crate::{ApiError, App};

type Pairs = Result<Query<Vec<(String, String)>>, QueryRejection>;

pub fn routes(app: Arc<App>) -> Router {
    Router::new()
        .route(routes::HEALTH.path, get(health))
        .route(routes::STATUS.path, get(status))
        .route(routes::OPENAPI.path, get(openapi))
        .route(routes::ARTICLES.path, get(articles).post(post_articles))
        .route(routes::ARTICLE.path, get(article))
        .route(routes::SEARCH.path, get(search))
        .route(routes::STATEMENTS.path, get(statements))
        .route(routes::EVENTS.path, get(events))
        .route(routes::ACTORS.path, get(actors))
        .route(routes::ACTOR.path, get(actor))
        .route(routes::TIMELINE.path, get(timeline))
        .route(routes::STORIES.path, get(stories))
        .route(routes::STORY.path, get(story))
        .route("/", get(|| asset("text/html; charset=utf-8", INDEX_HTML)))
        .route(
            "/assets/app.js",
            get(|| asset("text/javascript; charset=utf-8", APP_JS)),
        )
        .route(
            "/assets/style.css",
            get(|| asset("text/css; charset=utf-8", STYLE_CSS)),
        )
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "no such route") })
        .with_state(app)
}

const INDEX_HTML: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const STYLE_CSS: &str = include_str!("../assets/style.css");

async fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

/// Checks the query string against `route`, then runs `work` on a pooled store
/// connection off the async threads, under the request time limit.
async fn run<T: Serialize + Send + 'static>(
    app: Arc<App>,
    route: &'static Route,
    pairs: Pairs,
    work: impl FnOnce(&Store, &Params) -> Result<T, ApiError> + Send + 'static,
) -> Response {
    let pairs = match pairs {
        Ok(Query(pairs)) => pairs,
        Err(e) => {
            return ApiError::new(StatusCode::BAD_REQUEST, e.body_text()).into_response();
        }
    };
    let params = match Params::parse(route, pairs) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let limit = app.options.query_time;
    let answer = app
        .pool
        .run(limit, move |store| {
            store.with_time_limit(limit, |s| Ok(work(s, &params)))
        })
        .await;
    match answer {
        Ok(Some(Ok(Ok(value)))) => axum::Json(value).into_response(),
        Ok(Some(Ok(Err(e)))) => e.into_response(),
        Ok(Some(Err(e))) => ApiError::from(e).into_response(),
        Ok(None) => busy().into_response(),
        Err(e) => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

fn busy() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "every store connection is busy with slow queries; try again shortly",
    )
}

/// A page as the API sends it.
#[derive(Serialize)]
struct Listing<T> {
    items: Vec<T>,
    next_cursor: Option<String>,
}

impl<T> From<Page<T>> for Listing<T> {
    fn from(page: Page<T>) -> Listing<T> {
        Listing {
            items: page.items,
            next_cursor: page.next.map(|c| c.encode()),
        }
    }
}

async fn health(State(app): State<Arc<App>>, pairs: Pairs) -> Response {
    if let Err(response) = no_params(&routes::HEALTH, pairs) {
        return *response;
    }
    let writes = app.options.token.is_some() && app.options.ingest.is_some();
    // Counting articles reads a whole index; a monitor polling health should not
    // cost that every time, so the answer is reused for a second. Health has its own
    // connection: busy pooled ones never delay it, and while one count runs, others
    // get the last answer.
    let cached = || {
        app.health
            .lock()
            .ok()
            .and_then(|c| c.as_ref().map(|(at, body)| (at.elapsed(), body.clone())))
    };
    if let Some((age, body)) = cached()
        && age < std::time::Duration::from_secs(1)
    {
        return axum::Json(body).into_response();
    }
    let limit = app.options.query_time;
    let shared = Arc::clone(&app);
    let answer = tokio::task::spawn_blocking(move || {
        let Ok(mut store) = shared.health_store.try_lock() else {
            return None;
        };
        let body = store.with_time_limit(limit, |store| {
            let counts = store.counts()?;
            let range = store.date_range()?;
            Ok(json!({
                "status": "ok",
                "articles": counts.articles,
                "first_date": range.map(|r| r.0),
                "last_date": range.map(|r| r.1),
                "writes": writes,
            }))
        });
        if let (Ok(body), Ok(mut cached)) = (&body, shared.health.lock()) {
            *cached = Some((std::time::Instant::now(), body.clone()));
        }
        Some(body)
    })
    .await;
    match answer {
        Ok(Some(Ok(body))) => axum::Json(body).into_response(),
        Ok(Some(Err(e))) => ApiError::from(e).into_response(),
        Ok(None) => match cached() {
            Some((_, body)) => axum::Json(body).into_response(),
            None => axum::Json(json!({"status": "ok", "writes": writes})).into_response(),
        },
        Err(e) => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// The 400 for a route that takes no parameters but was given some.
fn no_params(route: &'static Route, pairs: Pairs) -> Result<(), Box<Response>> {
    let Query(pairs) = pairs.map_err(|e| {
        Box::new(ApiError::new(StatusCode::BAD_REQUEST, e.body_text()).into_response())
    })?;
    Params::parse(route, pairs)
        .map(drop)
        .map_err(|e| Box::new(e.into_response()))
}

async fn status(State(app): State<Arc<App>>, pairs: Pairs) -> Response {
    if let Err(response) = no_params(&routes::STATUS, pairs) {
        return *response;
    }
    match &app.options.status {
        Some(status) => axum::Json(status()).into_response(),
        None => {
            axum::Json(json!({"annotating": false, "pending": 0, "writes": false})).into_response()
        }
    }
}

async fn openapi(pairs: Pairs) -> Response {
    match no_params(&routes::OPENAPI, pairs) {
        Ok(()) => axum::Json(routes::openapi()).into_response(),
        Err(response) => *response,
    }
}

async fn articles(State(app): State<Arc<App>>, pairs: Pairs) -> Response {
    run(app, &routes::ARTICLES, pairs, |store, p| {
        let page = store.articles_page(&p.window(), p.cursor().as_ref(), p.limit())?;
        Ok(Listing::from(page))
    })
    .await
}

/// An id from the path, or the JSON 400 for one that does not decode.
type PathId = Result<Path<String>, PathRejection>;

fn path_id(id: PathId) -> Result<String, Box<Response>> {
    let id = id
        .map(|Path(id)| id)
        .map_err(|e| Box::new(ApiError::bad("id", e.body_text()).into_response()))?;
    crate::params::printable(&id)
        .map(|()| id)
        .map_err(|message| Box::new(ApiError::bad("id", message).into_response()))
}

async fn article(State(app): State<Arc<App>>, id: PathId, pairs: Pairs) -> Response {
    let id = match path_id(id) {
        Ok(id) => id,
        Err(response) => return *response,
    };
    run(app, &routes::ARTICLE, pairs, move |store, p| {
        dateline_query::annotated_article(store, &id, &p.window())?
            .ok_or_else(|| not_found(format!("no article {id:?} in the window")))
    })
    .await
}

async fn search(State(app): State<Arc<App>>, pairs: Pairs) -> Response {
    run(app, &routes::SEARCH, pairs, |store, p| {
        let q = p.text("q").unwrap_or_default();
        let query = dateline_store::SearchQuery {
            source: p.text("source"),
            originals_only: !p.flag("copies", true),
            limit: p.limit(),
            ..dateline_store::SearchQuery::new(&q, p.window())
        };
        let page = store.search_page(&query, p.cursor().as_ref())?;
        Ok(Listing::from(page))
    })
    .await
}

async fn statements(State(app): State<Arc<App>>, pairs: Pairs) -> Response {
    run(app, &routes::STATEMENTS, pairs, |store, p| {
        let window = p.window();
        let query = StatementQuery {
            speaker: actor_param(store, p, "speaker")?,
            about: actor_param(store, p, "about")?,
            via: p.text("via"),
            kind: p.text("kind"),
            window,
            after: p.cursor(),
            ..StatementQuery::default()
        };
        // The stored JSON as it is: a listing need not build the records.
        Ok(Listing::from(
            store.statements_page::<Box<RawValue>>(&query, p.limit())?,
        ))
    })
    .await
}

/// The actor argument `name`, if given, resolved in the request's window.
fn actor_param(
    store: &Store,
    p: &Params,
    name: &str,
) -> Result<Option<dateline_store::ActorFilter>, dateline_store::StoreError> {
    p.text(name)
        .map(|a| dateline_query::actor_filter(store, &a, &p.window()))
        .transpose()
}

async fn events(State(app): State<Arc<App>>, pairs: Pairs) -> Response {
    run(app, &routes::EVENTS, pairs, |store, p| {
        let window = p.window();
        let query = EventQuery {
            source: actor_param(store, p, "source")?,
            target: actor_param(store, p, "target")?,
            code: p.text("code"),
            root: p.text("root"),
            window,
            after: p.cursor(),
            ..EventQuery::default()
        };
        Ok(Listing::from(
            store.events_page::<Box<RawValue>>(&query, p.limit())?,
        ))
    })
    .await
}

async fn actors(State(app): State<Arc<App>>, pairs: Pairs) -> Response {
    run(app, &routes::ACTORS, pairs, |store, p| {
        let q = p.text("q");
        let page = store.actors_page(q.as_deref(), &p.window(), p.cursor().as_ref(), p.limit())?;
        Ok(Listing::from(page))
    })
    .await
}

async fn actor(State(app): State<Arc<App>>, id: PathId, pairs: Pairs) -> Response {
    let id = match path_id(id) {
        Ok(id) => id,
        Err(response) => return *response,
    };
    run(app, &routes::ACTOR, pairs, move |store, p| {
        let window = p.window();
        let resolved = match dateline_query::lookup_actor(store, &id, &window)? {
            dateline_query::ActorLookup::One { id } => Some(id),
            // Several fit: 300, naming them, for the client to ask again by id.
            dateline_query::ActorLookup::Several { candidates } => {
                let listed: Vec<String> = candidates
                    .iter()
                    .map(|c| format!("{} ({}, {} mentions)", c.id, c.name, c.mentions))
                    .collect();
                return Err(ApiError::new(
                    axum::http::StatusCode::MULTIPLE_CHOICES,
                    format!("several actors go by {id:?}: {}", listed.join("; ")),
                ));
            }
            dateline_query::ActorLookup::None => None,
        };
        resolved
            .map(|id| store.actor(&id, &window))
            .transpose()?
            .flatten()
            .ok_or_else(|| not_found(format!("no actor {id:?} in the window")))
    })
    .await
}

async fn timeline(State(app): State<Arc<App>>, pairs: Pairs) -> Response {
    run(app, &routes::TIMELINE, pairs, |store, p| {
        let request = dateline_query::TimelineRequest {
            actor: p.text("actor").unwrap_or_default(),
            with: p.text("with"),
            topic: p.text("topic"),
            window: p.window(),
        };
        Ok(dateline_query::timeline(store, &request)?)
    })
    .await
}

async fn stories(State(app): State<Arc<App>>, pairs: Pairs) -> Response {
    run(app, &routes::STORIES, pairs, |store, p| {
        let request = dateline_query::StoriesRequest {
            as_of: p.window().as_of,
            query: p.text("q"),
            members: false,
            limit: Some(p.limit()),
        };
        let stories = dateline_query::stories(store, &request)?;
        Ok(json!({ "items": stories }))
    })
    .await
}

async fn story(State(app): State<Arc<App>>, id: PathId, pairs: Pairs) -> Response {
    let id = match path_id(id) {
        Ok(id) => id,
        Err(response) => return *response,
    };
    run(app, &routes::STORY, pairs, move |store, p| {
        let window = p.window();
        let story = dateline_query::story(store, &id, window.as_of)?
            .ok_or_else(|| not_found(format!("no story {id:?} as of the window's end")))?;
        let request = dateline_query::SummarizeRequest {
            of: dateline_query::SummaryOf::Articles(story.members.clone()),
            window,
            dates: p.count("dates", 10),
            sentences: p.count("sentences", 2),
        };
        let summary = dateline_query::summarize_story(store, &request)?.unwrap_or_default();
        Ok(json!({ "story": story, "summary": summary }))
    })
    .await
}

async fn post_articles(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let (Some(token), Some(ingest)) = (&app.options.token, &app.options.ingest) else {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "writes are off; start the server with --token to allow them",
        )
        .into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if !given.is_some_and(|g| same_secret(g.as_bytes(), token.as_bytes())) {
        return ApiError::new(StatusCode::UNAUTHORIZED, "missing or wrong bearer token")
            .into_response();
    }
    let body = match body {
        Ok(body) => body,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the body is over the {} MiB limit; post the articles in smaller batches",
                    app.options.max_body >> 20
                ),
            )
            .into_response();
        }
        Err(e) => return ApiError::new(e.status(), e.body_text()).into_response(),
    };
    let ingest = Arc::clone(ingest);
    match tokio::task::spawn_blocking(move || ingest(&body)).await {
        // Stored; annotation follows in the background (`/api/status`).
        Ok(Ok(summary)) => (StatusCode::ACCEPTED, axum::Json(summary)).into_response(),
        Ok(Err(message)) => ApiError::new(StatusCode::BAD_REQUEST, message).into_response(),
        Err(e) => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// Compares without stopping at the first difference, so response time does not
/// tell how much of a guessed token was right.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn not_found(message: String) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, message)
}
