-- Read state (issue 7): how far each user has read in each thread. One row per user and
-- thread; the mark is a message (its id, with its sent_at copied for ordering), so "unread"
-- is exact even when messages share a millisecond. Ids and times only, never content.
CREATE TABLE read_marks (
    user_id    TEXT    NOT NULL REFERENCES users (id),
    thread_id  TEXT    NOT NULL REFERENCES threads (id),
    message_id TEXT    NOT NULL,
    -- The marked message's sent_at: messages after (sent_at, id) are unread.
    sent_at    INTEGER NOT NULL,
    marked_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, thread_id)
) STRICT;
