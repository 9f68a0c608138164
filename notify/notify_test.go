package notify_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/notify"
)

// receiver is a local HTTP server that records every request and answers
// with the status and body the test sets.
type receiver struct {
	mu     sync.Mutex
	reqs   []received
	status int
	answer string
	srv    *httptest.Server
}

type received struct {
	method, path, contentType string
	query                     url.Values
	body                      string
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{status: http.StatusOK, answer: `{"errcode":0,"errmsg":"ok"}`}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.reqs = append(r.reqs, received{req.Method, req.URL.Path, req.Header.Get("Content-Type"), req.URL.Query(), string(b)})
		status, answer := r.status, r.answer
		r.mu.Unlock()
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) last(t *testing.T) received {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.reqs) == 0 {
		t.Fatal("nothing received")
	}
	return r.reqs[len(r.reqs)-1]
}

var ctx = context.Background()

const text = "【平安建设】事件 2026-620902-000123 已派遣至肃州区住房和城乡建设局，请于 2026-03-03 09:00 前签收。"

// The WeCom (and 政务微信) robot gets exactly its documented text message.
func TestWeCom(t *testing.T) {
	r := newReceiver(t)
	w := &notify.WeCom{URL: r.srv.URL + "/cgi-bin/webhook/send?key=abc"}
	if err := w.Send(ctx, &pingan.Notice{Channel: pingan.ChannelWeCom, Text: text}); err != nil {
		t.Fatal(err)
	}
	got := r.last(t)
	want := `{"msgtype":"text","text":{"content":"` + text + `"}}`
	if got.method != http.MethodPost || got.path != "/cgi-bin/webhook/send" || got.query.Get("key") != "abc" ||
		!strings.HasPrefix(got.contentType, "application/json") || got.body != want {
		t.Errorf("received %+v\nwant body %s", got, want)
	}
	// The robot's refusal comes in a 200 with an error code.
	r.answer = `{"errcode":93000,"errmsg":"invalid webhook url"}`
	err := w.Send(ctx, &pingan.Notice{Text: text})
	if err == nil || !strings.Contains(err.Error(), "93000") || strings.Contains(err.Error(), "key=abc") {
		t.Errorf("a refusal answered %v", err)
	}
	r.status, r.answer = http.StatusBadGateway, "bad gateway"
	if err := w.Send(ctx, &pingan.Notice{Text: text}); err == nil || !strings.Contains(err.Error(), "502") {
		t.Errorf("a 502 answered %v", err)
	}
}

// The DingTalk robot gets the same message shape; a signing robot gets the
// timestamp in milliseconds and the HMAC-SHA256 signature DingTalk
// documents (the vector was computed apart from this code).
func TestDingTalkSigned(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, pingan.CST)
	ts, sign := notify.DingTalkSign(at, "SEC0123456789abcdef")
	if ts != "1772413200000" || sign != "WCaPrUZ6LQZAElljjBIu79/wsJ6lD3latElw1p/3lfA=" {
		t.Fatalf("DingTalkSign = %s, %s", ts, sign)
	}
	r := newReceiver(t)
	d := &notify.DingTalk{URL: r.srv.URL + "/robot/send?access_token=tok", Secret: "SEC0123456789abcdef",
		Clock: pingan.ClockFunc(func() time.Time { return at })}
	if err := d.Send(ctx, &pingan.Notice{Channel: pingan.ChannelDingTalk, Text: text}); err != nil {
		t.Fatal(err)
	}
	got := r.last(t)
	var msg struct {
		MsgType string `json:"msgtype"`
		Text    struct {
			Content string `json:"content"`
		} `json:"text"`
	}
	if err := json.Unmarshal([]byte(got.body), &msg); err != nil || msg.MsgType != "text" || msg.Text.Content != text {
		t.Errorf("body %s (%v)", got.body, err)
	}
	if got.query.Get("access_token") != "tok" || got.query.Get("timestamp") != ts || got.query.Get("sign") != sign {
		t.Errorf("query %v", got.query)
	}
	r.answer = `{"errcode":310000,"errmsg":"sign not match"}`
	if err := d.Send(ctx, &pingan.Notice{Text: text}); err == nil || !strings.Contains(err.Error(), "310000") {
		t.Errorf("a refused signature answered %v", err)
	}
	// Without a secret, no signature.
	r.answer = `{"errcode":0,"errmsg":"ok"}`
	if err := (&notify.DingTalk{URL: r.srv.URL + "/robot/send?access_token=tok"}).Send(ctx, &pingan.Notice{Text: text}); err != nil {
		t.Fatal(err)
	}
	if q := r.last(t).query; q.Has("sign") || q.Has("timestamp") {
		t.Errorf("an unsigned robot got %v", q)
	}
}

