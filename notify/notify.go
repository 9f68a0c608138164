// Package notify sends pingan's notices where staff and citizens already
// are: the group robots of 企业微信 (WeCom, and 政务微信, which speaks the
// same webhook API) and 钉钉 (DingTalk), each by its documented webhook
// JSON, and text messages (短信) through an HTTP gateway described by a
// URL and a body template. Each sender is a pingan.NoticeSender; Channels
// joins them by channel for the outbox job (jobs.Outbox).
//
// A sender answers an error when the far end did not take the notice; it
// never logs, and the citizen's phone appears in nothing but the request
// to the gateway.
package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// Channels sends each notice with the sender of its channel.
type Channels map[pingan.Channel]pingan.NoticeSender

var _ pingan.NoticeSender = Channels(nil)

// Send sends n with the sender of n.Channel.
func (cs Channels) Send(ctx context.Context, n *pingan.Notice) error {
	s := cs[n.Channel]
	if s == nil {
		return errors.New(pingan.Text(pingan.ZH, "notify.send.none", channelName(n.Channel)))
	}
	return s.Send(ctx, n)
}

// List answers the channels that have a sender, in pingan.Channels order.
func (cs Channels) List() []pingan.Channel {
	var out []pingan.Channel
	for _, ch := range pingan.Channels {
		if cs[ch] != nil {
			out = append(out, ch)
		}
	}
	return out
}

// defaultClient is the client of senders without one: a notice that takes
// longer than this is tried again later.
var defaultClient = &http.Client{Timeout: 15 * time.Second}

func clientOr(c *http.Client) *http.Client {
	if c == nil {
		return defaultClient
	}
	return c
}

// robotText is the text message of both group robots:
// {"msgtype":"text","text":{"content":"…"}}.
type robotText struct {
	MsgType string `json:"msgtype"`
	Text    struct {
		Content string `json:"content"`
	} `json:"text"`
}

func newRobotText(content string) robotText {
	m := robotText{MsgType: "text"}
	m.Text.Content = content
	return m
}

// robotAnswer is what both robots answer: errcode 0 when the message was taken.
type robotAnswer struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// postRobot posts the JSON of msg to url and checks the robot's answer.
func postRobot(ctx context.Context, client *http.Client, name, url string, msg any) error {
	b, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	res, err := clientOr(client).Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", name, redactErr(err))
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if res.StatusCode/100 != 2 {
		return errors.New(pingan.Text(pingan.ZH, "notify.send.status", name, res.StatusCode, snippet(body)))
	}
	var a robotAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if a.ErrCode != 0 {
		return errors.New(pingan.Text(pingan.ZH, "notify.send.errcode", name, a.ErrCode, a.ErrMsg))
	}
	return nil
}

// snippet answers the start of a body for an error message.
func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}

// redactErr answers err without the URL it names: a robot's URL holds its
// key, a gateway's may hold the phone.
func redactErr(err error) error {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if inner := ue.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
}

// channelName names a channel in Chinese, for errors that are logged.
func channelName(ch pingan.Channel) string {
	return pingan.Text(pingan.ZH, "notify.channel."+string(ch))
}
