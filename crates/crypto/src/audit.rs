//! The audit log's hash chain: each event's hash covers the previous event's hash and every
//! field of the event, so changing, removing, inserting or reordering any event breaks the chain.
//!
//! A chain alone can be rewritten end to end by whoever can write the database, so every
//! 1,000 events (and at shutdown) the head is signed with an Ed25519 key kept apart from
//! the database (DESIGN.md, "Audit log"). [`ChainVerifier`] recomputes the chain and
//! checks every signed checkpoint against it.

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::CryptoError;

/// The `prev_hash` of the first event.
pub const GENESIS: [u8; 32] = [0u8; 32];

/// The fields of an event that the chain covers, borrowed from whatever holds them.
#[derive(Clone, Copy, Debug)]
pub struct EventFields<'a> {
    pub seq: i64,
    pub at_ms: i64,
    pub actor_id: Option<Uuid>,
    pub actor_role: &'a str,
    pub action: &'a str,
    pub client_id: Option<Uuid>,
    pub object: &'a str,
}

/// SHA-256 over a domain-separation tag, the previous hash, and an unambiguous
/// (length-prefixed) encoding of the event.
pub fn chain_hash(prev: &[u8], e: &EventFields<'_>) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"alcove-audit-v1\0");
    h.update((prev.len() as u32).to_be_bytes());
    h.update(prev);
    h.update(e.seq.to_be_bytes());
    h.update(e.at_ms.to_be_bytes());
    put_opt_uuid(&mut h, e.actor_id);
    put_str(&mut h, e.actor_role);
    put_str(&mut h, e.action);
    put_opt_uuid(&mut h, e.client_id);
    put_str(&mut h, e.object);
    h.finalize().into()
}

fn put_str(h: &mut Sha256, s: &str) {
    h.update((s.len() as u32).to_be_bytes());
    h.update(s.as_bytes());
}

fn put_opt_uuid(h: &mut Sha256, u: Option<Uuid>) {
    match u {
        None => h.update([0u8]),
        Some(u) => {
            h.update([1u8]);
            h.update(u.as_bytes());
        }
    }
}

/// Domain tag of the signed checkpoint message.
const CHECKPOINT_TAG: &[u8] = b"alcove-audit-checkpoint-v1";

/// `"alcove-audit-checkpoint-v1" || seq (8 bytes, big-endian) || head hash`. The tag and
/// seq are fixed-length, so the encoding is unambiguous.
fn checkpoint_message(seq: i64, head_hash: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(CHECKPOINT_TAG.len() + 8 + head_hash.len());
    m.extend_from_slice(CHECKPOINT_TAG);
    m.extend_from_slice(&seq.to_be_bytes());
    m.extend_from_slice(head_hash);
    m
}

/// The Ed25519 key that signs checkpoints. Kept outside the database so that someone who
/// can rewrite the log cannot re-sign it. Wiped on drop; `Debug` hides it.
pub struct CheckpointSigner(SigningKey);

impl std::fmt::Debug for CheckpointSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CheckpointSigner(..)")
    }
}

impl CheckpointSigner {
    pub fn generate() -> Self {
        CheckpointSigner(SigningKey::generate(&mut OsRng))
    }

    /// A PKCS#8 PEM Ed25519 private key (`-----BEGIN PRIVATE KEY-----`), as written by
    /// [`to_pkcs8_pem`](Self::to_pkcs8_pem) or `openssl genpkey -algorithm ed25519`.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, CryptoError> {
        SigningKey::from_pkcs8_pem(pem.trim())
            .map(CheckpointSigner)
            .map_err(|_| {
                CryptoError::BadKey(
                    "the audit signing key is not an Ed25519 private key in PKCS#8 PEM".into(),
                )
            })
    }

    /// PKCS#8 PEM with LF line endings. This is the private key: write it 0600.
    pub fn to_pkcs8_pem(&self) -> String {
        self.0
            .to_pkcs8_pem(LineEnding::LF)
            // Encoding a valid 32-byte key cannot fail.
            .expect("PKCS#8 encoding of an Ed25519 key")
            .to_string()
    }

    pub fn verifying_key(&self) -> CheckpointVerifier {
        CheckpointVerifier(self.0.verifying_key())
    }

    /// Signs `"alcove-audit-checkpoint-v1" || seq (big-endian) || head_hash`; 64 bytes.
    pub fn sign(&self, seq: i64, head_hash: &[u8]) -> Vec<u8> {
        self.0
            .sign(&checkpoint_message(seq, head_hash))
            .to_bytes()
            .to_vec()
    }
}

