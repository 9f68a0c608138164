package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// DingTalk is a group robot of 钉钉 (DingTalk): a POST of
// {"msgtype":"text","text":{"content":"…"}} to the robot's webhook
// address (https://oapi.dingtalk.com/robot/send?access_token=…), answered
// by {"errcode":0,"errmsg":"ok"}. A robot with 加签 (signing) set takes
// two more query parameters: timestamp, the time in milliseconds, and
// sign, the HMAC-SHA256 of "timestamp\nsecret" keyed with the secret, in
// base64, URL-encoded; the robot refuses a timestamp more than an hour off.
type DingTalk struct {
	URL    string       // the robot's webhook address, with its access token
	Secret string       // the signing secret (SEC…); "" when the robot does not sign
	Client *http.Client // nil: a client with a 15 s timeout
	Clock  pingan.Clock // for the timestamp; the system clock when nil
}

// Send posts the notice's text to the group.
func (d *DingTalk) Send(ctx context.Context, n *pingan.Notice) error {
	u := d.URL
	if d.Secret != "" {
		clock := d.Clock
		if clock == nil {
			clock = pingan.SystemClock
		}
		ts, sign := DingTalkSign(clock.Now(), d.Secret)
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		u += sep + "timestamp=" + ts + "&sign=" + url.QueryEscape(sign)
	}
	return postRobot(ctx, d.Client, channelName(pingan.ChannelDingTalk), u, newRobotText(n.Text))
}

// DingTalkSign answers the timestamp and the signature (base64, not yet
// URL-encoded) of a signed DingTalk robot's request at t.
func DingTalkSign(t time.Time, secret string) (timestamp, sign string) {
	timestamp = strconv.FormatInt(t.UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "\n" + secret))
	return timestamp, base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
