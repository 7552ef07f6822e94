//! Attachments to messages (issue 7). A file is accepted only if its content is a PDF, PNG,
//! JPEG (magic bytes, read by the `infer` crate) or plain UTF-8 text, and at most the practice's
//! limit (`ALCOVE_ATTACHMENT_MAX_MIB`, default 10). The name and type the sender claims are
//! never trusted. Both the description (file name, type, size) and the bytes are sealed with
//! the client's data key as `DocKind::MessageAttachment` / `MessageAttachmentContent`
//! documents keyed by the attachment id, so erasing the client shreds them with the messages.
//! Only the thread's participants download them, each download audited.

use alcove_domain::{ClientId, MessageId, ThreadId, UserId};
use alcove_store::{DocKind, Owner};
use axum::body::Bytes;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::services::DocError;
use crate::state::AppState;

/// What a file is, decided from its bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Pdf,
    Png,
    Jpeg,
    Text,
}

impl FileKind {
    /// PDF, PNG and JPEG by their signatures; anything else with a known signature (an
    /// executable, an archive, HTML is not text here only if it has one) is refused; what has
    /// none is text if it is UTF-8 without control characters other than tab, line breaks and
    /// form feed.
    pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
        match infer::get(bytes).map(|t| t.mime_type()) {
            Some("application/pdf") => Some(FileKind::Pdf),
            Some("image/png") => Some(FileKind::Png),
            Some("image/jpeg") => Some(FileKind::Jpeg),
            Some(_) => None,
            None if is_plain_text(bytes) => Some(FileKind::Text),
            None => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Text => "text/plain; charset=utf-8",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Png => "png",
            FileKind::Jpeg => "jpg",
            FileKind::Text => "txt",
        }
    }
}

fn is_plain_text(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok()
        && !bytes
            .iter()
            .any(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)) || b == 0x7f)
}

/// Why a file was refused. Nothing is stored when any of these happens.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {size} bytes; the limit is {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("only PDF, PNG, JPEG and plain-text files can be attached")]
    NotAllowed,
}

impl AttachmentError {
    /// The contract's error code.
    pub fn code(&self) -> &'static str {
        match self {
            AttachmentError::Empty => "attachment_empty",
            AttachmentError::TooLarge { .. } => "attachment_too_large",
            AttachmentError::NotAllowed => "attachment_type_not_allowed",
        }
    }
}

/// A size in MiB for people, e.g. 10 or 12.4.
pub fn mib(bytes: usize) -> String {
    let m = bytes as f64 / (1024.0 * 1024.0);
    if (m - m.round()).abs() < 0.05 {
        format!("{}", m.round() as u64)
    } else {
        format!("{m:.1}")
    }
}

/// A file that passed the checks, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub file_name: String,
    pub kind: FileKind,
    pub bytes: Bytes,
}

/// Checks a file: not empty, within `limit` bytes, and of an allowed type by its content.
pub fn check(file_name: &str, bytes: Bytes, limit: usize) -> Result<Checked, AttachmentError> {
    if bytes.is_empty() {
        return Err(AttachmentError::Empty);
    }
    if bytes.len() > limit {
        return Err(AttachmentError::TooLarge {
            size: bytes.len(),
            limit,
        });
    }
    let kind = FileKind::sniff(&bytes).ok_or(AttachmentError::NotAllowed)?;
    Ok(Checked {
        file_name: clean_name(file_name, kind),
        kind,
        bytes,
    })
}

/// The last part of the name the browser sent, without control characters, at most 120
/// characters; a name that says nothing becomes `attachment.<ext>`.
fn clean_name(raw: &str, kind: FileKind) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let name: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    let name = name.trim().trim_start_matches('.').to_owned();
    if name.is_empty() {
        format!("attachment.{}", kind.extension())
    } else {
        name
    }
}

/// The description of a stored attachment.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AttachmentInfo {
    pub id: String,
    pub message_id: MessageId,
    pub thread_id: ThreadId,
    pub file_name: String,
    pub kind: FileKind,
    pub size: u64,
}

/// Stores the file's bytes, then its description, sealed with the client's key. Called before
/// the message itself is stored, so a message never names a missing file.
pub async fn store(
    state: &AppState,
    client: ClientId,
    thread: ThreadId,
    message: MessageId,
    file: &Checked,
    author: UserId,
) -> Result<AttachmentInfo, DocError> {
    let id = uuid::Uuid::new_v4().to_string();
    state
        .docs
        .save_bytes(
            DocKind::MessageAttachmentContent,
            Owner::Client(client),
            &id,
            0,
            &file.bytes,
            Some(author),
        )
        .await?;
    let info = AttachmentInfo {
        id: id.clone(),
        message_id: message,
        thread_id: thread,
        file_name: file.file_name.clone(),
        kind: file.kind,
        size: file.bytes.len() as u64,
    };
    state
        .docs
        .save(
            DocKind::MessageAttachment,
            Owner::Client(client),
            &id,
            0,
            &info,
            Some(author),
        )
        .await?;
    Ok(info)
}