/// The public half, which is all `alcove audit verify` needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckpointVerifier(VerifyingKey);

impl CheckpointVerifier {
    /// Strict verification (RFC 8032 checks plus rejection of small-order keys and
    /// non-canonical signatures), so one checkpoint has exactly one valid signature.
    pub fn verify(&self, seq: i64, head_hash: &[u8], sig: &[u8]) -> bool {
        let Ok(sig) = Signature::from_slice(sig) else {
            return false;
        };
        self.0
            .verify_strict(&checkpoint_message(seq, head_hash), &sig)
            .is_ok()
    }

    /// SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`).
    pub fn to_public_pem(&self) -> String {
        self.0
            .to_public_key_pem(LineEnding::LF)
            .expect("SPKI encoding of an Ed25519 key")
    }

    pub fn from_public_pem(pem: &str) -> Result<Self, CryptoError> {
        let key = VerifyingKey::from_public_key_pem(pem.trim()).map_err(|_| {
            CryptoError::BadKey(
                "the audit verifying key is not an Ed25519 public key in PEM".into(),
            )
        })?;
        if key.is_weak() {
            return Err(CryptoError::BadKey(
                "the audit verifying key is a small-order point, which verifies forgeries".into(),
            ));
        }
        Ok(CheckpointVerifier(key))
    }
}

/// One stored event as the verifier sees it.
#[derive(Clone, Copy, Debug)]
pub struct StoredEvent<'a> {
    pub fields: EventFields<'a>,
    pub prev_hash: &'a [u8],
    pub hash: &'a [u8],
}

/// One stored checkpoint: the signed chain head at event `seq`.
#[derive(Clone, Copy, Debug)]
pub struct StoredCheckpoint<'a> {
    pub seq: i64,
    pub hash: &'a [u8],
    pub signature: &'a [u8],
}

/// What a successful verification covered.
#[derive(Debug, PartialEq, Eq, Clone)]
pub struct VerifyReport {
    pub events: u64,
    pub checkpoints: u64,
}

/// The first place where the log is not what was written.
#[derive(Debug, PartialEq, Eq, Clone, thiserror::Error)]
pub enum ChainBreak {
    /// An event is missing, inserted with a duplicate number, or out of order. `seq` is the
    /// number found, `expected` the one due.
    #[error("event {seq}: sequence gap (expected {expected})")]
    Gap { seq: i64, expected: i64 },
    #[error("event {seq}: does not link to the previous event")]
    BadLink { seq: i64 },
    #[error("event {seq}: contents do not match its hash")]
    BadHash { seq: i64 },
    #[error("checkpoint at event {seq}: signature is not valid")]
    BadSignature { seq: i64 },
    /// The chain was recomputed after a change (or a checkpoint names a seq below 1).
    #[error("checkpoint at event {seq}: the chain there does not match the signed head")]
    CheckpointMismatch { seq: i64 },
    #[error(
        "checkpoint at event {seq}: the log ends at {last} (events after {last} were removed)"
    )]
    Truncated { seq: i64, last: i64 },
    /// Only with [`ChainVerifier::require_checkpoint_every`]: a run of more than `max`
    /// events has no signed checkpoint, so checkpoints were removed (or never written).
    #[error("event {seq}: more than {max} events without a signed checkpoint (checkpoints were removed?)")]
    MissingCheckpoint { seq: i64, max: i64 },
}

