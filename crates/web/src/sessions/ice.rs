//! ICE servers for video sessions (DESIGN.md "Video"): the STUN and TURN servers of
//! `ALCOVE_ICE_SERVERS`, with time-limited TURN credentials made from `ALCOVE_TURN_SECRET` by
//! the TURN REST scheme (`alcove_crypto::turn`), so a standard TURN server such as coturn
//! (`use-auth-secret`, `static-auth-secret=<the same secret>`) accepts them. Media never
//! passes through Alcove; the secret never leaves the server.
//!
//! `ALCOVE_ICE_SERVERS` is a comma-separated list of ICE URLs (RFC 7064, RFC 7065):
//! `stun:stun.example.org:3478, turn:turn.example.org:3478?transport=udp, turns:turn.example.org:5349`.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::SessionAccess;
use crate::error::ApiError;
use crate::state::AppState;

/// One ICE server URL, checked for its scheme.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IceUrl(String);

impl IceUrl {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// TURN servers need credentials; STUN servers do not.
    pub fn is_turn(&self) -> bool {
        self.0.starts_with("turn:") || self.0.starts_with("turns:")
    }
}

/// The shared secret, kept out of `Debug` output.
#[derive(Clone)]
pub struct TurnSecret(pub Vec<u8>);

impl std::fmt::Debug for TurnSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TurnSecret(<redacted>)")
    }
}

/// Reads `ALCOVE_ICE_SERVERS`. The error names the entry that is wrong.
pub fn parse_ice_servers(text: &str) -> Result<Vec<IceUrl>, String> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let ok_scheme = ["stun:", "stuns:", "turn:", "turns:"]
            .iter()
            .any(|s| part.starts_with(s) && part.len() > s.len());
        if !ok_scheme || part.chars().any(char::is_whitespace) {
            return Err(format!(
                "{part:?} is not an ICE server URL such as stun:stun.example.org:3478 or turn:turn.example.org:3478?transport=udp"
            ));
        }
        out.push(IceUrl(part.to_owned()));
    }
    Ok(out)
}

/// What `RTCPeerConnection` takes as one entry of `iceServers`.
#[derive(Serialize, Debug, PartialEq, utoipa::ToSchema)]
pub struct IceServer {
    pub urls: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

#[derive(Serialize, Debug, utoipa::ToSchema)]
pub struct IceConfig {
    /// Pass as `new RTCPeerConnection({ iceServers: ice_servers })`.
    pub ice_servers: Vec<IceServer>,
    /// When the TURN credentials stop working (RFC 3339); ask again after that.
    pub expires_at: DateTime<Utc>,
    /// Pass as `iceTransportPolicy`: `relay` in a group when a TURN server is configured, so
    /// the clients of a group never learn each other's network addresses; `all` otherwise.
    pub ice_transport_policy: &'static str,
}

/// TURN credentials last until an hour after the session's scheduled end (or an hour from
/// now, whichever is later): long enough for an overrun and a reconnection, no longer.
pub fn ice_config(
    servers: &[IceUrl],
    secret: Option<&TurnSecret>,
    user: &str,
    now: DateTime<Utc>,
    session_end: DateTime<Utc>,
    group: bool,
) -> IceConfig {
    let expires_at = now.max(session_end) + Duration::hours(1);
    let stun: Vec<String> = servers
        .iter()
        .filter(|u| !u.is_turn())
        .map(|u| u.as_str().to_owned())
        .collect();
    let turn: Vec<String> = servers
        .iter()
        .filter(|u| u.is_turn())
        .map(|u| u.as_str().to_owned())
        .collect();
    let mut ice_servers = Vec::new();
    if !stun.is_empty() {
        ice_servers.push(IceServer {
            urls: stun,
            username: None,
            credential: None,
        });
    }
    let relay = group && secret.is_some() && !turn.is_empty();
    if !turn.is_empty() {
        let cred = secret
            .map(|s| alcove_crypto::turn::turn_credential(&s.0, user, expires_at.timestamp()));
        ice_servers.push(IceServer {
            urls: turn,
            username: cred.as_ref().map(|c| c.username.clone()),
            credential: cred.map(|c| c.credential),
        });
    }
    IceConfig {
        ice_servers,
        expires_at,
        ice_transport_policy: if relay { "relay" } else { "all" },
    }
}

/// `GET /api/v1/sessions/{id}/ice` (bearer token) and `GET /sessions/{id}/ice` (the room
/// page's cookie): the ICE servers for this session, for those who may be in the room.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/ice", tag = "sessions", security(("bearer" = [])),
    params(("id" = String, Path, description = "The appointment's id")),
    responses((status = 200, body = IceConfig, description = "STUN and TURN servers, TURN with time-limited credentials"),
        (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody, description = "`not_admitted`: not the clinician or an admitted client, or the session is over"),
        (status = 404, body = crate::error::ErrorBody, description = "No such session of the caller's"),
        (status = 429, body = crate::error::ErrorBody)))]
