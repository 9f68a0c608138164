package main

import (
	"errors"
	"flag"
	"fmt"

	"github.com/pingan-gov/pingan/internal/httpx"
	"github.com/pingan-gov/pingan/internal/limit"
)

// edgeFlags say how the server meets the outside: the rate limits of the
// public endpoints (限流), the reverse proxies trusted for X-Forwarded-For
// and X-Forwarded-Proto, and TLS served directly (docs/security.md).
type edgeFlags struct {
	report, query, signIn, open311Addr, open311Key, public string // limit.ParseRate's "PER_MINUTE[,BURST]"; "" the default
	proxies                                                string
	tlsCert, tlsKey                                        string

	// Built by prepare: one set of limits for every interface of the server.
	limits  *limit.Limits
	trusted httpx.Proxies
}

func (f *edgeFlags) register(fs *flag.FlagSet) {
	rate := func(p *string, name, env string, def limit.Rate, zh, en string) {
		fs.StringVar(p, name, envOr(env, def.String()), fmt.Sprintf("%s：每个来源地址每分钟次数,突发次数，0 为不限 (%s: requests a minute,burst — 0 for no limit) [%s]", zh, en, env))
	}
	rate(&f.report, "limit-report", "PINGAN_LIMIT_REPORT", limit.DefaultReport, "群众上报限流", "rate of public reports per address")
	rate(&f.query, "limit-query", "PINGAN_LIMIT_QUERY", limit.DefaultQuery, "查询码查询限流", "rate of look-ups by query code per address")
	rate(&f.signIn, "limit-signin", "PINGAN_LIMIT_SIGNIN", limit.DefaultSignIn, "登录限流（页面与接口合计）", "rate of sign-ins per address, pages and API together")
	rate(&f.open311Addr, "limit-open311-addr", "PINGAN_LIMIT_OPEN311_ADDR", limit.DefaultOpen311Addr, "Open311 每地址限流", "rate of Open311 requests per address")
	rate(&f.open311Key, "limit-open311-key", "PINGAN_LIMIT_OPEN311_KEY", limit.DefaultOpen311Key, "Open311 每密钥限流（每分钟次数）", "rate of Open311 requests per api_key")
	rate(&f.public, "limit-public", "PINGAN_LIMIT_PUBLIC", limit.DefaultPublic, "公开页面数据读取限流（接访日程、单位选择）", "rate of reads of the public pages' data (reception schedule, units' picker) per address")
	fs.StringVar(&f.proxies, "trusted-proxy", envOr("PINGAN_TRUSTED_PROXY", ""),
		"可信反向代理的地址或网段，逗号分隔；仅采信它们的 X-Forwarded-For 与 X-Forwarded-Proto (addresses or networks of the reverse proxies trusted for X-Forwarded-For and X-Forwarded-Proto, comma-separated) [PINGAN_TRUSTED_PROXY]")
	fs.StringVar(&f.tlsCert, "tls-cert", envOr("PINGAN_TLS_CERT", ""), "直接提供 HTTPS 的证书文件（PEM，含中间证书）(certificate chain, PEM, to serve HTTPS directly) [PINGAN_TLS_CERT]")
	fs.StringVar(&f.tlsKey, "tls-key", envOr("PINGAN_TLS_KEY", ""), "证书私钥文件（PEM）(the certificate's private key, PEM) [PINGAN_TLS_KEY]")
}

// prepare reads the flags into the limits and the trusted proxies.
func (f *edgeFlags) prepare() error {
	if (f.tlsCert == "") != (f.tlsKey == "") {
		return errors.New("--tls-cert 与 --tls-key 须同时给出 (give both --tls-cert and --tls-key, or neither)")
	}
	var err error
	if f.trusted, err = httpx.ParseProxies(f.proxies); err != nil {
		return fmt.Errorf("--trusted-proxy: %w", err)
	}
	lim := &limit.Limits{}
	for _, r := range []struct {
		flag, value string
		def         limit.Rate
		into        **limit.Limiter
	}{
		{"limit-report", f.report, limit.DefaultReport, &lim.Report},
		{"limit-query", f.query, limit.DefaultQuery, &lim.Query},
		{"limit-signin", f.signIn, limit.DefaultSignIn, &lim.SignIn},
		{"limit-open311-addr", f.open311Addr, limit.DefaultOpen311Addr, &lim.Open311Addr},
		{"limit-open311-key", f.open311Key, limit.DefaultOpen311Key, &lim.Open311Key},
		{"limit-public", f.public, limit.DefaultPublic, &lim.Public},
	} {
		rate := r.def
		if r.value != "" {
			if rate, err = limit.ParseRate(r.value); err != nil {
				return fmt.Errorf("--%s: %w", r.flag, err)
			}
		}
		*r.into = limit.New(rate, 0)
	}
	f.limits = lim
	return nil
}

// shared answers the limits prepare built, or limits at the default rates
// for flags never prepared.
func (f *edgeFlags) shared() *limit.Limits {
	if f.limits == nil {
		f.limits = limit.Defaults()
	}
	return f.limits
}

// tls reports whether the server serves HTTPS itself.
func (f *edgeFlags) tls() bool { return f.tlsCert != "" }
