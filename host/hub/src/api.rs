//! The HTTP interface: JSON under `/api/`, the dashboard at `/`.
//!
//! Every error is a status code and a JSON body with a stable `code` and a
//! message that says what to do. Bodies are capped; a database that cannot
//! be reached answers 503 and the next request tries it again.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use mizuchi_ledger::dsse::Envelope;
use mizuchi_ledger::keys::PublicKey;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::store::{Enrolled, Store, StoreError};
use crate::verify::{Policy, Refusal, verify_push};
use crate::wire::{
    ENROLMENT_TYPE, Enrolment, ErrorBody, Head, POLICY_TYPE, PolicyDoc, Push, Receipt,
};

/// The largest request body accepted: a push of a few thousand entries.
pub const MAX_BODY: usize = 32 << 20;

/// What every request handler shares.
#[derive(Debug)]
pub struct Hub {
    /// The database.
    pub store: Store,
    /// The regulator's keys: enrolments must be signed by one of them.
    pub regulators: Vec<PublicKey>,
    /// What every run must meet or be flagged for until the regulator signs
    /// a policy (`POST /api/policy`), which then applies.
    pub policy: Policy,
    /// The directory of signed packs, key rotations and their `index.json`
    /// the hub distributes under `/packs/` (`mizuchi pack index` writes the
    /// index), if any.
    pub packs: Option<std::path::PathBuf>,
}

/// An answer that is an error.
#[derive(Debug)]
pub struct ApiError(StatusCode, ErrorBody);

impl ApiError {
    fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError(
            status,
            ErrorBody {
                code: code.to_owned(),
                message: message.into(),
            },
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(self.1)).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict => ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string()),
            StoreError::Unresolved { .. } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unresolved",
                e.to_string(),
            ),
            StoreError::Damaged(..) => {
                tracing::error!(error = %e, "stored records are damaged");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "damaged", e.to_string())
            }
            other => {
                tracing::warn!(error = %other, "database unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the hub's database is unavailable; try again later",
                )
            }
        }
    }
}

/// The body as JSON of type `T`, or a 4xx naming what is wrong and where.
fn json_body<T: DeserializeOwned>(body: Result<Bytes, BytesRejection>) -> Result<T, ApiError> {
    let bytes = body.map_err(|r| {
        let status = r.status();
        let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "too-large"
        } else {
            "malformed"
        };
        ApiError::new(
            status,
            code,
            format!(
                "the request body cannot be read: {} (at most {MAX_BODY} bytes)",
                r.body_text()
            ),
        )
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed",
            format!(
                "the request body is not what this endpoint takes: {e} (line {}, column {})",
                e.line(),
                e.column()
            ),
        )
    })
}

/// The routes, over shared state.
pub fn router(hub: Arc<Hub>) -> Router {
    Router::new()
        .route("/", get(dashboard))
        .route("/api/enrol", post(enrol))
        .route("/api/overview", get(overview))
        .route("/api/policy", get(get_policy).post(set_policy))
        .route("/api/utilities/{id}/head", get(head))
        .route("/api/utilities/{id}/push", post(push))
        .route("/packs/{file}", get(pack_file))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(hub)
}

/// What a regulator key signed: the body is a DSSE envelope of
/// `payload_type` (a `what`), signed by one of the hub's regulator keys,
/// whose payload reads as `T`. Returns it with the envelope as JSON, to
/// keep beside what it changed.
fn regulator_signed<T: DeserializeOwned>(
    hub: &Hub,
    body: Result<Bytes, BytesRejection>,
    payload_type: &str,
    what: &str,
) -> Result<(T, String), ApiError> {
    let envelope: Envelope = json_body(body)?;
    if envelope.payload_type != payload_type {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed",
            format!(
                "a {what} is a DSSE envelope of `{payload_type}`, not of `{}`",
                envelope.payload_type
            ),
        ));
    }
    if envelope.verified_by(&hub.regulators).is_empty() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "signature",
            format!("the {what} is not signed by a regulator key of this hub"),
        ));
    }
    let payload = envelope
        .payload_bytes()
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "malformed", e.to_string()))?;
    let value = serde_json::from_slice(&payload).map_err(|err| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed",
            format!("the {what}: {err}"),
        )
    })?;
    Ok((value, serde_json::to_string(&envelope).unwrap_or_default()))
}

async fn enrol(
    State(hub): State<Arc<Hub>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let (e, stored): (Enrolment, String) =
        regulator_signed(&hub, body, ENROLMENT_TYPE, "enrolment")?;
    let key = PublicKey::from_pem(&e.key).map_err(|err| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed",
            format!("the utility's key: {err}"),
        )
    })?;
    match hub.store.enrol(&e, &key.key_id(), &stored).await? {
        Enrolled::New => Ok((
            StatusCode::CREATED,
            Json(serde_json::json!({"utility": e.utility, "key_id": key.key_id()})),
        )),
        Enrolled::Same => Ok((
            StatusCode::OK,
            Json(serde_json::json!({"utility": e.utility, "key_id": key.key_id()})),
        )),
        Enrolled::KeyDiffers => Err(ApiError::new(
            StatusCode::CONFLICT,
            "enrolled",
            format!("utility `{}` is enrolled with another key", e.utility),
        )),
    }
}

