package pingan

// limitMessages: public endpoints under abuse: rate limits, photos checked by content, headers (web, api, open311).
var limitMessages = map[string][2]string{
	"limit.report":  {"提交过于频繁，请 %s 秒后再试", "Too many reports from this address: try again in %s seconds"},
	"limit.query":   {"查询过于频繁，请 %s 秒后再试", "Too many look-ups from this address: try again in %s seconds"},
	"limit.signin":  {"登录尝试过于频繁，请 %s 秒后再试", "Too many sign-in attempts from this address: try again in %s seconds"},
	"limit.open311": {"请求过于频繁，请 %s 秒后再试", "Too many requests: try again in %s seconds"},
}
