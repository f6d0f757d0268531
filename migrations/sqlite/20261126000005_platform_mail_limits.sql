-- E-mail waiting to be sent by the `mail.send` job. The row goes once the mail is out; job payloads
-- only name the row, so that a link with a secret (verify, reset) is never shown on the jobs page.
CREATE TABLE mail_queue (
    id BLOB PRIMARY KEY NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Fixed-window counters of the rate limiter, shared by every node: one row per key and window.
CREATE TABLE rate_limits (
    key TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    hits INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limits_expires ON rate_limits(expires_at);
