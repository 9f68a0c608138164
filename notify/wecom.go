package notify

import (
	"context"
	"net/http"

	"github.com/pingan-gov/pingan"
)

// WeCom is a group robot of 企业微信 (WeCom) or 政务微信, which speaks the
// same API: a POST of {"msgtype":"text","text":{"content":"…"}} to the
// robot's webhook address
// (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…), answered by
// {"errcode":0,"errmsg":"ok"}.
type WeCom struct {
	URL    string       // the robot's webhook address, with its key
	Client *http.Client // nil: a client with a 15 s timeout
}

// Send posts the notice's text to the group.
func (w *WeCom) Send(ctx context.Context, n *pingan.Notice) error {
	return postRobot(ctx, w.Client, channelName(pingan.ChannelWeCom), w.URL, newRobotText(n.Text))
}