impl ChainBreak {
    /// The first sequence number at which the log is wrong. For a gap that is the lower
    /// of the number found and the number due: a deleted event 500 shows as event 501
    /// arriving when 500 was due, and 500 is what is missing.
    pub fn seq(&self) -> i64 {
        match *self {
            ChainBreak::Gap { seq, expected } => seq.min(expected),
            ChainBreak::BadLink { seq }
            | ChainBreak::BadHash { seq }
            | ChainBreak::BadSignature { seq }
            | ChainBreak::CheckpointMismatch { seq }
            | ChainBreak::Truncated { seq, .. }
            | ChainBreak::MissingCheckpoint { seq, .. } => seq,
        }
    }
}

/// Streaming verifier, so millions of events can be checked in batches without holding
/// them all. Feed events in seq order starting at 1, then call [`finish`](Self::finish).
/// After the first break every call returns that same break.
pub struct ChainVerifier {
    verifier: CheckpointVerifier,
    /// (seq, hash, signature), sorted by seq.
    checkpoints: Vec<(i64, Vec<u8>, Vec<u8>)>,
    next_checkpoint: usize,
    expected: i64,
    prev: [u8; 32],
    events: u64,
    checkpoints_met: u64,
    last_checkpoint_seq: i64,
    max_gap: Option<i64>,
    broken: Option<ChainBreak>,
}

impl ChainVerifier {
    /// `checkpoints` are (seq, hash, signature) in any order.
    pub fn new(
        verifier: CheckpointVerifier,
        mut checkpoints: Vec<(i64, Vec<u8>, Vec<u8>)>,
    ) -> Self {
        checkpoints.sort_by_key(|c| c.0);
        ChainVerifier {
            verifier,
            checkpoints,
            next_checkpoint: 0,
            expected: 1,
            prev: GENESIS,
            events: 0,
            checkpoints_met: 0,
            last_checkpoint_seq: 0,
            max_gap: None,
            broken: None,
        }
    }

