//! Throughput of audit-chain verification (goal: ≥ 1M events/s). A benchmark, not a test:
//! `cargo bench -p alcove-crypto --bench audit_verify [-- EVENTS]`. Figures go in docs/benchmarks.md.

use alcove_crypto::audit::{
    chain_hash, ChainVerifier, CheckpointSigner, EventFields, StoredEvent, GENESIS,
};
use uuid::Uuid;

fn main() {
    let n: i64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(2_000_000);
    let actor = Uuid::new_v4();
    let client = Uuid::new_v4();
    let signer = CheckpointSigner::generate();
    let mut rows: Vec<(i64, [u8; 32], [u8; 32])> = Vec::with_capacity(n as usize);
    let mut prev = GENESIS;
    let mut checkpoints = Vec::new();
    for seq in 1..=n {
        let f = EventFields {
            seq,
            at_ms: 1_700_000_000_000 + seq,
            actor_id: Some(actor),
            actor_role: "clinician",
            action: "thread.view",
            client_id: Some(client),
            object: "thread:x",
        };
        let h = chain_hash(&prev, &f);
        rows.push((seq, prev, h));
        if seq % 1_000 == 0 {
            checkpoints.push((seq, h.to_vec(), signer.sign(seq, &h)));
        }
        prev = h;
    }
    let start = std::time::Instant::now();
    let mut v = ChainVerifier::new(signer.verifying_key(), checkpoints);
    for (seq, prev, hash) in &rows {
        let f = EventFields {
            seq: *seq,
            at_ms: 1_700_000_000_000 + seq,
            actor_id: Some(actor),
            actor_role: "clinician",
            action: "thread.view",
            client_id: Some(client),
            object: "thread:x",
        };
        v.push(&StoredEvent {
            fields: f,
            prev_hash: prev,
            hash,
        })
        .expect("intact chain");
    }
    let report = v.finish().expect("intact chain");
    let secs = start.elapsed().as_secs_f64();
    println!("{{\"bench\":\"audit_verify\",\"events\":{},\"checkpoints\":{},\"seconds\":{secs:.3},\"events_per_s\":{:.0}}}", report.events, report.checkpoints, n as f64 / secs);
}
