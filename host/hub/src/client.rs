//! The client side: a utility pushes its ledger, a regulator enrols a
//! utility. Blocking HTTP; the hub's JSON errors are passed on with their
//! code and message.

use std::path::Path;

use mizuchi_ledger::dsse::Envelope;

use crate::wire::{ErrorBody, Head, PushError, Receipt, push_from_ledger};

/// The most a hub's answer may hold.
const MAX_ANSWER: u64 = 16 << 20;

/// Why talking to a hub failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The hub answered with an error.
    #[error("the hub refused ({status} {code}): {message}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The hub's error code.
        code: String,
        /// The hub's message.
        message: String,
    },
    /// The hub could not be reached, or answered with something else.
    #[error("cannot talk to the hub at `{url}`: {message}")]
    Transport {
        /// The address.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The ledger could not be read into a push.
    #[error(transparent)]
    Push(#[from] PushError),
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn answer<T: serde::de::DeserializeOwned>(
    url: &str,
    result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<T, ClientError> {
    let transport = |message: String| ClientError::Transport {
        url: url.to_owned(),
        message,
    };
    let mut resp = result.map_err(|e| transport(e.to_string()))?;
    let status = resp.status().as_u16();
    let text = resp
        .body_mut()
        .with_config()
        .limit(MAX_ANSWER)
        .read_to_string()
        .map_err(|e| transport(e.to_string()))?;
    if !(200..300).contains(&status) {
        let body: Option<ErrorBody> = serde_json::from_str(&text).ok();
        return Err(match body {
            Some(b) => ClientError::Refused {
                status,
                code: b.code,
                message: b.message,
            },
            None => ClientError::Refused {
                status,
                code: "http".into(),
                message: text.chars().take(200).collect(),
            },
        });
    }
    serde_json::from_str(&text)
        .map_err(|e| transport(format!("an answer that is not the hub's: {e}")))
}

fn base(hub: &str) -> &str {
    hub.trim_end_matches('/')
}

/// What the hub holds of `utility`'s ledger.
pub fn head(hub: &str, utility: &str) -> Result<Head, ClientError> {
    let url = format!("{}/api/utilities/{utility}/head", base(hub));
    answer(&url, agent().get(&url).call())
}

/// Pushes what the hub lacks of the ledger at `ledger` (of `utility`): asks
/// for the hub's head, then sends the entries after it, the checkpoint and
/// the consistency proof.
pub fn push_ledger(hub: &str, utility: &str, ledger: &Path) -> Result<Receipt, ClientError> {
    let held = head(hub, utility)?;
    let push = push_from_ledger(ledger, &held)?;
    post_json(
        &format!("{}/api/utilities/{utility}/push", base(hub)),
        &push,
    )
}

/// POSTs `value` as JSON to `url`; the hub's answer.
fn post_json<T: serde::de::DeserializeOwned>(
    url: &str,
    value: &impl serde::Serialize,
) -> Result<T, ClientError> {
    let body = serde_json::to_vec(value).map_err(|e| ClientError::Transport {
        url: url.to_owned(),
        message: e.to_string(),
    })?;
    answer(
        url,
        agent()
            .post(url)
            .header("content-type", "application/json")
            .send(&body[..]),
    )
}

/// Sends a signed policy (see [`crate::wire::PolicyDoc`]); the policy now
/// in force.
pub fn set_policy(hub: &str, envelope: &Envelope) -> Result<crate::wire::PolicyDoc, ClientError> {
    post_json(&format!("{}/api/policy", base(hub)), envelope)
}

/// Sends a signed enrolment (see [`crate::wire::Enrolment`]).
pub fn enrol(hub: &str, envelope: &Envelope) -> Result<serde_json::Value, ClientError> {
    post_json(&format!("{}/api/enrol", base(hub)), envelope)
}
