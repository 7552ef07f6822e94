//! The JSON API's own pieces: tokens, who-am-I, the OpenAPI document and strict JSON bodies.
//! Feature modules (messaging, records) own their API routes.

pub mod json;
pub mod token;

pub use json::ApiJson;

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes::RouteTable;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .post("/api/v1/auth/token", token::issue)
        .delete("/api/v1/auth/token", token::revoke)
        .get("/api/v1/me", token::me)
        .get("/api/v1/openapi.json", openapi_json)
}

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Alcove API", description = "The same operations as the web pages. Errors are always {\"error\":{\"code\",\"message\"}}."),
    paths(token::issue, token::revoke, token::me),
    modifiers(&Bearer)
)]
struct RootDoc;

/// The OpenAPI document, generated from the handlers' annotations.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = RootDoc::openapi();
    doc.merge(crate::messaging::ApiDoc::openapi());
    doc.merge(crate::records::ApiDoc::openapi());
    doc.merge(crate::licensure::ApiDoc::openapi());
    doc.merge(crate::onboarding::path::ApiDoc::openapi());
    doc.merge(crate::sessions::ice::ApiDoc::openapi());
    doc.merge(crate::scheduling::ApiDoc::openapi());
    doc
}

async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi())
}
