package httpx

import (
	"crypto/tls"
	"net/http/httptest"
	"testing"
)

// A forwarded address or scheme is believed only from a trusted proxy, and
// then only up to the last hop that is no trusted proxy.
func TestProxies(t *testing.T) {
	ps, err := ParseProxies(" 10.0.0.0/8, 127.0.0.1,::1 ")
	if err != nil || len(ps) != 3 {
		t.Fatalf("parse: %v %v", ps, err)
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example", "1.2.3"} {
		if _, err := ParseProxies(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	tests := []struct {
		peer, xff, proto string
		client           string
		https            bool
	}{
		{"203.0.113.9:5000", "198.51.100.1", "https", "203.0.113.9", false}, // an untrusted peer: nothing forwarded counts
		{"127.0.0.1:5000", "", "", "127.0.0.1", false},
		{"127.0.0.1:5000", "198.51.100.1", "https", "198.51.100.1", true},
		{"10.1.2.3:5000", "6.6.6.6, 198.51.100.1, 10.0.0.5", "HTTPS", "198.51.100.1", true}, // the client's own hop is not believed
		{"[::1]:5000", "garbage, 198.51.100.1", "http", "198.51.100.1", false},
		{"127.0.0.1:5000", "198.51.100.1, garbage", "", "127.0.0.1", false},
		{"[::ffff:127.0.0.1]:5000", "198.51.100.1", "", "198.51.100.1", false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.peer
		if tt.xff != "" {
			r.Header.Set("X-Forwarded-For", tt.xff)
		}
		r.Header.Set("X-Forwarded-Proto", tt.proto)
		if got := ps.Client(r); got != tt.client {
			t.Errorf("%s %q: client %q, want %q", tt.peer, tt.xff, got, tt.client)
		}
		if got := ps.HTTPS(r); got != tt.https {
			t.Errorf("%s %q: https %v", tt.peer, tt.proto, got)
		}
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.TLS = &tls.ConnectionState{}
	if !Proxies(nil).HTTPS(r) {
		t.Error("a request over TLS is not HTTPS")
	}
}
