use axum::extract::State;
use axum::http::StatusCode;

use crate::routes::RouteTable;
use crate::state::AppState;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/healthz", healthz)
        .get("/readyz", readyz)
}

/// The process is up.
async fn healthz() -> &'static str {
    "ok"
}

/// The database answers.
async fn readyz(State(state): State<AppState>) -> Result<&'static str, StatusCode> {
    match state.store.ping().await {
        Ok(()) => Ok("ready"),
        Err(e) => {
            tracing::warn!(error = %e, "database not ready");
            Err(StatusCode::SERVICE_UNAVAILABLE)
        }
    }
}
