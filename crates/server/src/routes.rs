//! The route table: every route's path, purpose and parameters, in one place.
//!
//! Handlers validate their query strings against it ([`crate::params`]) and the
//! OpenAPI document is generated from it ([`openapi`]), so the documentation cannot
//! drift from what the server accepts.

use serde_json::{Value, json};

/// What a parameter's value must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `YYYY-MM-DD`.
    Date,
    /// Free text, at most [`crate::params::MAX_TEXT`] characters.
    Text,
    /// A CAMEO event code ("036").
    Code,
    /// A CAMEO root ("03").
    Root,
    /// `direct`, `indirect` or `mixed`.
    StatementKind,
    /// One of the timeline topics.
    Topic,
    /// 1 to [`crate::params::MAX_LIMIT`].
    Limit,
    /// A `next_cursor` from an earlier page.
    Cursor,
    /// `true` or `false`.
    Flag,
}

#[derive(Debug, Clone, Copy)]
pub struct Param {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub doc: &'static str,
}

#[derive(Debug, Clone, Copy)]
pub struct Route {
    /// The path as axum and OpenAPI write it (`/api/articles/{id}`).
    pub path: &'static str,
    pub summary: &'static str,
    pub params: &'static [Param],
    /// Returns `{items, next_cursor}`.
    pub paged: bool,
}

const fn param(name: &'static str, kind: Kind, doc: &'static str) -> Param {
    Param {
        name,
        kind,
        required: false,
        doc,
    }
}

const FROM: Param = param(
    "from",
    Kind::Date,
    "Only articles dated on or after this day.",
);
const TO: Param = param(
    "to",
    Kind::Date,
    "Only articles dated on or before this day.",
);
const AS_OF: Param = param(
    "as_of",
    Kind::Date,
    "Only what had been published by the end of this day: nothing later, in any form.",
);
const LIMIT: Param = param("limit", Kind::Limit, "Most items in one page (default 50).");
const CURSOR: Param = param(
    "cursor",
    Kind::Cursor,
    "`next_cursor` of the previous page.",
);

pub const HEALTH: Route = Route {
    path: "/api/health",
    summary: "Liveness, article count and the range of article dates.",
    params: &[],
    paged: false,
};

pub const STATUS: Route = Route {
    path: "/api/status",
    summary: "Background annotation of POSTed articles: whether it runs, how many articles wait, the last error.",
    params: &[],
    paged: false,
};

pub const OPENAPI: Route = Route {
    path: "/api/openapi.json",
    summary: "This document.",
    params: &[],
    paged: false,
};

pub const ARTICLES: Route = Route {
    path: "/api/articles",
    summary: "Articles (without their text), by date then id.",
    params: &[FROM, TO, AS_OF, LIMIT, CURSOR],
    paged: true,
};

pub const ARTICLE: Route = Route {
    path: "/api/articles/{id}",
    summary: "One article with its mentions, statements and events; 404 if not published by `as_of`.",
    params: &[AS_OF],
    paged: false,
};

pub const SEARCH: Route = Route {
    path: "/api/search",
    summary: "Ranked full-text search (BM25); snippets mark matches with « and ».",
    params: &[
        Param {
            name: "q",
            kind: Kind::Text,
            required: true,
            doc: "Words, \"quoted phrases\", OR between alternatives, prefix* matches.",
        },
        param(
            "source",
            Kind::Text,
            "Only articles of this outlet, as stored.",
        ),
        param(
            "copies",
            Kind::Flag,
            "false: leave out articles marked as copies of earlier ones (default true).",
        ),
        FROM,
        TO,
        AS_OF,
        LIMIT,
        CURSOR,
    ],
    paged: true,
};

pub const STATEMENTS: Route = Route {
    path: "/api/statements",
    summary: "Statements: who said what, by article date.",
    params: &[
        param(
            "speaker",
            Kind::Text,
            "Actor id, CAMEO code prefix (RUS), name or alias.",
        ),
        param(
            "about",
            Kind::Text,
            "An actor the words mention, as for `speaker`.",
        ),
        param(
            "via",
            Kind::Text,
            "Outlet that relayed the words (part of its name).",
        ),
        param("kind", Kind::StatementKind, "direct, indirect or mixed."),
        FROM,
        TO,
        AS_OF,
        LIMIT,
        CURSOR,
    ],
    paged: true,
};

pub const EVENTS: Route = Route {
    path: "/api/events",
    summary: "Events: who did what to whom (CAMEO), by article date.",
    params: &[
        param(
            "source",
            Kind::Text,
            "Actor id, CAMEO code prefix (RUS), name or alias.",
        ),
        param("target", Kind::Text, "As for `source`."),
        param("code", Kind::Code, "Exact CAMEO event code (036)."),
        param("root", Kind::Root, "CAMEO root (03)."),
        FROM,
        TO,
        AS_OF,
        LIMIT,
        CURSOR,
    ],
    paged: true,
};

pub const ACTORS: Route = Route {
    path: "/api/actors",
    summary: "Actors mentioned in the window, most mentioned first.",
    params: &[
        param(
            "q",
            Kind::Text,
            "Part of an id, name or alias, or a CAMEO code prefix in capitals.",
        ),
        FROM,
        TO,
        AS_OF,
        LIMIT,
        CURSOR,
    ],
    paged: true,
};

