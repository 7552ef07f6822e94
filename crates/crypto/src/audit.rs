//! The audit log's hash chain: each event's hash covers the previous event's hash and every
//! field of the event, so changing, removing, inserting or reordering any event breaks the chain.

use sha2::{Digest, Sha256};
use uuid::Uuid;

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
