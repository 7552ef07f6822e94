//! A PDF of exactly what was signed (issue 5, part 7: "the client can download a PDF of
//! exactly what they signed"): the title and text of the signed version, then the evidence —
//! who signed (the typed name and as whom), when, how, which version and its content hash, and
//! how anyone can recompute that hash from the text above it.
//!
//! Written with `lopdf` in the standard Helvetica font (WinAnsi encoding, nothing embedded),
//! laid out line by line with Helvetica's published character widths. Characters outside
//! WinAnsi print as `?`; the hash and the evidence are ASCII.

use alcove_domain::consent::{ConsentDocument, ConsentKind, Signature, SignerRole};
use alcove_domain::ClientId;
use alcove_store::{DocKind, Owner};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Encoding, Object, Stream};

use super::{signature_key, signed_document};
use crate::auth::extract::ClientActor;
use crate::error::PageError;
use crate::pages::Chrome;
use crate::services::audit_log::By;
use crate::services::Version;
use crate::state::AppState;

const PAGE_W: f32 = 612.0;
const PAGE_H: f32 = 792.0;
const MARGIN: f32 = 64.0;
const BODY: f32 = 10.5;
const LEADING: f32 = 14.0;

/// Helvetica's advance widths (per 1000 em) for ASCII 32..=126, from its AFM.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

fn width(s: &str, size: f32, bold: bool) -> f32 {
    let em: u32 = s
        .chars()
        .map(|c| match c as u32 {
            32..=126 => u32::from(HELVETICA[(c as u32 - 32) as usize]),
            _ => 556,
        })
        .sum();
    // Helvetica-Bold is a little wider; this keeps bold lines inside the margin.
    em as f32 * size / 1000.0 * if bold { 1.08 } else { 1.0 }
}

/// Splits a paragraph into lines that fit `max` points.
fn wrap(text: &str, size: f32, bold: bool, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate, size, bold) <= max || line.is_empty() {
            line = candidate;
        } else {
            lines.push(std::mem::take(&mut line));
            line = word.to_owned();
        }
        // A single word longer than the line (a long URL) is cut.
        while width(&line, size, bold) > max && line.chars().count() > 1 {
            let mut cut = String::new();
            let mut rest = line.chars().peekable();
            while let Some(c) = rest.peek() {
                let mut next = cut.clone();
                next.push(*c);
                if width(&next, size, bold) > max && !cut.is_empty() {
                    break;
                }
                cut = next;
                rest.next();
            }
            lines.push(cut);
            line = rest.collect();
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn win_ansi(text: &str) -> Vec<u8> {
    let enc = Encoding::SimpleEncoding(b"WinAnsiEncoding");
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        let b = Document::encode_text(&enc, c.encode_utf8(&mut [0; 4]));
        if b.is_empty() {
            out.push(b'?');
        } else {
            out.extend(b);
        }
    }
    out
}

/// One line of the copy.
#[derive(Clone, Debug)]
enum Line {
    Text { text: String, size: f32, bold: bool },
    Gap(f32),
}

/// The words around the document, in the reader's language.
pub struct Labels {
    pub practice: String,
    /// "Version 2 — consent to online therapy".
    pub version_line: String,
    pub record_heading: String,
    /// (label, value) rows of the evidence.
    pub evidence: Vec<(String, String)>,
    pub hash_label: String,
    pub how_to_check: String,
}

