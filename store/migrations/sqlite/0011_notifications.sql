-- Notifications (提醒): the bell of each member of staff, one row for each
-- user a notification is for, written in the transaction of the action that
-- causes it (store/notification.go).
CREATE TABLE notifications (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    unit_code TEXT NOT NULL DEFAULT '', -- the unit it was addressed to; '' for the user alone
    kind      TEXT NOT NULL,            -- dispatched, sign_due, supervised, returned, dissatisfied
    region    TEXT NOT NULL,
    case_id   TEXT NOT NULL,
    at        TEXT NOT NULL,
    read_at   TEXT,
    FOREIGN KEY (region, case_id) REFERENCES cases (region, id)
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- The outbox (发件箱): notices to group robots and text messages to
-- citizens, written in the action's transaction and sent by the background
-- work. No personal data: a text message's phone is opened from the case
-- when it is sent. next_at is when it is due; NULL once sent or given up.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    channel    TEXT NOT NULL, -- wecom, dingtalk, sms
    region     TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    text       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    next_at    TEXT,
    attempts   INTEGER NOT NULL DEFAULT 0,
    sent_at    TEXT,
    last_error TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (region, case_id) REFERENCES cases (region, id)
);
CREATE INDEX outbox_due ON outbox (next_at) WHERE next_at IS NOT NULL;

-- The sign deadline the staff of the assigned unit were last warned of
-- (签收时限将至), so that each deadline is notified once.
ALTER TABLE cases ADD COLUMN sign_warned TEXT;
CREATE INDEX cases_sign_due ON cases (sign_by) WHERE status = 'dispatched';