    pub fn with_checkpoints<'a>(
        verifier: CheckpointVerifier,
        checkpoints: impl IntoIterator<Item = StoredCheckpoint<'a>>,
    ) -> Self {
        let owned = checkpoints
            .into_iter()
            .map(|c| (c.seq, c.hash.to_vec(), c.signature.to_vec()))
            .collect();
        Self::new(verifier, owned)
    }

    /// Also require a signed checkpoint at least every `max` events (the app writes one
    /// every 1,000 and at shutdown). Without this, deleting checkpoint rows together with
    /// the events after them cannot be told from a log that simply ends there.
    pub fn require_checkpoint_every(mut self, max: i64) -> Self {
        self.max_gap = Some(max.max(1));
        self
    }

    pub fn push(&mut self, e: &StoredEvent) -> Result<(), ChainBreak> {
        if let Some(b) = &self.broken {
            return Err(b.clone());
        }
        let r = self.check(e);
        if let Err(b) = &r {
            self.broken = Some(b.clone());
        }
        r
    }

    fn check(&mut self, e: &StoredEvent) -> Result<(), ChainBreak> {
        let seq = e.fields.seq;
        if seq != self.expected {
            return Err(ChainBreak::Gap {
                seq,
                expected: self.expected,
            });
        }
        if e.prev_hash != self.prev {
            return Err(ChainBreak::BadLink { seq });
        }
        let hash = chain_hash(&self.prev, &e.fields);
        if e.hash != hash {
            return Err(ChainBreak::BadHash { seq });
        }
        while let Some((cp_seq, cp_hash, cp_sig)) = self.checkpoints.get(self.next_checkpoint) {
            if *cp_seq > seq {
                break;
            }
            if !self.verifier.verify(*cp_seq, cp_hash, cp_sig) {
                return Err(ChainBreak::BadSignature { seq: *cp_seq });
            }
            // `*cp_seq < seq` only for a checkpoint numbered below 1, which no event meets.
            if *cp_seq != seq || cp_hash[..] != hash {
                return Err(ChainBreak::CheckpointMismatch { seq: *cp_seq });
            }
            self.next_checkpoint += 1;
            self.checkpoints_met += 1;
            self.last_checkpoint_seq = seq;
        }
        if let Some(max) = self.max_gap {
            if seq - self.last_checkpoint_seq > max {
                return Err(ChainBreak::MissingCheckpoint { seq, max });
            }
        }
        self.prev = hash;
        self.expected = seq + 1;
        self.events += 1;
        Ok(())
    }

    /// Every checkpoint must have been met: one beyond the last event means the tail was
    /// removed (`Truncated`), unless its signature is invalid (`BadSignature`).
    pub fn finish(self) -> Result<VerifyReport, ChainBreak> {
        if let Some(b) = self.broken {
            return Err(b);
        }
        if let Some((seq, hash, sig)) = self.checkpoints.get(self.next_checkpoint) {
            let seq = *seq;
            if !self.verifier.verify(seq, hash, sig) {
                return Err(ChainBreak::BadSignature { seq });
            }
            if seq < 1 {
                return Err(ChainBreak::CheckpointMismatch { seq });
            }
            return Err(ChainBreak::Truncated {
                seq,
                last: self.expected - 1,
            });
        }
        Ok(VerifyReport {
            events: self.events,
            checkpoints: self.checkpoints_met,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    /// An event as a store would hold it.
    #[derive(Clone, Debug)]
    struct Row {
        seq: i64,
        at_ms: i64,
        actor_id: Option<Uuid>,
        actor_role: String,
        action: String,
        client_id: Option<Uuid>,
        object: String,
        prev_hash: Vec<u8>,
        hash: Vec<u8>,
    }

    impl Row {
        fn fields(&self) -> EventFields<'_> {
            EventFields {
                seq: self.seq,
                at_ms: self.at_ms,
                actor_id: self.actor_id,
                actor_role: &self.actor_role,
                action: &self.action,
                client_id: self.client_id,
                object: &self.object,
            }
        }

        fn stored(&self) -> StoredEvent<'_> {
            StoredEvent {
                fields: self.fields(),
                prev_hash: &self.prev_hash,
                hash: &self.hash,
            }
        }
    }

    fn event(seq: i64) -> Row {
        Row {
            seq,
            at_ms: 1_700_000_000_000 + seq * 1_000,
            actor_id: Some(Uuid::from_u128(0xC11 + (seq % 7) as u128)),
            actor_role: ["clinician", "supervisor", "client"][seq as usize % 3].into(),
            action: ["note.view", "message.send", "record.export"][seq as usize % 3].into(),
            client_id: (seq % 5 != 0).then(|| Uuid::from_u128(0xC1 + (seq % 11) as u128)),
            object: format!("notes/{seq:08}"),
            prev_hash: vec![],
            hash: vec![],
        }
    }

    /// Recomputes links and hashes from `from` (a 0-based index) onwards, renumbering
    /// seqs: what someone with write access to the table would do to hide a change.
    fn rechain(rows: &mut [Row], from: usize) {
        for i in from..rows.len() {
            rows[i].seq = i as i64 + 1;
            rows[i].prev_hash = if i == 0 {
                GENESIS.to_vec()
            } else {
                rows[i - 1].hash.clone()
            };
            rows[i].hash = chain_hash(&rows[i].prev_hash, &rows[i].fields()).to_vec();
        }
    }

    fn chain(n: i64) -> Vec<Row> {
        let mut rows: Vec<Row> = (1..=n).map(event).collect();
        rechain(&mut rows, 0);
        rows
    }

    fn sign_at(
        signer: &CheckpointSigner,
        rows: &[Row],
        at: &[i64],
    ) -> Vec<(i64, Vec<u8>, Vec<u8>)> {
        at.iter()
            .map(|&s| {
                let h = rows[s as usize - 1].hash.clone();
                let sig = signer.sign(s, &h);
                (s, h, sig)
            })
            .collect()
    }

    fn verify_rows(
        v: &CheckpointVerifier,
        rows: &[Row],
        cps: Vec<(i64, Vec<u8>, Vec<u8>)>,
    ) -> Result<VerifyReport, ChainBreak> {
        let mut cv = ChainVerifier::new(v.clone(), cps);
        for r in rows {
            cv.push(&r.stored())?;
        }
        cv.finish()
    }

    /// 2,500 events with signed checkpoints at 1,000 and 2,000.
    struct Fixture {
        signer: CheckpointSigner,
        rows: Vec<Row>,
        cps: Vec<(i64, Vec<u8>, Vec<u8>)>,
    }

    fn fixture() -> &'static Fixture {
        static F: OnceLock<Fixture> = OnceLock::new();
        F.get_or_init(|| {
            let signer = CheckpointSigner::generate();
            let rows = chain(2_500);
            let cps = sign_at(&signer, &rows, &[1_000, 2_000]);
            Fixture { signer, rows, cps }
        })
    }

    fn check(rows: &[Row]) -> Result<VerifyReport, ChainBreak> {
        let f = fixture();
        verify_rows(&f.signer.verifying_key(), rows, f.cps.clone())
    }

    #[test]
    fn untouched_chain_verifies_with_every_checkpoint() {
        assert_eq!(
            check(&fixture().rows),
            Ok(VerifyReport {
                events: 2_500,
                checkpoints: 2
            })
        );
    }

    #[test]
    fn empty_log_without_checkpoints_verifies() {
        let v = CheckpointSigner::generate().verifying_key();
        assert_eq!(
            ChainVerifier::new(v, vec![]).finish(),
            Ok(VerifyReport {
                events: 0,
                checkpoints: 0
            })
        );
    }

    #[test]
    fn changing_any_single_field_is_reported_at_that_event() {
        type Edit = fn(&mut Row);
        // (field, change, whether it shows as a broken link rather than a bad hash)
        let edits: [(&str, Edit, bool); 9] = [
            ("at_ms", |r| r.at_ms += 1, false),
            ("actor_id", |r| r.actor_id = Some(Uuid::from_u128(7)), false),
            ("actor_id none", |r| r.actor_id = None, false),
            ("actor_role", |r| r.actor_role = "admin".into(), false),
            ("action", |r| r.action = "note.edit".into(), false),
            (
                "client_id",
                |r| r.client_id = Some(Uuid::from_u128(9)),
                false,
            ),
            ("object", |r| r.object.push('x'), false),
            ("prev_hash", |r| r.prev_hash[0] ^= 1, true),
            ("hash", |r| r.hash[31] ^= 1, false),
        ];
        for at in [1, 999, 1_000, 1_234, 2_500] {
            for (name, edit, breaks_link) in &edits {
                let mut rows = fixture().rows.clone();
                edit(&mut rows[at as usize - 1]);
                let err = check(&rows).unwrap_err();
                let expected = if *breaks_link {
                    ChainBreak::BadLink { seq: at }
                } else {
                    ChainBreak::BadHash { seq: at }
                };
                assert_eq!(err, expected, "{name} at {at}");
                assert_eq!(err.seq(), at);
            }
            let mut rows = fixture().rows.clone();
            rows[at as usize - 1].seq += 10;
            assert_eq!(check(&rows).unwrap_err().seq(), at, "seq at {at}");
        }
    }

    #[test]
    fn deleting_one_event_is_reported_at_its_seq() {
        let mut rows = fixture().rows.clone();
        rows.remove(1_499);
        let err = check(&rows).unwrap_err();
        assert_eq!(
            err,
            ChainBreak::Gap {
                seq: 1_501,
                expected: 1_500
            }
        );
        assert_eq!(err.seq(), 1_500);
    }

    #[test]
    fn deleting_one_event_and_rewriting_the_chain_after_it_fails_at_the_next_checkpoint() {
        let mut rows = fixture().rows.clone();
        rows.remove(1_499);
        rechain(&mut rows, 1_499);
        assert_eq!(
            check(&rows),
            Err(ChainBreak::CheckpointMismatch { seq: 2_000 })
        );
    }

    #[test]
    fn inserting_one_event_is_reported_at_its_seq() {
        // A well-formed extra event, linked to 1,499 and hashed correctly.
        let mut rows = fixture().rows.clone();
        let mut forged = event(1_500);
        forged.object = "notes/forged".into();
        forged.prev_hash = rows[1_498].hash.clone();
        forged.hash = chain_hash(&forged.prev_hash, &forged.fields()).to_vec();
        rows.insert(1_499, forged.clone());
        let err = check(&rows).unwrap_err();
        assert_eq!(err.seq(), 1_500, "{err}");

        // The same, renumbering everything after it: the real 1,500 no longer links.
        let mut rows = fixture().rows.clone();
        rows.insert(1_499, forged);
        for (i, r) in rows.iter_mut().enumerate().skip(1_500) {
            r.seq = i as i64 + 1;
        }
        assert_eq!(
            check(&rows).unwrap_err(),
            ChainBreak::BadLink { seq: 1_501 }
        );

        // And rewriting the whole chain after it: caught by the signed checkpoint.
        let mut rows = fixture().rows.clone();
        rows.insert(1_499, event(1_500));
        rechain(&mut rows, 1_499);
        assert_eq!(
            check(&rows),
            Err(ChainBreak::CheckpointMismatch { seq: 2_000 })
        );
    }

    #[test]
    fn swapping_two_events_is_reported_at_the_first_of_them() {
        // Delivered out of order.
        let mut rows = fixture().rows.clone();
        rows.swap(1_099, 1_199);
        let err = check(&rows).unwrap_err();
        assert_eq!(
            err,
            ChainBreak::Gap {
                seq: 1_200,
                expected: 1_100
            }
        );
        assert_eq!(err.seq(), 1_100);

        // Renumbered so the seqs look right.
        let mut rows = fixture().rows.clone();
        rows.swap(1_099, 1_199);
        rows[1_099].seq = 1_100;
        rows[1_199].seq = 1_200;
        assert_eq!(check(&rows).unwrap_err().seq(), 1_100);

        // Adjacent events with their contents swapped.
        let mut rows = fixture().rows.clone();
        let (a, b) = (rows[41].clone(), rows[42].clone());
        rows[41] = Row { seq: 42, ..b };
        rows[42] = Row { seq: 43, ..a };
        assert_eq!(check(&rows).unwrap_err().seq(), 42);
    }

    #[test]
    fn truncating_the_tail_before_the_last_checkpoint_is_reported() {
        let rows = &fixture().rows;
        assert_eq!(
            check(&rows[..1_800]),
            Err(ChainBreak::Truncated {
                seq: 2_000,
                last: 1_800
            })
        );
        assert_eq!(
            check(&rows[..1_999]),
            Err(ChainBreak::Truncated {
                seq: 2_000,
                last: 1_999
            })
        );
        let err = check(&rows[..900]).unwrap_err();
        assert_eq!(
            err,
            ChainBreak::Truncated {
                seq: 1_000,
                last: 900
            }
        );
        assert_eq!(err.seq(), 1_000);
        assert_eq!(
            check(&[]),
            Err(ChainBreak::Truncated {
                seq: 1_000,
                last: 0
            })
        );
        // After the last checkpoint a cut cannot be seen from the chain alone; that is why
        // a checkpoint is also written at shutdown (and see require_checkpoint_every).
        assert!(check(&rows[..2_100]).is_ok());
    }

    #[test]
    fn forged_or_foreign_checkpoints_are_bad_signatures() {
        let f = fixture();
        // Chain rewritten and checkpoint hash replaced to match, signature kept.
        let mut rows = f.rows.clone();
        rows[1_499].object = "notes/hidden".into();
        rechain(&mut rows, 1_499);
        let mut cps = f.cps.clone();
        cps[1].1 = rows[1_999].hash.clone();
        assert_eq!(
            verify_rows(&f.signer.verifying_key(), &rows, cps),
            Err(ChainBreak::BadSignature { seq: 2_000 })
        );
        // Re-signed with a key that is not ours.
        let other = CheckpointSigner::generate();
        let cps = sign_at(&other, &rows, &[1_000, 2_000]);
        assert_eq!(
            verify_rows(&f.signer.verifying_key(), &rows, cps),
            Err(ChainBreak::BadSignature { seq: 1_000 })
        );
        // A checkpoint moved to another seq.
        let mut cps = f.cps.clone();
        cps[0].0 = 1_001;
        assert_eq!(
            verify_rows(&f.signer.verifying_key(), &f.rows, cps),
            Err(ChainBreak::BadSignature { seq: 1_001 })
        );
        // A forged checkpoint past the end does not pass for a truncation.
        let mut cps = f.cps.clone();
        cps.push((3_000, vec![0; 32], vec![0; 64]));
        assert_eq!(
            verify_rows(&f.signer.verifying_key(), &f.rows, cps),
            Err(ChainBreak::BadSignature { seq: 3_000 })
        );
    }

    #[test]
    fn checkpoints_may_arrive_in_any_order_and_at_any_seq() {
        let f = fixture();
        let mut cps = sign_at(&f.signer, &f.rows, &[1, 2_500, 1_000, 2_000, 1_234]);
        cps.swap(0, 1);
        assert_eq!(
            verify_rows(&f.signer.verifying_key(), &f.rows, cps),
            Ok(VerifyReport {
                events: 2_500,
                checkpoints: 5
            })
        );
    }

    #[test]
    fn removed_checkpoints_are_caught_when_checkpoints_are_required() {
        let f = fixture();
        let v = f.signer.verifying_key();
        let run = |rows: &[Row], cps: Vec<(i64, Vec<u8>, Vec<u8>)>| {
            let mut cv = ChainVerifier::new(v.clone(), cps).require_checkpoint_every(1_000);
            for r in rows {
                cv.push(&r.stored())?;
            }
            cv.finish()
        };
        assert!(run(&f.rows, f.cps.clone()).is_ok());
        // Checkpoint 2,000 deleted together with the events after 1,999.
        let err = run(&f.rows[..2_100], vec![f.cps[0].clone()]).unwrap_err();
        assert_eq!(
            err,
            ChainBreak::MissingCheckpoint {
                seq: 2_001,
                max: 1_000
            }
        );
    }

    #[test]
    fn verifier_keeps_reporting_the_first_break() {
        let f = fixture();
        let mut rows = f.rows[..10].to_vec();
        rows[4].object.push('!');
        let mut cv = ChainVerifier::new(f.signer.verifying_key(), vec![]);
        let results: Vec<_> = rows.iter().map(|r| cv.push(&r.stored())).collect();
        assert!(results[..4].iter().all(Result::is_ok));
        assert!(results[4..]
            .iter()
            .all(|r| r == &Err(ChainBreak::BadHash { seq: 5 })));
        assert_eq!(cv.finish(), Err(ChainBreak::BadHash { seq: 5 }));
    }

    #[test]
    fn checkpoint_keys_survive_a_pem_round_trip() {
        let signer = CheckpointSigner::generate();
        let pem = signer.to_pkcs8_pem();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{pem}");
        let back = CheckpointSigner::from_pkcs8_pem(&pem).unwrap();
        let public = signer.verifying_key().to_public_pem();
        assert!(
            public.starts_with("-----BEGIN PUBLIC KEY-----\n"),
            "{public}"
        );
        let v = CheckpointVerifier::from_public_pem(&public).unwrap();
        assert_eq!(v, back.verifying_key());
        let h = [3u8; 32];
        assert!(v.verify(7, &h, &back.sign(7, &h)));
        assert!(!v.verify(8, &h, &back.sign(7, &h)));
        assert!(!v.verify(7, &[4u8; 32], &back.sign(7, &h)));
        assert!(!v.verify(7, &h, &back.sign(7, &h)[..63]));
        assert!(CheckpointSigner::from_pkcs8_pem(&public).is_err());
        assert!(CheckpointSigner::from_pkcs8_pem("").is_err());
        assert!(CheckpointVerifier::from_public_pem(&pem).is_err());
        assert_eq!(format!("{signer:?}"), "CheckpointSigner(..)");
    }

    #[test]
    fn an_openssl_generated_ed25519_key_is_accepted() {
        // `openssl genpkey -algorithm ed25519` (RFC 8410 test key, section 10.3).
        let pem = "-----BEGIN PRIVATE KEY-----\n\
                   MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n\
                   -----END PRIVATE KEY-----\n";
        let signer = CheckpointSigner::from_pkcs8_pem(pem).unwrap();
        let public = "-----BEGIN PUBLIC KEY-----\n\
                      MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n\
                      -----END PUBLIC KEY-----\n";
        assert_eq!(signer.verifying_key().to_public_pem(), public);
    }

    #[test]
    fn signed_message_is_tag_then_seq_then_hash() {
        let m = checkpoint_message(0x0102, &[0xAA; 32]);
        assert_eq!(&m[..26], b"alcove-audit-checkpoint-v1");
        assert_eq!(&m[26..34], &[0, 0, 0, 0, 0, 0, 1, 2]);
        assert_eq!(&m[34..], &[0xAA; 32]);
    }

    /// A small chain for property tests, built once.
    fn small() -> &'static Fixture {
        static F: OnceLock<Fixture> = OnceLock::new();
        F.get_or_init(|| {
            let signer = CheckpointSigner::generate();
            let rows = chain(300);
            let cps = sign_at(&signer, &rows, &[100, 200, 300]);
            Fixture { signer, rows, cps }
        })
    }

    fn check_small(rows: &[Row]) -> Result<VerifyReport, ChainBreak> {
        let f = small();
        verify_rows(&f.signer.verifying_key(), rows, f.cps.clone())
    }

    proptest! {
        #[test]
        fn a_single_byte_flip_in_any_events_object_is_detected(
            index in 0usize..300,
            pos in any::<prop::sample::Index>(),
            mask in 1u8..=0x7f,
        ) {
            let mut rows = small().rows.clone();
            // Objects are ASCII and the mask keeps them ASCII, so the result is still a str.
            let mut bytes = std::mem::take(&mut rows[index].object).into_bytes();
            let i = pos.index(bytes.len());
            bytes[i] ^= mask;
            rows[index].object = String::from_utf8(bytes).unwrap();
            let err = check_small(&rows).unwrap_err();
            prop_assert_eq!(err, ChainBreak::BadHash { seq: index as i64 + 1 });
        }

        #[test]
        fn a_single_bit_flip_in_any_stored_hash_is_detected(
            index in 0usize..300,
            byte in 0usize..32,
            bit in 0u8..8,
            which_hash in any::<bool>(),
        ) {
            let mut rows = small().rows.clone();
            let r = &mut rows[index];
            if which_hash { r.hash[byte] ^= 1 << bit } else { r.prev_hash[byte] ^= 1 << bit }
            let err = check_small(&rows).unwrap_err();
            prop_assert_eq!(err.seq(), index as i64 + 1);
        }
    }
}