/// The signed copy as PDF bytes.
pub fn signed_copy(doc: &ConsentDocument, labels: &Labels) -> Result<Vec<u8>, lopdf::Error> {
    let max = PAGE_W - 2.0 * MARGIN;
    let mut lines: Vec<Line> = Vec::new();
    let para = |text: &str, size: f32, bold: bool, lines: &mut Vec<Line>| {
        for l in wrap(text, size, bold, max) {
            lines.push(Line::Text {
                text: l,
                size,
                bold,
            });
        }
    };
    para(&labels.practice, BODY, false, &mut lines);
    lines.push(Line::Gap(6.0));
    para(&doc.title, 16.0, true, &mut lines);
    para(&labels.version_line, BODY, false, &mut lines);
    lines.push(Line::Gap(10.0));
    for raw in doc.body.lines() {
        let t = raw.trim_end();
        if t.trim().is_empty() {
            lines.push(Line::Gap(6.0));
        } else if let Some(h) = t.strip_prefix("### ").or_else(|| t.strip_prefix("## ")) {
            lines.push(Line::Gap(4.0));
            para(h, 11.5, true, &mut lines);
        } else if let Some(h) = t.strip_prefix("# ") {
            lines.push(Line::Gap(6.0));
            para(h, 13.0, true, &mut lines);
        } else if let Some(item) = t.trim_start().strip_prefix("- ") {
            para(&format!("\u{2022} {item}"), BODY, false, &mut lines);
        } else {
            para(t, BODY, false, &mut lines);
        }
    }
    lines.push(Line::Gap(18.0));
    para(&labels.record_heading, 13.0, true, &mut lines);
    lines.push(Line::Gap(4.0));
    for (k, v) in &labels.evidence {
        para(&format!("{k}: {v}"), BODY, false, &mut lines);
    }
    lines.push(Line::Gap(4.0));
    para(&labels.hash_label, BODY, true, &mut lines);
    para(&doc.content_hash.to_string(), BODY, false, &mut lines);
    lines.push(Line::Gap(4.0));
    para(&labels.how_to_check, 9.0, false, &mut lines);

    // Pages: fill from the top, a new page when the next line would cross the bottom margin.
    let mut pages: Vec<Vec<Operation>> = Vec::new();
    let mut ops: Vec<Operation> = Vec::new();
    let mut y = PAGE_H - MARGIN;
    for line in lines {
        let need = match &line {
            Line::Text { size, .. } => (*size).max(LEADING - 3.5) + 3.5,
            Line::Gap(g) => *g,
        };
        if y - need < MARGIN {
            pages.push(std::mem::take(&mut ops));
            y = PAGE_H - MARGIN;
            if matches!(line, Line::Gap(_)) {
                continue;
            }
        }
        match line {
            Line::Gap(g) => y -= g,
            Line::Text { text, size, bold } => {
                y -= need;
                ops.extend([
                    Operation::new("BT", vec![]),
                    Operation::new(
                        "Tf",
                        vec![if bold { "F2" } else { "F1" }.into(), size.into()],
                    ),
                    Operation::new("Td", vec![MARGIN.into(), y.into()]),
                    Operation::new("Tj", vec![Object::string_literal(win_ansi(&text))]),
                    Operation::new("ET", vec![]),
                ]);
            }
        }
    }
    if !ops.is_empty() || pages.is_empty() {
        pages.push(ops);
    }

    let mut pdf = Document::with_version("1.7");
    let pages_id = pdf.new_object_id();
    let regular = pdf.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let bold = pdf.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica-Bold",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources = pdf.add_object(dictionary! {
        "Font" => dictionary! { "F1" => regular, "F2" => bold },
    });
    let mut kids: Vec<Object> = Vec::new();
    for page_ops in pages {
        let content = Content {
            operations: page_ops,
        };
        let content_id = pdf.add_object(Stream::new(dictionary! {}, content.encode()?));
        let page = pdf.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        });
        kids.push(page.into());
    }
    let count = kids.len() as i64;
    pdf.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), PAGE_W.into(), PAGE_H.into()],
        }),
    );
    let info = pdf.add_object(dictionary! {
        "Title" => Object::string_literal(win_ansi(&doc.title)),
        "Producer" => Object::string_literal("Alcove"),
    });
    let catalog = pdf.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
    });
    pdf.trailer.set("Root", catalog);
    pdf.trailer.set("Info", info);
    pdf.compress();
    let mut out = Vec::new();
    pdf.save_to(&mut out)?;
    Ok(out)
}

fn role_label(c: &Chrome, role: SignerRole) -> String {
    match role {
        SignerRole::Client => c.t("pdf-role-client"),
        SignerRole::Guardian => c.t("pdf-role-guardian"),
    }
}

fn kind_label(c: &Chrome, kind: ConsentKind) -> String {
    c.t(match kind {
        ConsentKind::TelehealthInformedConsent => "consent-kind-telehealth",
        ConsentKind::PrivacyNoticeAcknowledgment => "consent-kind-privacy",
        ConsentKind::ReleaseOfInformation => "consent-kind-release",
    })
}

