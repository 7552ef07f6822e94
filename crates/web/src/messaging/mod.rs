//! Message threads between a client and their care team: reading them (sending comes with the
//! messaging issue). Content is sealed with the client's data key; every read is audited first.

mod access;
mod api;
mod pages;

pub use access::{PlainMessage, ThreadAccess, ThreadSummary};

use crate::routes::RouteTable;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/messages", pages::threads)
        .get("/messages/{id}", pages::thread)
        .get("/api/v1/threads", api::list_threads)
        .get("/api/v1/threads/{id}/messages", api::list_messages)
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
