//! The clinician's way into one client's record: a capability, not a check in each handler.

use alcove_domain::ClientId;
use alcove_store::{ClientRecord, StoreError};
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;

use crate::auth::care::{relation, Relation};
use crate::auth::extract::{ClinicianActor, Denied, Why};
use crate::auth::Identity;
use crate::state::AppState;

/// Proof that the caller is a clinician on the care team (primary or covering) of the client
/// named by the route's `{client}`, as `auth::care::relation` decides. Other roles get 403
/// (their role never reaches a client's record); a clinician outside the team, a malformed or
/// unknown id all get 404, so whether a record exists is not revealed.
pub struct CareTeamClient {
    pub actor: Identity,
    pub client: ClientRecord,
}

impl FromRequestParts<AppState> for CareTeamClient {
    type Rejection = Denied;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Denied> {
        let ClinicianActor(actor) = ClinicianActor::from_request_parts(parts, state).await?;
        let api = crate::auth::session::is_api(parts.uri.path());
        let not_found = || Denied {
            api,
            why: Why::NotFound,
        };
        let internal = |e: StoreError| {
            tracing::error!(error = %e, "client record lookup failed");
            Denied {
                api,
                why: Why::Internal,
            }
        };
        let Ok(Path(raw)) = Path::<String>::from_request_parts(parts, state).await else {
            return Err(not_found());
        };
        let Ok(id) = raw.parse::<ClientId>() else {
            return Err(not_found());
        };
        match relation(state, &actor, id).await {
            Ok(Relation::CareTeam(_)) => {}
            Ok(_) => return Err(not_found()),
            Err(e) => return Err(internal(e)),
        }
        match state.store.client(id).await {
            Ok(client) => Ok(Self { actor, client }),
            Err(StoreError::NotFound) => Err(not_found()),
            Err(e) => Err(internal(e)),
        }
    }
}
