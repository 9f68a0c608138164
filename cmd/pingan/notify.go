package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"sync"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/jobs"
	"github.com/pingan-gov/pingan/notify"
	"github.com/pingan-gov/pingan/store"
)

// notifyFlags configure the notices that leave pingan: the staff groups'
// robots (企业微信/政务微信, 钉钉) and the citizens' text messages (短信).
// Each channel is on when its address is set.
type notifyFlags struct {
	wecom                      string
	dingtalk, dingtalkSecret   string
	smsURL, smsBody, smsMethod string
	smsContentType             string
	signWithin                 time.Duration
}

// defaultSMSBody is the body sent to a gateway when none is configured.
const defaultSMSBody = `{"phone":{{json .Phone}},"text":{{json .Text}}}`

func (f *notifyFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.wecom, "wecom-webhook", envOr("PINGAN_WECOM_WEBHOOK", ""), flagHelp("notify.flag.wecom", "PINGAN_WECOM_WEBHOOK"))
	fs.StringVar(&f.dingtalk, "dingtalk-webhook", envOr("PINGAN_DINGTALK_WEBHOOK", ""), flagHelp("notify.flag.dingtalk", "PINGAN_DINGTALK_WEBHOOK"))
	fs.StringVar(&f.dingtalkSecret, "dingtalk-secret", envOr("PINGAN_DINGTALK_SECRET", ""), flagHelp("notify.flag.dingtalk.secret", "PINGAN_DINGTALK_SECRET"))
	fs.StringVar(&f.smsURL, "sms-url", envOr("PINGAN_SMS_URL", ""), flagHelp("notify.flag.sms.url", "PINGAN_SMS_URL"))
	fs.StringVar(&f.smsBody, "sms-body", envOr("PINGAN_SMS_BODY", defaultSMSBody), flagHelp("notify.flag.sms.body", "PINGAN_SMS_BODY"))
	fs.StringVar(&f.smsMethod, "sms-method", envOr("PINGAN_SMS_METHOD", "POST"), flagHelp("notify.flag.sms.method", "PINGAN_SMS_METHOD"))
	fs.StringVar(&f.smsContentType, "sms-content-type", envOr("PINGAN_SMS_CONTENT_TYPE", "application/json; charset=utf-8"),
		flagHelp("notify.flag.sms.type", "PINGAN_SMS_CONTENT_TYPE"))
	within, _ := time.ParseDuration(envOr("PINGAN_SIGN_DUE_WITHIN", "4h"))
	fs.DurationVar(&f.signWithin, "sign-due-within", within, flagHelp("notify.flag.sign.within", "PINGAN_SIGN_DUE_WITHIN"))
}

// flagHelp is a flag's help from the catalogue, in Chinese and English, with
// its environment variable.
func flagHelp(key, env string) string {
	return pingan.Text(pingan.ZH, key) + " (" + pingan.Text(pingan.EN, key) + ") [" + env + "]"
}

// senders answers the senders of the channels configured; an address that
// is not http(s), a template that does not parse, or a secret without its
// robot is refused with the setting's name.
func (f *notifyFlags) senders(clock pingan.Clock) (notify.Channels, error) {
	cs := notify.Channels{}
	if f.wecom != "" {
		if err := notify.CheckURL("--wecom-webhook", f.wecom); err != nil {
			return nil, err
		}
		cs[pingan.ChannelWeCom] = &notify.WeCom{URL: f.wecom}
	}
	if f.dingtalkSecret != "" && f.dingtalk == "" {
		return nil, errors.New(pingan.Text(pingan.ZH, "notify.config.sign", "--dingtalk-secret", "--dingtalk-webhook"))
	}
	if f.dingtalk != "" {
		if err := notify.CheckURL("--dingtalk-webhook", f.dingtalk); err != nil {
			return nil, err
		}
		cs[pingan.ChannelDingTalk] = &notify.DingTalk{URL: f.dingtalk, Secret: f.dingtalkSecret, Clock: clock}
	}
	if f.smsURL != "" {
		if f.smsBody == "" {
			return nil, errors.New(pingan.Text(pingan.ZH, "notify.config.body", "--sms-url", "--sms-body"))
		}
		s, err := notify.NewSMS(notify.SMSConfig{URL: f.smsURL, Body: f.smsBody, Method: f.smsMethod, ContentType: f.smsContentType},
			"--sms-url", "--sms-body")
		if err != nil {
			return nil, err
		}
		cs[pingan.ChannelSMS] = s
	}
	return cs, nil
}

// start runs the notification work until ctx ends or stop is called: the
// watch of sign deadlines near (every tick), and, when a channel is
// configured, the outbox's sender. stop waits for both.
func (f *notifyFlags) start(ctx context.Context, db *store.DB, clock pingan.Clock, tick time.Duration, logger *slog.Logger) (stop func(), err error) {
	cs, err := f.senders(clock)
	if err != nil {
		return nil, err
	}
	db.Notifications.SetChannels(cs.List()...)
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		(&jobs.SignDue{Notifier: db.Notifications, Clock: clock, Within: f.signWithin, Interval: tick, Logger: logger}).Run(ctx)
	})
	if len(cs) > 0 {
		logger.Info("notices go out", "channels", cs.List())
		wg.Go(func() { (&jobs.Outbox{Outbox: db.Notifications, Sender: cs, Clock: clock, Logger: logger}).Run(ctx) })
	}
	return func() { cancel(); wg.Wait() }, nil
}
