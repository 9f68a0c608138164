package pingan

import (
	"context"
	"time"
)

// NotificationKind says why a member of staff is told about a case.
type NotificationKind string

const (
	// NoticeDispatched: a case was dispatched (派遣) to the recipient's unit.
	NoticeDispatched NotificationKind = "dispatched"
	// NoticeSignDue: the sign deadline (签收时限) of a case dispatched to the
	// recipient's unit is near; the deadline watch finds it.
	NoticeSignDue NotificationKind = "sign_due"
	// NoticeSupervised: a supervision order (督办) was attached to a case
	// the recipient's unit handles or the recipient dispatched.
	NoticeSupervised NotificationKind = "supervised"
	// NoticeReturned: the unit a case was dispatched to sent it back (退回)
	// to the recipient, who dispatched it.
	NoticeReturned NotificationKind = "returned"
	// NoticeDissatisfied: a closed case the recipient's unit handled, or the
	// recipient closed, was rated dissatisfied (不满意).
	NoticeDissatisfied NotificationKind = "dissatisfied"
	// NoticeTermOverdue: a term of the agreement of a dispute the
	// recipient's unit mediated was not performed by its day, and the case
	// is back with the unit (履行逾期).
	NoticeTermOverdue NotificationKind = "term_overdue"
	// NoticeConfirmDue: the 30 days to apply for judicial confirmation (司法
	// 确认) of an agreement the recipient mediated end within a week.
	NoticeConfirmDue NotificationKind = "confirm_due"
	// NoticeRevisitDue: the follow-up visit (回访) of a dispute the
	// recipient mediated is due.
	NoticeRevisitDue NotificationKind = "revisit_due"
)

// NotificationKinds lists the kinds, for pages and tests.
var NotificationKinds = []NotificationKind{NoticeDispatched, NoticeSignDue, NoticeSupervised, NoticeReturned, NoticeDissatisfied,
	NoticeTermOverdue, NoticeConfirmDue, NoticeRevisitDue}

// Notification is one item of a user's bell (提醒): written in the same
// transaction as the action that causes it, one row for each member of
// staff it is for — every user of the unit it was addressed to, or the one
// user.
type Notification struct {
	ID     int64 `json:"id"`
	UserID int64 `json:"user_id"`
	// UnitCode is the unit the notification was addressed to, whose staff
	// each got one; "" when it was for the user alone.
	UnitCode string           `json:"unit,omitempty"`
	Kind     NotificationKind `json:"kind"`
	CaseID   string           `json:"case_id"`
	// Title is the case's title when the reader still sees the case; ""
	// once it has left their jurisdiction (the number stays).
	Title  string     `json:"title,omitempty"`
	At     time.Time  `json:"at"`
	ReadAt *time.Time `json:"read_at,omitempty"`
}

// NotificationService is the bell of the signed-in user. Each method
// answers EUNAUTHORIZED without an actor; a user reads and marks only their
// own notifications.
type NotificationService interface {
	// Unread answers how many of the actor's notifications are unread.
	Unread(ctx context.Context, actor *User) (int, error)
	// Notifications answers the actor's notifications, newest first, at
	// most limit (50 when limit ≤ 0, 200 at most).
	Notifications(ctx context.Context, actor *User, limit int) ([]*Notification, error)
	// MarkRead marks the actor's notifications with ids read, or every one
	// of them when ids is empty; ids of other users' notifications are
	// passed over. It answers how many it marked.
	MarkRead(ctx context.Context, actor *User, ids []int64) (int, error)
}

// Channel is a way a notice leaves pingan: a group robot of an instant
// messenger staff already use, or text messages to citizens.
type Channel string

const (
	ChannelWeCom    Channel = "wecom"    // 企业微信 (政务微信) group robot
	ChannelDingTalk Channel = "dingtalk" // 钉钉 group robot
	ChannelSMS      Channel = "sms"      // 短信 through an HTTP gateway
)

// Channels lists the channels.
var Channels = []Channel{ChannelWeCom, ChannelDingTalk, ChannelSMS}

// Notice is an outgoing message of the outbox (发件箱): written in the
// transaction of the action that causes it, sent afterwards by the
// background work, retried until it goes out. It carries no personal data
// at rest; Phone is opened from the case's sealed reporter only when the
// notice is claimed to be sent, and must never be logged (MaskPhone).
type Notice struct {
	ID       int64   `json:"id"`
	Channel  Channel `json:"channel"`
	CaseID   string  `json:"case_id"`
	Number   string  `json:"number"`
	Text     string  `json:"text"` // in Chinese, with no personal data
	Phone    string  `json:"-"`    // the citizen's, for ChannelSMS only
	Attempts int     `json:"attempts"`
}

// Outbox hands the background work the notices due to go out.
type Outbox interface {
	// ClaimNotices answers up to limit notices due at now, each held for
	// the caller for a while so that other servers leave it alone. A text
	// message whose case has no reporter's phone is not answered: it is
	// closed as having nowhere to go.
	ClaimNotices(ctx context.Context, now time.Time, limit int) ([]*Notice, error)
	// NoticeSent records that notice id went out at now.
	NoticeSent(ctx context.Context, id int64, now time.Time) error
	// NoticeFailed records a failed attempt of notice id and when to try
	// again; a zero retry gives it up.
	NoticeFailed(ctx context.Context, id int64, now, retry time.Time, reason string) error
}

// NoticeSender sends a notice on its channel.
type NoticeSender interface {
	// Send delivers n, answering an error when the far end did not take it.
	Send(ctx context.Context, n *Notice) error
}

// Notifier finds the cases whose sign deadline (签收时限) is near and
// notifies the staff of the unit each is dispatched to, once per deadline.
type Notifier interface {
	// NotifySignDue notifies for up to limit dispatched cases whose sign
	// deadline lies before now+within and was not notified yet, and
	// answers how many.
	NotifySignDue(ctx context.Context, now time.Time, within time.Duration, limit int) (int, error)
}