pub async fn ice(
    access: SessionAccess,
    State(state): State<AppState>,
) -> Result<Json<IceConfig>, ApiError> {
    let now = state.clock.now();
    if !access.may_enter(now) {
        return Err(ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "not_admitted",
            "Only the clinician and admitted participants of an open session get ICE servers.",
        ));
    }
    Ok(Json(ice_config(
        &state.config.ice_servers,
        state.config.turn_secret.as_ref(),
        &access.actor.user_id.to_string(),
        now,
        access.appointment.end,
        access.appointment.is_group(),
    )))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(ice))]
pub struct ApiDoc;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ice_urls_must_be_stun_or_turn_and_errors_name_the_entry() {
        let ok = parse_ice_servers(
            "stun:stun.example.org:3478, turn:turn.example.org:3478?transport=udp,,turns:t.example.org:5349",
        )
        .unwrap();
        assert_eq!(ok.len(), 3);
        assert!(!ok[0].is_turn() && ok[1].is_turn() && ok[2].is_turn());
        assert!(parse_ice_servers("").unwrap().is_empty());
        let e = parse_ice_servers("stun:ok.example.org, https://turn.example.org").unwrap_err();
        assert!(e.contains("https://turn.example.org"), "{e}");
        assert!(parse_ice_servers("turn:").is_err());
    }

    #[test]
    fn turn_servers_get_credentials_that_expire_an_hour_after_the_session() {
        let servers = parse_ice_servers("stun:s.example.org, turn:t.example.org").unwrap();
        let now = DateTime::parse_from_rfc3339("2026-12-07T15:00:00Z")
            .unwrap()
            .to_utc();
        let end = now + Duration::minutes(50);
        let secret = TurnSecret(b"north-wind".to_vec());
        let c = ice_config(&servers, Some(&secret), "u1", now, end, false);
        assert_eq!(c.ice_transport_policy, "all");
        // A group with TURN relays, so clients never see each other's addresses.
        let g = ice_config(&servers, Some(&secret), "u1", now, end, true);
        assert_eq!(g.ice_transport_policy, "relay");
        assert_eq!(c.expires_at, end + Duration::hours(1));
        assert_eq!(c.ice_servers[0].urls, ["stun:s.example.org"]);
        assert!(c.ice_servers[0].username.is_none());
        let expected =
            alcove_crypto::turn::turn_credential(b"north-wind", "u1", c.expires_at.timestamp());
        assert_eq!(
            c.ice_servers[1].username.as_deref(),
            Some(expected.username.as_str())
        );
        assert_eq!(c.ice_servers[1].credential, Some(expected.credential));
        assert!(format!("{secret:?}").contains("redacted"));
        // Without a secret, TURN servers are listed without credentials.
        let bare = ice_config(&servers, None, "u1", now, end, true);
        assert_eq!(
            bare.ice_transport_policy, "all",
            "no TURN credentials: nothing to relay through"
        );
        assert!(bare.ice_servers[1].credential.is_none());
    }
}
