//! "Clinician" is never enough: it is "clinician *of this client*". This is the one place that decides.

use alcove_domain::{ClientId, Role};
use alcove_store::{CareRole, StoreError};

use super::Identity;
use crate::state::AppState;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// The client themself.
    Themself,
    /// A clinician on the client's care team (primary or covering).
    CareTeam(CareRole),
    /// A supervisor of one of the client's clinicians (progress notes only, never messages).
    Supervisor,
    None,
}

pub async fn relation(
    state: &AppState,
    who: &Identity,
    client: ClientId,
) -> Result<Relation, StoreError> {
    Ok(match who.role {
        // Both from memory while nothing changed since (`services::recent`): the care team is
        // as current as this request's change stamp, so a removal applies to the next request.
        Role::Client => match state
            .recent
            .client_of_user(state.store.as_ref(), who.stamp, who.user_id)
            .await?
        {
            Some(c) if c == client => Relation::Themself,
            _ => Relation::None,
        },
        Role::Clinician => state
            .recent
            .care_team(state.store.as_ref(), who.stamp, client)
            .await?
            .iter()
            .find(|m| m.clinician_id == who.user_id)
            .map_or(Relation::None, |m| Relation::CareTeam(m.role)),
        Role::Supervisor => {
            let supervisees = state.store.supervisees(who.user_id).await?;
            let team = state.store.care_team(client).await?;
            if team.iter().any(|m| supervisees.contains(&m.clinician_id)) {
                Relation::Supervisor
            } else {
                Relation::None
            }
        }
        // Admins and auditors never have a clinical relation (break-the-glass is separate).
        Role::Admin | Role::Auditor => Relation::None,
    })
}
