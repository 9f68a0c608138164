package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/template"

	"github.com/pingan-gov/pingan"
)

// SMS sends text messages through an HTTP gateway that pingan knows only
// by templates (Go text/template): the address and the body, each given
// .Phone, .Text and .Number (the case's number), with the functions json
// (a JSON string, quotes included) and urlquery. For example
//
//	URL:  https://sms.example.gov.cn/send?user=pingan
//	Body: {"mobile":{{json .Phone}},"content":{{json .Text}}}
//
// Any 2xx answer counts as taken.
type SMS struct {
	url, body   *template.Template
	method      string
	contentType string
	client      *http.Client
}

// SMSConfig describes a gateway.
type SMSConfig struct {
	URL         string       // template of the address
	Body        string       // template of the body
	Method      string       // POST when ""
	ContentType string       // application/json when ""
	Client      *http.Client // nil: a client with a 15 s timeout
}

// smsFuncs are the functions the templates may use.
var smsFuncs = template.FuncMap{
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
	"urlquery": url.QueryEscape,
}

// NewSMS checks the templates of c (and that the address, with a sample
// message, is http or https) and answers the sender. Its errors name the
// setting.
func NewSMS(c SMSConfig, urlName, bodyName string) (*SMS, error) {
	u, err := template.New("url").Funcs(smsFuncs).Option("missingkey=error").Parse(c.URL)
	if err != nil {
		return nil, errors.New(pingan.Text(pingan.ZH, "notify.config.tmpl", urlName, err))
	}
	b, err := template.New("body").Funcs(smsFuncs).Option("missingkey=error").Parse(c.Body)
	if err != nil {
		return nil, errors.New(pingan.Text(pingan.ZH, "notify.config.tmpl", bodyName, err))
	}
	s := &SMS{url: u, body: b, method: strings.ToUpper(c.Method), contentType: c.ContentType, client: c.Client}
	if s.method == "" {
		s.method = http.MethodPost
	}
	if s.contentType == "" {
		s.contentType = "application/json; charset=utf-8"
	}
	sample := smsData{Phone: "13800000000", Text: "测试", Number: "2026-620902-000001"}
	addr, err := run(u, sample)
	if err != nil {
		return nil, errors.New(pingan.Text(pingan.ZH, "notify.config.tmpl", urlName, err))
	}
	if err := CheckURL(urlName, addr); err != nil {
		return nil, err
	}
	if _, err := run(b, sample); err != nil {
		return nil, errors.New(pingan.Text(pingan.ZH, "notify.config.tmpl", bodyName, err))
	}
	return s, nil
}

// CheckURL answers an error naming the setting unless addr is an http or
// https address with a host.
func CheckURL(name, addr string) error {
	u, err := url.Parse(addr)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New(pingan.Text(pingan.ZH, "notify.config.url", name, addr))
	}
	return nil
}

// smsData is what the templates are given.
type smsData struct{ Phone, Text, Number string }

func run(t *template.Template, d smsData) (string, error) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, d); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// Send sends the notice's text to its phone.
func (s *SMS) Send(ctx context.Context, n *pingan.Notice) error {
	d := smsData{Phone: n.Phone, Text: n.Text, Number: n.Number}
	addr, err := run(s.url, d)
	if err != nil {
		return err
	}
	body, err := run(s.body, d)
	if err != nil {
		return err
	}
	var rd io.Reader
	if s.method != http.MethodGet {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, s.method, addr, rd)
	if err != nil {
		return errors.New(pingan.Text(pingan.ZH, "notify.send.address")) // never the address: it may hold the phone
	}
	if rd != nil {
		req.Header.Set("Content-Type", s.contentType)
	}
	res, err := clientOr(s.client).Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", channelName(pingan.ChannelSMS), redactErr(err))
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if res.StatusCode/100 != 2 {
		// A gateway may echo the phone in its answer: the error is logged.
		said := snippet(b)
		if n.Phone != "" {
			said = strings.ReplaceAll(said, n.Phone, pingan.MaskPhone(n.Phone))
		}
		return errors.New(pingan.Text(pingan.ZH, "notify.send.status", channelName(pingan.ChannelSMS), res.StatusCode, said))
	}
	return nil
}