async fn head(State(hub): State<Arc<Hub>>, Path(id): Path<String>) -> Result<Json<Head>, ApiError> {
    if hub.store.key(&id).await?.is_none() {
        return Err(unknown(&id));
    }
    let (held, _) = hub.store.held(&id).await?;
    Ok(Json(Head {
        size: held.size,
        root: hex::encode(held.root),
    }))
}

fn unknown(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "unknown-utility",
        format!("utility `{id}` is not enrolled at this hub; the regulator enrols it"),
    )
}

async fn push(
    State(hub): State<Arc<Hub>>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Receipt>, ApiError> {
    let push: Push = json_body(body)?;
    let Some(pem) = hub.store.key(&id).await? else {
        return Err(unknown(&id));
    };
    let key = PublicKey::from_pem(&pem)
        .map_err(|e| ApiError::from(StoreError::Damaged(id.clone(), e.to_string())))?;
    let (held, leaves) = hub.store.held(&id).await?;
    let policy = match hub.store.policy().await? {
        Some(signed) => Policy {
            required_publishers: signed.required_publishers,
        },
        None => hub.policy.clone(),
    };
    let (uid, size) = (id.clone(), held.size);
    // Signature checks are the work of a push: off the async threads.
    let verified = tokio::task::spawn_blocking(move || {
        verify_push(&uid, &key, &held, &leaves, &push, &policy)
    })
    .await
    .map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "verification failed to run",
        )
    })?;
    let accepted = match verified {
        Ok(a) => a,
        Err(Refusal::Rewritten(why)) => {
            hub.store.flag(&id, "rewritten", &why).await?;
            tracing::warn!(utility = %id, %why, "push refused and flagged");
            return Err(ApiError::new(StatusCode::CONFLICT, "rewritten", why));
        }
        Err(Refusal::Signature(why)) => {
            return Err(ApiError::new(StatusCode::FORBIDDEN, "signature", why));
        }
        Err(other) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed",
                other.to_string(),
            ));
        }
    };
    hub.store.store(&id, &accepted).await?;
    let flags = accepted
        .runs
        .iter()
        .flat_map(|r| {
            r.flags
                .iter()
                .map(move |(k, d)| format!("{} {k}: {d}", r.run))
        })
        .collect();
    Ok(Json(Receipt {
        accepted: accepted.entries.len() as u64,
        size: size + accepted.entries.len() as u64,
        flags,
    }))
}

/// A file of the distribution directory. Signed packs and rotations are
/// verified by whoever installs them; the hub only serves the bytes.
async fn pack_file(
    State(hub): State<Arc<Hub>>,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    let missing = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("this hub distributes no `{file}`"),
        )
    };
    let Some(dir) = &hub.packs else {
        return Err(missing());
    };
    let plain = !file.is_empty()
        && !file.starts_with('.')
        && !file.contains(['/', '\\', '\0'])
        && (file == "index.json" || file.ends_with(".pack") || file.ends_with(".rotation.json"));
    if !plain {
        return Err(missing());
    }
    let bytes = tokio::fs::read(dir.join(&file))
        .await
        .map_err(|_| missing())?;
    let kind = if file.ends_with(".json") {
        "application/json"
    } else {
        "application/octet-stream"
    };
    Ok(([(axum::http::header::CONTENT_TYPE, kind)], bytes).into_response())
}

/// The policy in force: the one the regulator signed last, else the one the
/// hub was started with.
async fn get_policy(State(hub): State<Arc<Hub>>) -> Result<Json<PolicyDoc>, ApiError> {
    Ok(Json(match hub.store.policy().await? {
        Some(p) => p,
        None => PolicyDoc {
            required_publishers: hub.policy.required_publishers.clone(),
        },
    }))
}

/// Puts a policy signed by a regulator key in force for the pushes after it.
async fn set_policy(
    State(hub): State<Arc<Hub>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PolicyDoc>, ApiError> {
    let (policy, stored): (PolicyDoc, String) =
        regulator_signed(&hub, body, POLICY_TYPE, "policy")?;
    hub.store.set_policy(&policy, &stored).await?;
    tracing::info!(?policy, "policy in force");
    Ok(Json(policy))
}

async fn overview(State(hub): State<Arc<Hub>>) -> Result<Json<crate::store::Overview>, ApiError> {
    Ok(Json(hub.store.overview().await?))
}

/// `?lang=en` for English; Japanese by default.
#[derive(Debug, Deserialize)]
struct Lang {
    lang: Option<String>,
}

async fn dashboard(
    State(hub): State<Arc<Hub>>,
    Query(q): Query<Lang>,
) -> Result<Html<String>, ApiError> {
    let overview = hub.store.overview().await?;
    let en = q.lang.as_deref() == Some("en");
    Ok(Html(crate::html::render(&overview, en)))
}
