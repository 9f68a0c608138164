package httpx

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the networks of the reverse proxies trusted to say where a
// request came from (X-Forwarded-For) and whether it came over TLS
// (X-Forwarded-Proto). A forwarded header from any other peer is ignored:
// anyone can write one.
type Proxies []netip.Prefix

// ParseProxies reads a comma-separated list of addresses and networks
// ("127.0.0.1,10.0.0.0/8"); "" is none.
func ParseProxies(s string) (Proxies, error) {
	var ps Proxies
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("代理地址无效 (not an address): %q", f)
			}
			ps = append(ps, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("代理网段无效 (not a network): %q", f)
		}
		ps = append(ps, p.Masked())
	}
	return ps, nil
}

func (ps Proxies) trusts(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peer answers the address of the connection's other end.
func peer(r *http.Request) (netip.Addr, string) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, host
	}
	return a.Unmap(), a.Unmap().String()
}

// Client answers the address the request came from: the peer's, or, when
// the peer is a trusted proxy, the last address of X-Forwarded-For that is
// not a trusted proxy (the ones before it are whatever the client wrote).
func (ps Proxies) Client(r *http.Request) string {
	a, host := peer(r)
	if !a.IsValid() || !ps.trusts(a) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return host // a hop that is no address: trust nothing before it
		}
		if !ps.trusts(h) {
			return h.Unmap().String()
		}
	}
	return host
}

// HTTPS reports whether the request came over TLS: to this server, or to a
// trusted proxy that says so in X-Forwarded-Proto.
func (ps Proxies) HTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	a, _ := peer(r)
	return a.IsValid() && ps.trusts(a) && strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https")
}