/// The attachments of a thread (descriptions only), oldest message first.
pub async fn of_thread(
    state: &AppState,
    client: ClientId,
    thread: ThreadId,
) -> Result<Vec<AttachmentInfo>, DocError> {
    Ok(state
        .docs
        .all::<AttachmentInfo>(DocKind::MessageAttachment, Some(Owner::Client(client)))
        .await?
        .into_iter()
        .map(|v| v.value)
        .filter(|a| a.thread_id == thread)
        .collect())
}

/// One attachment of this thread, with its bytes; `None` if there is no such attachment in
/// this thread (a participant of another thread learns nothing).
pub async fn fetch(
    state: &AppState,
    client: ClientId,
    thread: ThreadId,
    id: &str,
) -> Result<Option<(AttachmentInfo, Vec<u8>)>, DocError> {
    if uuid::Uuid::parse_str(id).is_err() {
        return Ok(None);
    }
    let Some(info) = state
        .docs
        .latest::<AttachmentInfo>(DocKind::MessageAttachment, Owner::Client(client), id)
        .await?
        .map(|v| v.value)
        .filter(|a| a.thread_id == thread)
    else {
        return Ok(None);
    };
    let Some(bytes) = state
        .docs
        .latest_bytes(DocKind::MessageAttachmentContent, Owner::Client(client), id)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some((info, bytes.value)))
}

/// The download: always as an attachment (never shown inline by the browser), with the type
/// the content was found to be and a file name safe for the header.
pub fn download(info: &AttachmentInfo, bytes: Vec<u8>) -> Response {
    let ascii: String = info
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(info.kind.content_type()),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// The attachments of one message, for the templates that list messages.
pub fn of_message<'a>(
    all: &'a [AttachmentInfo],
    m: &super::PlainMessage,
) -> Vec<&'a AttachmentInfo> {
    all.iter().filter(|a| a.message_id == m.id).collect()
}

/// "12 KiB" or "1.5 MiB", in the reader's language.
pub fn size_label(c: &crate::pages::Chrome, a: &AttachmentInfo) -> String {
    let kib = a.size.div_ceil(1024);
    if kib < 1024 {
        c.t1("attachment-size-kib", "size", kib)
    } else {
        c.t1("attachment-size-mib", "size", mib(a.size as usize))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_typed_by_their_content_not_their_name() {
        let pdf = Bytes::from_static(b"%PDF-1.7\n1 0 obj\n");
        assert_eq!(check("notes.txt", pdf, 100).unwrap().kind, FileKind::Pdf);
        let png = Bytes::from_static(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
        assert_eq!(check("a.pdf", png, 100).unwrap().kind, FileKind::Png);
        let jpeg = Bytes::from_static(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F']);
        assert_eq!(check("x", jpeg, 100).unwrap().kind, FileKind::Jpeg);
        let text = Bytes::from_static("Mi diario — semana 3\r\n\tbien\n".as_bytes());
        assert_eq!(check("d.txt", text, 100).unwrap().kind, FileKind::Text);
    }

    #[test]
    fn executables_archives_binary_and_oversized_files_are_refused() {
        let exe = Bytes::from_static(b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff");
        assert_eq!(
            check("photo.png", exe, 100),
            Err(AttachmentError::NotAllowed)
        );
        let zip = Bytes::from_static(b"PK\x03\x04\x14\0\0\0");
        assert_eq!(check("a.pdf", zip, 100), Err(AttachmentError::NotAllowed));
        let elf = Bytes::from_static(b"\x7fELF\x02\x01\x01\0");
        assert_eq!(check("a.txt", elf, 100), Err(AttachmentError::NotAllowed));
        let binary = Bytes::from_static(b"hello\0world");
        assert_eq!(
            check("a.txt", binary, 100),
            Err(AttachmentError::NotAllowed)
        );
        let latin1 = Bytes::from_static(b"caf\xe9");
        assert_eq!(
            check("a.txt", latin1, 100),
            Err(AttachmentError::NotAllowed)
        );
        assert_eq!(
            check("a.txt", Bytes::new(), 100).map(|c| c.kind),
            Err(AttachmentError::Empty)
        );
        assert_eq!(
            check("a.txt", Bytes::from(vec![b'a'; 101]), 100).map(|c| c.kind),
            Err(AttachmentError::TooLarge {
                size: 101,
                limit: 100
            })
        );
        assert!(check("a.txt", Bytes::from(vec![b'a'; 100]), 100).is_ok());
    }

    #[test]
    fn names_lose_their_path_and_control_characters() {
        let t = Bytes::from_static(b"hi");
        assert_eq!(
            check("C:\\Users\\me\\plan.txt", t.clone(), 10)
                .unwrap()
                .file_name,
            "plan.txt"
        );
        assert_eq!(
            check("../../etc/pa\u{7}sswd", t.clone(), 10)
                .unwrap()
                .file_name,
            "passwd"
        );
        assert_eq!(check("", t, 10).unwrap().file_name, "attachment.txt");
        assert_eq!(mib(10 * 1024 * 1024), "10");
        assert_eq!(mib(13 * 1024 * 1024 / 10 * 10 + 500_000), "13.5");
    }
}