/// The labels for one signature, in the reader's language. `account` names the portal
/// account that signed, when there is one (a guardian signs through an emailed link).
pub fn labels(
    c: &Chrome,
    practice: &str,
    doc: &ConsentDocument,
    sig: &Signature,
    account: Option<&str>,
) -> Labels {
    let mut evidence = vec![
        (
            c.t("pdf-signed-by"),
            format!("{} ({})", sig.signer_name, role_label(c, sig.role)),
        ),
        (
            c.t("pdf-signed-at"),
            sig.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        ),
        (
            c.t("pdf-method"),
            match sig.method {
                alcove_domain::consent::SignatureMethod::TypedNameAndCheckbox => {
                    c.t("pdf-method-typed")
                }
            },
        ),
        (
            c.t("pdf-document"),
            format!("{} ({})", doc.kind.as_str(), doc.version),
        ),
    ];
    match account {
        Some(a) => evidence.insert(1, (c.t("pdf-account"), a.to_owned())),
        None => evidence.insert(1, (c.t("pdf-account"), c.t("pdf-account-link"))),
    }
    Labels {
        practice: practice.to_owned(),
        version_line: format!(
            "{} \u{2014} {}",
            c.t1("pdf-version", "version", doc.version),
            kind_label(c, doc.kind)
        ),
        record_heading: c.t("pdf-record-heading"),
        evidence,
        hash_label: c.t("pdf-hash"),
        how_to_check: c.t1("pdf-how-to-check", "kind", doc.kind.as_str()),
    }
}

/// The PDF response: a download, never cached.
pub fn pdf_response(bytes: Vec<u8>, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// Renders `sig` over the exact text it was given to, or 404 if that text is not kept.
pub async fn render_signature(
    state: &AppState,
    c: &Chrome,
    sig: &Signature,
    account: Option<&str>,
) -> Result<Vec<u8>, PageError> {
    let doc = signed_document(state, sig)
        .await?
        .ok_or_else(PageError::not_found)?;
    let l = labels(c, &state.config.practice_name, &doc, sig, account);
    signed_copy(&doc, &l).map_err(|e| {
        tracing::error!(error = %e, "consent PDF could not be written");
        PageError::internal()
    })
}

/// Finds signature number `n` of a signer's history for `kind`: `"3"` is the client's third
/// signature, `"guardian-1"` a guardian's first.
pub async fn find_signature(
    state: &AppState,
    client: ClientId,
    kind: ConsentKind,
    which: &str,
) -> Result<Version<Signature>, PageError> {
    let (role, n) = match which.strip_prefix("guardian-") {
        Some(n) => (SignerRole::Guardian, n),
        None => (SignerRole::Client, which),
    };
    let n: i64 = n.parse().map_err(|_| PageError::not_found())?;
    let history: Vec<Version<Signature>> = state
        .docs
        .history(
            DocKind::ConsentSignature,
            Owner::Client(client),
            &signature_key(kind, role),
        )
        .await?;
    history
        .into_iter()
        .find(|v| v.version == n)
        .ok_or_else(PageError::not_found)
}

/// `GET /me/consents/{kind}/{signature}/pdf`: the client's copy of one signature (theirs, or
/// a guardian's on their behalf). Audited as `consent.pdf_downloaded`.
pub async fn client_copy(
    ClientActor(who): ClientActor,
    c: Chrome,
    State(state): State<AppState>,
    Path((kind, which)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let kind: ConsentKind = kind.parse().map_err(|_| PageError::not_found())?;
    let client = state
        .store
        .client_by_user(who.user_id)
        .await?
        .ok_or_else(PageError::not_found)?
        .id;
    let v = find_signature(&state, client, kind, &which).await?;
    let account = match v.value.role {
        SignerRole::Client => {
            let user = state.store.user_by_id(who.user_id).await?;
            Some(format!("{} <{}>", user.name, user.email.as_str()))
        }
        SignerRole::Guardian => None,
    };
    let bytes = render_signature(&state, &c, &v.value, account.as_deref()).await?;
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            "consent.pdf_downloaded",
            Some(client),
            &format!(
                "consent:{}:v{}:{}",
                kind.as_str(),
                v.value.version,
                v.value.content_hash
            ),
        )
        .await?;
    Ok(pdf_response(
        bytes,
        &format!("{}-v{}-signed.pdf", kind.as_str(), v.value.version),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_wraps_inside_the_margins() {
        let max = PAGE_W - 2.0 * MARGIN;
        let text = "word ".repeat(200);
        let lines = wrap(&text, BODY, false, max);
        assert!(lines.len() > 5);
        assert!(lines.iter().all(|l| width(l, BODY, false) <= max));
        let url = "x".repeat(400);
        assert!(wrap(&url, BODY, false, max)
            .iter()
            .all(|l| width(l, BODY, false) <= max));
        assert_eq!(win_ansi("café — ✓"), b"caf\xe9 \x97 ?".to_vec());
    }
}