// The SMS gateway gets the address and the body of its templates; JSON
// strings are escaped, the URL's values encoded.
func TestSMSTemplates(t *testing.T) {
	r := newReceiver(t)
	r.answer = "OK"
	s, err := notify.NewSMS(notify.SMSConfig{
		URL:         r.srv.URL + "/send?to={{urlquery .Phone}}&ref={{urlquery .Number}}",
		Body:        `{"mobile":{{json .Phone}},"content":{{json .Text}}}`,
		ContentType: "application/json",
	}, "--sms-url", "--sms-body")
	if err != nil {
		t.Fatal(err)
	}
	msg := `您反映的事件已受理，编号 2026-620902-000123 "引号"`
	if err := s.Send(ctx, &pingan.Notice{Channel: pingan.ChannelSMS, Phone: "13912345678", Number: "2026-620902-000123", Text: msg}); err != nil {
		t.Fatal(err)
	}
	got := r.last(t)
	want := `{"mobile":"13912345678","content":"您反映的事件已受理，编号 2026-620902-000123 \"引号\""}`
	if got.method != http.MethodPost || got.path != "/send" || got.query.Get("to") != "13912345678" ||
		got.query.Get("ref") != "2026-620902-000123" || got.contentType != "application/json" || got.body != want {
		t.Errorf("received %+v\nwant body %s", got, want)
	}
	// A gateway's error keeps the phone out of the message, which is logged.
	r.status, r.answer = http.StatusInternalServerError, "failed to send to 13912345678"
	err = s.Send(ctx, &pingan.Notice{Phone: "13912345678", Text: msg})
	if err == nil || strings.Contains(err.Error(), "13912345678") || !strings.Contains(err.Error(), "139****5678") {
		t.Errorf("a 500 answered %v", err)
	}
}

// A template that does not parse or an address that is not http(s) is
// refused naming the setting.
func TestSMSConfigRefused(t *testing.T) {
	for _, c := range []notify.SMSConfig{
		{URL: "http://gw/{{.Phone", Body: "x"},
		{URL: "http://gw/", Body: "{{.Nobody}}"},
		{URL: "ftp://gw/{{.Phone}}", Body: "x"},
	} {
		if _, err := notify.NewSMS(c, "--sms-url", "--sms-body"); err == nil || !strings.Contains(err.Error(), "--sms-") {
			t.Errorf("%+v: %v", c, err)
		}
	}
	if err := notify.CheckURL("--wecom-webhook", "qyapi.weixin.qq.com/send"); err == nil || !strings.Contains(err.Error(), "--wecom-webhook") {
		t.Errorf("CheckURL: %v", err)
	}
}

// Channels send each notice with its channel's sender and refuse a channel
// without one.
func TestChannels(t *testing.T) {
	r := newReceiver(t)
	cs := notify.Channels{pingan.ChannelWeCom: &notify.WeCom{URL: r.srv.URL}}
	if got := cs.List(); len(got) != 1 || got[0] != pingan.ChannelWeCom {
		t.Errorf("List = %v", got)
	}
	if err := cs.Send(ctx, &pingan.Notice{Channel: pingan.ChannelWeCom, Text: text}); err != nil {
		t.Fatal(err)
	}
	if err := cs.Send(ctx, &pingan.Notice{Channel: pingan.ChannelSMS, Text: text}); err == nil {
		t.Error("a text message went out without a gateway")
	}
}
