//! File uploads from plain HTML forms (`enctype="multipart/form-data"`), with no JavaScript.
//!
//! The CSRF middleware (`security::csrf`) reads the whole body of a multipart request, up to
//! the route's own limit (`RouteTable::post_upload`), parses it here, checks the `csrf` field
//! like any form's, and hands the parsed form to the handler as a request extension. The
//! [`MultipartForm`] extractor only ever finds a form whose token was checked, so an upload
//! handler cannot forget CSRF; and every route not registered as an upload refuses multipart.

use axum::body::Bytes;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;

use crate::error::PageError;

/// One uploaded file as the browser sent it. The name and type the browser gives are not
/// trusted: a handler decides what the bytes are from the bytes.
#[derive(Clone, Debug)]
pub struct FilePart {
    pub field: String,
    pub file_name: String,
    pub bytes: Bytes,
}

/// A parsed multipart form whose CSRF token has been checked.
#[derive(Clone, Debug, Default)]
pub struct MultipartForm {
    pub fields: Vec<(String, String)>,
    pub files: Vec<FilePart>,
}

impl MultipartForm {
    /// The first text field of this name, or "" (an absent field reads like an empty one).
    pub fn text(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The file chosen in this field, if any: browsers send an empty part with an empty file
    /// name when nothing was chosen, which is no file.
    pub fn file(&self, name: &str) -> Option<&FilePart> {
        self.files
            .iter()
            .find(|f| f.field == name && !(f.file_name.is_empty() && f.bytes.is_empty()))
    }
}

/// Why a multipart body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum MultipartError {
    #[error("no boundary in the content type")]
    NoBoundary,
    #[error("malformed multipart body: {0}")]
    Malformed(String),
    #[error("a text field is not UTF-8")]
    NotText,
}

/// Parses a whole multipart body already in memory.
pub async fn parse(content_type: &str, body: Bytes) -> Result<MultipartForm, MultipartError> {
    let boundary = multer::parse_boundary(content_type).map_err(|_| MultipartError::NoBoundary)?;
    let stream = futures::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut mp = multer::Multipart::new(stream, boundary);
    let mut form = MultipartForm::default();
    let bad = |e: multer::Error| MultipartError::Malformed(e.to_string());
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = field.bytes().await.map_err(bad)?;
        match file_name {
            Some(file_name) => form.files.push(FilePart {
                field: name,
                file_name,
                bytes,
            }),
            None => {
                let text =
                    String::from_utf8(bytes.to_vec()).map_err(|_| MultipartError::NotText)?;
                form.fields.push((name, text));
            }
        }
    }
    Ok(form)
}

impl<S: Send + Sync> FromRequestParts<S> for MultipartForm {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, PageError> {
        parts
            .extensions
            .remove::<MultipartForm>()
            .ok_or_else(|| PageError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "error-bad-request"))
    }
}
