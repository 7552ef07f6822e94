//! Group commit: concurrent callers share one transaction (one durable commit, one fsync) and
//! each hears its answer only after that commit (issue 7, speed). Both backends use it for the
//! hottest write, a message with the audit event of its sending.
//!
//! Callers queue their item; whoever gets the leader lock takes everything queued (up to
//! [`MAX_BATCH`]) and hands it to the backend's writer, which writes the batch in one
//! transaction and returns one answer per item, in order. Durability is unchanged: no caller
//! hears "stored" before the commit that holds its rows has returned. Queue order is the order
//! the backend writes in, so the audit chain is extended in that order.
//!
//! The batch runs in its own task, holding the leader lock: a caller that goes away (a client
//! disconnecting mid-request) cannot cut a batch in half for the others.

use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use crate::{Result, StoreError};

/// Most items written in one transaction; the rest wait for the next one.
pub const MAX_BATCH: usize = 512;

struct Job<T, R> {
    item: T,
    reply: oneshot::Sender<Result<R>>,
}

/// A queue of writes of `T`, each answered with an `R`.
pub struct GroupCommit<T, R> {
    queue: Mutex<Vec<Job<T, R>>>,
    leader: Arc<tokio::sync::Mutex<()>>,
}

impl<T, R> Default for GroupCommit<T, R> {
    fn default() -> Self {
        Self {
            queue: Mutex::new(Vec::new()),
            leader: Arc::new(tokio::sync::Mutex::new(())),
        }
    }
}

impl<T, R> std::fmt::Debug for GroupCommit<T, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupCommit").finish_non_exhaustive()
    }
}

impl<T: Send + 'static, R: Send + 'static> GroupCommit<T, R> {
    /// Queues `item` and waits for the commit that holds it. `write` is called (by whichever
    /// caller leads) with a whole batch; it must return one answer per item, in order, and an
    /// `Err` for the whole batch only when nothing of it was committed.
    pub async fn submit<W, F>(&self, item: T, write: W) -> Result<R>
    where
        W: Fn(Vec<T>) -> F + Send + Sync + 'static,
        F: Future<Output = Result<Vec<Result<R>>>> + Send + 'static,
    {
        let (reply, mut answer) = oneshot::channel();
        self.lock_queue().push(Job { item, reply });
        // Take the lead in turn, unless an earlier leader writes our item first: then we have
        // our answer and leave the line. (Waiting for the lead alone made every caller take it
        // in turn, each starting a batch of whatever had just arrived: one fsync per caller.)
        // A batch takes at most MAX_BATCH items, so a leader whose own item was not among them
        // comes round again: nobody is left waiting for a leader that never comes.
        let write = Arc::new(write);
        loop {
            let lead = tokio::select! {
                biased;
                answered = &mut answer => return answered.unwrap_or_else(|_| Err(interrupted())),
                lead = self.leader.clone().lock_owned() => lead,
            };
            let batch: Vec<Job<T, R>> = {
                let mut q = self.lock_queue();
                // A caller that has gone away (its client disconnected) never heard "stored":
                // its item is dropped rather than written late, after a retry, say.
                q.retain(|j| !j.reply.is_closed());
                let n = q.len().min(MAX_BATCH);
                q.drain(..n).collect()
            };
            if batch.is_empty() {
                continue; // our item was written: the answer is there, or on its way
            }
            let write = write.clone();
            tokio::spawn(async move {
                let _lead = lead;
                let (items, replies): (Vec<T>, Vec<_>) =
                    batch.into_iter().map(|j| (j.item, j.reply)).unzip();
                let n = items.len();
                match write(items).await {
                    Ok(results) if results.len() == n => {
                        for (reply, r) in replies.into_iter().zip(results) {
                            let _ = reply.send(r);
                        }
                    }
                    Ok(_) => {
                        for reply in replies {
                            let _ = reply.send(Err(StoreError::Backend(
                                "a group commit answered the wrong number of writes".into(),
                            )));
                        }
                    }
                    Err(e) => {
                        // Nothing of the batch was committed: every caller hears it.
                        let why = e.to_string();
                        for reply in replies {
                            let _ = reply.send(Err(StoreError::Backend(why.clone())));
                        }
                    }
                }
            });
        }
    }

    fn lock_queue(&self) -> std::sync::MutexGuard<'_, Vec<Job<T, R>>> {
        // A panic while holding this lock cannot leave the Vec half-changed (push and drain
        // are the only operations), so a poisoned lock is safe to use.
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn interrupted() -> StoreError {
    StoreError::Backend("the write was interrupted before it was committed".into())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use super::GroupCommit;

    /// Senders that each send one message after another, as a busy server's clients do, share
    /// commits: while one commit runs, everything that arrives waits for the next one. (Before,
    /// a caller whose item an earlier commit had written still took the lead in its turn and
    /// committed whatever had just arrived: about one commit per message.)
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn steady_senders_share_commits() {
        const SENDERS: usize = 32;
        const EACH: usize = 10;
        let group = Arc::new(GroupCommit::<usize, usize>::default());
        let commits = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for s in 0..SENDERS {
            let (group, commits) = (group.clone(), commits.clone());
            tasks.push(tokio::spawn(async move {
                for i in 0..EACH {
                    let item = s * EACH + i;
                    let commits = commits.clone();
                    let got = group
                        .submit(item, move |batch| {
                            let commits = commits.clone();
                            async move {
                                commits.fetch_add(1, Ordering::SeqCst);
                                // A commit takes a while (an fsync).
                                tokio::time::sleep(Duration::from_millis(5)).await;
                                Ok(batch.into_iter().map(|n| Ok(n * 2)).collect())
                            }
                        })
                        .await
                        .unwrap();
                    assert_eq!(got, item * 2, "each caller hears its own answer");
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let commits = commits.load(Ordering::SeqCst);
        assert!(
            commits <= 3 * EACH,
            "{} messages from {SENDERS} steady senders took {commits} commits",
            SENDERS * EACH
        );
    }

    /// More callers at once than one batch takes: every one is answered (a leader whose item
    /// was past the first batch comes round again instead of waiting for a leader).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn more_callers_than_a_batch_holds_are_all_answered() {
        let group = Arc::new(GroupCommit::<usize, usize>::default());
        let n = super::MAX_BATCH * 2 + 7;
        let calls: Vec<_> = (0..n)
            .map(|i| {
                let group = group.clone();
                tokio::spawn(async move {
                    group
                        .submit(i, |b| async move { Ok(b.into_iter().map(Ok).collect()) })
                        .await
                })
            })
            .collect();
        for (i, c) in calls.into_iter().enumerate() {
            let got = tokio::time::timeout(Duration::from_secs(10), c)
                .await
                .expect("answered within 10 s")
                .unwrap()
                .unwrap();
            assert_eq!(got, i);
        }
    }

    /// A batch that fails is heard by every caller in it, and the next batch is not affected.
    #[tokio::test]
    async fn a_failed_commit_is_heard_by_its_callers() {
        let group = GroupCommit::<usize, usize>::default();
        let r = group
            .submit(1, |_| async {
                Err(crate::StoreError::Backend("disk".into()))
            })
            .await;
        assert!(r.is_err());
        let ok = group
            .submit(2, |b| async move { Ok(b.into_iter().map(Ok).collect()) })
            .await
            .unwrap();
        assert_eq!(ok, 2);
    }
}
