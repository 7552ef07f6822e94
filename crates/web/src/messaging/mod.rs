//! Message threads between a client and their care team (issue 7): reading and sending, within
//! the clinician's communication policy, with the crisis path. Content is sealed with the
//! client's data key; every read is audited first.

mod access;
mod api;
pub mod live;
mod pages;
mod policy;
pub mod send;

pub use access::{unread_total, PlainMessage, ThreadAccess, ThreadSummary};

use crate::routes::RouteTable;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/messages", pages::threads)
        .get("/messages/{id}", pages::thread)
        .post("/messages/{id}", pages::send_form)
        .get("/messages/{id}/new", live::new_messages)
        .get("/ws", live::socket)
        .post(
            "/messages/{id}/flags/{message}/acknowledge",
            pages::acknowledge,
        )
        .post("/messages/{id}/pause", pages::set_pause)
        .get("/messaging/policy", policy::edit)
        .post("/messaging/policy", policy::save)
        .get("/api/v1/threads", api::list_threads)
        .get("/api/v1/threads/{id}/messages", api::list_messages)
        .post("/api/v1/threads/{id}/messages", api::post_message)
}

pub(crate) use api::ApiDoc;

/// Where a message body lives, for the AAD.
pub fn body_place(id: &str) -> crate::services::keyring::Place<'_> {
    crate::services::keyring::Place {
        table: "messages",
        column: "body",
        row: id,
    }
}
