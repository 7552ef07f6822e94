//! Intake forms (issue 5, part 3). To be built.

use alcove_domain::onboarding::IntakeSubmission;
use alcove_domain::ClientId;

use crate::error::PageError;
use crate::routes::RouteTable;
use crate::state::AppState;

pub fn routes() -> RouteTable {
    RouteTable::new()
}

/// The latest final submission of the intake form (none recorded by this part yet).
pub async fn facts(
    _state: &AppState,
    _client: ClientId,
) -> Result<Option<IntakeSubmission>, PageError> {
    Ok(None)
}
