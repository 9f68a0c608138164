package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/secret"
	"github.com/pingan-gov/pingan/store/storetest"
)

// selfSigned writes a certificate for 127.0.0.1 and its key into dir and
// answers their paths and a pool that trusts the certificate.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "pingan test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// pingan serve --tls-cert --tls-key serves HTTPS itself: every interface
// answers with HSTS and the security headers, and cookies are Secure even
// on a loopback address, where they are not by default.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	f := dbFlags{data: storetest.DataDir(t), passwords: secret.TestParams}
	db, err := f.open(context.Background(), pingan.SystemClock, true)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	out, w := io.Pipe()
	e := &cmdEnv{ctx: ctx, stdin: strings.NewReader(""), stdout: w, stderr: io.Discard}
	done := make(chan error, 1)
	go func() {
		done <- e.listenAndServe(db, serveFlags{dbFlags: f, addr: "127.0.0.1:0", tick: time.Hour, secureCookies: "auto",
			edge: edgeFlags{tlsCert: certFile, tlsKey: keyFile}}, pingan.SystemClock)
		w.Close()
		db.Close()
	}()
	t.Cleanup(func() { cancel(); <-done })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("the server did not start: %v", err)
	}
	go io.Copy(io.Discard, out)
	base := strings.TrimSpace(strings.TrimPrefix(line, "pingan listening on "))
	if !strings.HasPrefix(base, "https://") {
		t.Fatalf("listening on %q", base)
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, path := range []string{"/login", "/lang/en?next=/login", "/no/such/page", "/static/app.css", "/api/v1/healthz",
		"/api/v1/cases", "/api/docs", "/open311/v2/discovery.xml", "/open311/v2/nothing.json"} {
		res, err := c.Get(base + path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		res.Body.Close()
		h := res.Header
		if !strings.HasPrefix(h.Get("Strict-Transport-Security"), "max-age=") || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("Referrer-Policy") == "" || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s (%d): headers %v", path, res.StatusCode, h)
		}
		for _, ck := range res.Cookies() {
			if !ck.Secure {
				t.Errorf("%s: cookie %s is not Secure", path, ck.Name)
			}
		}
		if path == "/lang/en?next=/login" && len(res.Cookies()) == 0 {
			t.Errorf("%s set no cookie", path)
		}
	}
	// Plain HTTP to the TLS port is no way in.
	if res, err := http.Get("http://" + strings.TrimPrefix(base, "https://") + "/login"); err == nil {
		res.Body.Close()
		if res.StatusCode < 400 {
			t.Errorf("plain HTTP: %d", res.StatusCode)
		}
	}
}

// One flag of the two is refused, as is a bad rate or a bad proxy.
func TestEdgeFlags(t *testing.T) {
	for _, f := range []edgeFlags{{tlsCert: "c.pem"}, {tlsKey: "k.pem"}, {report: "ten"}, {open311Key: "10,0"}, {proxies: "proxy.example"}} {
		if err := f.prepare(); err == nil {
			t.Errorf("%+v accepted", f)
		}
	}
	f := edgeFlags{report: "5,7", proxies: "10.0.0.0/8"}
	if err := f.prepare(); err != nil || f.limits.Report.Rate().Burst != 7 || f.limits.SignIn.Rate().PerMinute != 10 || len(f.trusted) != 1 {
		t.Errorf("prepare: %v %+v", err, f)
	}
}
