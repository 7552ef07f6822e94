//! Message threads between a client and their care team (issue 7): reading and sending, within
//! the clinician's communication policy, with the crisis path. Content is sealed with the
//! client's data key; every read is audited first.

mod access;
mod api;
pub mod attachments;
pub mod crisis;
pub mod live;
mod pages;
mod policy;
pub mod send;

pub use access::{unread_total, PlainMessage, ThreadAccess, ThreadRef, ThreadSummary};

use crate::routes::RouteTable;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/messages", pages::threads)
        .get("/messages/{id}", pages::thread)
        // The send form takes an attachment: its body limit follows the configuration (see
        // `upload_limit`, applied in `crate::router`).
        .post_upload(SEND_PATH, pages::send_form, upload_limit(10 * 1024 * 1024))
        .get("/messages/{id}/attachments/{attachment}", pages::attachment)
        .get(
            "/api/v1/threads/{id}/attachments/{attachment}",
            api::attachment,
        )
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

/// The web form that sends a message (with an optional attachment).
pub const SEND_PATH: &str = "/messages/{id}";

/// The body limit for a message with an attachment of at most `attachment_max` bytes: room for
/// the text, the form's other fields and the multipart framing, so a file a little over the
/// limit is refused by name and size rather than by a bare 413.
pub fn upload_limit(attachment_max: usize) -> usize {
    attachment_max + 256 * 1024
}

/// Where a message body lives, for the AAD.
pub fn body_place(id: &str) -> crate::services::keyring::Place<'_> {
    crate::services::keyring::Place {
        table: "messages",
        column: "body",
        row: id,
    }
}