pub const ACTOR: Route = Route {
    path: "/api/actors/{id}",
    summary: "One actor with its names, date-bounded codes and counts, as the window shows it.",
    params: &[FROM, TO, AS_OF],
    paged: false,
};

pub const TIMELINE: Route = Route {
    path: "/api/timeline",
    summary: "Dated statements and events of an actor or a pair, with stance and stance shifts.",
    params: &[
        Param {
            name: "actor",
            kind: Kind::Text,
            required: true,
            doc: "Actor id, CAMEO code prefix, name or alias.",
        },
        param(
            "with",
            Kind::Text,
            "A counterpart: the timeline of the pair.",
        ),
        param("topic", Kind::Topic, "negotiation or relations."),
        FROM,
        TO,
        AS_OF,
    ],
    paged: false,
};

pub const STORIES: Route = Route {
    path: "/api/stories",
    summary: "Evolving stories as of a day (articles grouped as they arrived), the most recently active first.",
    params: &[
        param(
            "q",
            Kind::Text,
            "Only stories with an article holding every word of this.",
        ),
        AS_OF,
        param("limit", Kind::Limit, "Most stories listed (default 50)."),
    ],
    paged: false,
};

pub const STORY: Route = Route {
    path: "/api/stories/{id}",
    summary: "One story as of a day (by its id or any of its articles' ids), with its article ids, and its dated timeline summary.",
    params: &[
        AS_OF,
        param(
            "dates",
            Kind::Limit,
            "How many dates the summary picks (default 10).",
        ),
        param(
            "sentences",
            Kind::Limit,
            "How many sentences per date (default 2).",
        ),
    ],
    paged: false,
};

pub const POST_ARTICLES: Route = Route {
    path: "/api/articles",
    summary: "Ingest articles (JSON Lines body, one article a line); needs `Authorization: Bearer TOKEN` and a server started with --token.",
    params: &[],
    paged: false,
};

/// Every GET route, in the order the document lists them.
pub const GET_ROUTES: [Route; 13] = [
    HEALTH, STATUS, OPENAPI, ARTICLES, ARTICLE, SEARCH, STATEMENTS, EVENTS, ACTORS, ACTOR,
    TIMELINE, STORIES, STORY,
];

/// The OpenAPI 3.1 document of the API, built from the route table.
pub fn openapi() -> Value {
    let mut paths = serde_json::Map::new();
    for route in GET_ROUTES {
        let mut parameters: Vec<Value> = route
            .params
            .iter()
            .map(|p| {
                json!({
                    "name": p.name,
                    "in": "query",
                    "required": p.required,
                    "description": p.doc,
                    "schema": schema(p.kind),
                })
            })
            .collect();
        if route.path.contains("{id}") {
            parameters.insert(
                0,
                json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}),
            );
        }
        let ok = if route.paged {
            json!({"description": "A page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}})
        } else {
            json!({"description": "OK", "content": {"application/json": {}}})
        };
        let mut responses = json!({
            "200": ok,
            "400": error_response("A bad parameter"),
            "503": error_response("Too slow, or every store connection busy"),
        });
        if route.path.contains("{id}") || route.path == TIMELINE.path {
            responses["404"] = error_response("Not found in the window");
        }
        if route.path == ACTOR.path {
            responses["300"] =
                error_response("The name fits several actors; the message lists them by id");
        }
        paths.insert(
            route.path.to_string(),
            json!({"get": {"summary": route.summary, "parameters": parameters, "responses": responses}}),
        );
    }
    paths[POST_ARTICLES.path]["post"] = json!({
        "summary": POST_ARTICLES.summary,
        "security": [{"bearer": []}],
        "requestBody": {"required": true, "content": {"application/x-ndjson": {}}},
        "responses": {
            "202": {"description": "What was stored; annotation follows (GET /api/status)", "content": {"application/json": {}}},
            "400": error_response("A bad article (file line in the message)"),
            "401": error_response("Missing or wrong token"),
            "403": error_response("Writes are off (no --token)"),
            "413": error_response("Body too large"),
        }
    });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "dateline",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Who said and did what, to whom, when, and according to whom. Records follow SPEC §3.",
        },
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Page": {
                    "type": "object",
                    "required": ["items", "next_cursor"],
                    "properties": {
                        "items": {"type": "array", "items": {}},
                        "next_cursor": {"type": ["string", "null"]},
                    }
                },
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {"type": "string"},
                        "parameter": {"type": "string"},
                    }
                }
            }
        }
    })
}

fn error_response(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

fn schema(kind: Kind) -> Value {
    match kind {
        Kind::Date => json!({"type": "string", "format": "date"}),
        Kind::Text => json!({"type": "string", "maxLength": crate::params::MAX_TEXT}),
        Kind::Code => json!({"type": "string", "pattern": "^[0-9]{2,4}$"}),
        Kind::Root => json!({"type": "string", "pattern": "^[0-9]{2}$"}),
        Kind::StatementKind => json!({"type": "string", "enum": ["direct", "indirect", "mixed"]}),
        Kind::Topic => json!({"type": "string", "enum": dateline_query::TOPICS}),
        Kind::Limit => {
            json!({"type": "integer", "minimum": 1, "maximum": crate::params::MAX_LIMIT})
        }
        Kind::Cursor => json!({"type": "string"}),
        Kind::Flag => json!({"type": "boolean"}),
    }
}
