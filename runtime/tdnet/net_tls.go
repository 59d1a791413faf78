package tdnet

import (
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"slices"
	"time"
)

// Every connection between processes is a TLS 1.3 session (Go's
// crypto/tls) with mutual authentication, unless the cluster runs
// insecure (docs/security.md):
//
//   - With a shared secret, every process derives the same ed25519 key
//     from the secret (HKDF-SHA256) and presents a self-signed
//     certificate of it. A peer is accepted only if its certificate's
//     key is that key: chain verification is replaced by this pin, on
//     both sides. Knowing the secret is what authenticates a process.
//   - With certificates, each process presents its own, and peers'
//     certificates must chain to the given CAs; a dialer also checks
//     that the certificate names the host it dialed.
//
// The hello and the terms travel inside the session, so nothing about
// the program reaches a peer that has not authenticated.

// tlsALPN is the application protocol tdc processes offer, so that an
// acceptor can tell a tdc process with other credentials (an error of
// the user's, which ends the formation) from any other TLS client
// (which is dropped).
const tlsALPN = "tdc/2"

// Replies to a peer that speaks in the clear to a process that speaks TLS,
// or the reverse: 8 bytes that the other side recognizes, so that both
// report the mismatch at once.
var (
	replyTLSRequired = []byte("TDCS\x02\x00\x00\x00") // a TLS acceptor to a plaintext dialer
	replyInsecure    = []byte("TDCI\x02\x00\x00\x00") // an insecure acceptor to a TLS dialer
)

// errOtherSecret is the pin check's failure.
var errOtherSecret = errors.New("its certificate is not of this cluster's secret")

// secretKeyInfo labels the key derivation, so that the derived key is of
// no other use of the secret.
const secretKeyInfo = "tdc cluster tls ed25519 key v2"

// SecretKey returns the ed25519 key every process of a cluster with
// the given secret presents: HKDF-SHA256 of the secret, salt "tdc",
// info "tdc cluster tls ed25519 key v2", as the key's seed.
func SecretKey(secret []byte) (ed25519.PrivateKey, error) {
	if len(secret) == 0 {
		return nil, errors.New("empty secret")
	}
	seed, err := hkdf.Key(sha256.New, secret, []byte("tdc"), secretKeyInfo, ed25519.SeedSize)
	if err != nil {
		return nil, err
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// secretCertificate returns the self-signed certificate of key.
func secretCertificate(key ed25519.PrivateKey) (tls.Certificate, error) {
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "tdc cluster"},
		NotBefore:    time.Unix(0, 0),
		NotAfter:     time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// netSecurity is how a process secures its connections: a TLS
// configuration, or none when insecure.
type netSecurity struct {
	base   *tls.Config // nil when insecure
	secret bool        // authenticated by the secret's pin
}

// newNetSecurity returns the security of c, which was validated.
func newNetSecurity(c ClusterConfig) (*netSecurity, error) {
	switch {
	case c.Insecure:
		return &netSecurity{}, nil
	case c.Certificate != nil:
		return &netSecurity{base: &tls.Config{
			MinVersion:   tls.VersionTLS13,
			Certificates: []tls.Certificate{*c.Certificate},
			RootCAs:      c.RootCAs,
			ClientCAs:    c.RootCAs,
			ClientAuth:   tls.RequireAndVerifyClientCert,
			NextProtos:   []string{tlsALPN},
		}}, nil
	}
	key, err := SecretKey(c.Secret)
	if err != nil {
		return nil, err
	}
	cert, err := secretCertificate(key)
	if err != nil {
		return nil, err
	}
	pin := key.Public().(ed25519.PublicKey)
	verify := func(raw [][]byte, _ [][]*x509.Certificate) error {
		if len(raw) == 0 {
			return errors.New("no certificate")
		}
		peer, err := x509.ParseCertificate(raw[0])
		if err != nil {
			return err
		}
		if k, ok := peer.PublicKey.(ed25519.PublicKey); !ok || !k.Equal(pin) {
			return errOtherSecret
		}
		return nil
	}
	return &netSecurity{secret: true, base: &tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{cert},
		// Chain verification is replaced by the pin, on both sides.
		InsecureSkipVerify:    true,
		ClientAuth:            tls.RequireAnyClientCert,
		VerifyPeerCertificate: verify,
		NextProtos:            []string{tlsALPN},
	}}, nil
}

// secureConn is a TLS session over a TCP connection. Closing it closes
// the TCP connection at once, and CloseWrite half-closes it, without a
// TLS close_notify, which could block on a peer that does not read: the
// frames' goodbye is the clean end of a stream, so a truncation cannot
// pass for one.
type secureConn struct {
	*tls.Conn
	raw    net.Conn
	sealed *sealedWriter // between Conn and raw: gathers sealed records (WriteBuffers)
}

func (c *secureConn) Close() error { return c.raw.Close() }

func (c *secureConn) CloseWrite() error {
	if cw, ok := c.raw.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// prefixConn is a connection whose first bytes were read already.
type prefixConn struct {
	net.Conn
	prefix []byte
}

func (c *prefixConn) Read(p []byte) (int, error) {
	if len(c.prefix) > 0 {
		n := copy(p, c.prefix)
		c.prefix = c.prefix[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}

func (c *prefixConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// client runs the TLS handshake of a dialed connection to addr and
// returns the connection to run the tdc handshake on. Errors wrap
// ErrSecret or ErrTLS, fatal when the peer's credentials differ, or
// ErrHandshake.
func (s *netSecurity) client(conn net.Conn, addr string) (net.Conn, error) {
	if s.base == nil {
		return conn, nil
	}
	cfg := s.base.Clone()
	if !s.secret {
		host, _, _ := net.SplitHostPort(addr)
		cfg.ServerName = host
	}
	sw := &sealedWriter{Conn: conn}
	tc := tls.Client(sw, cfg)
	if err := tc.Handshake(); err != nil {
		var rhe tls.RecordHeaderError
		if errors.As(err, &rhe) && string(rhe.RecordHeader[:4]) == string(replyInsecure[:4]) {
			return nil, &wireError{kind: ErrSecret, msg: "runs with -insecure, without TLS, and this process with TLS (give every process the same -secret-file, certificates, or -insecure)", fatal: true}
		}
		return nil, s.credentialError(err, true, "during the TLS handshake")
	}
	return &secureConn{Conn: tc, raw: conn, sealed: sw}, nil
}

// server runs the TLS handshake of an accepted connection. It returns
// what to run the tdc handshake on, and the connection for the mesh. An
// error is fatal only when the peer offered tdc's protocol and its
// credentials differ (the caller decides whether that ends the
// formation), or, when insecure, the peer speaks TLS.
func (s *netSecurity) server(conn net.Conn) (io.ReadWriter, net.Conn, error) {
	var head [4]byte
	if _, err := io.ReadFull(conn, head[:]); err != nil {
		return nil, nil, handshakeIOError(err, "before its first bytes")
	}
	pc := &prefixConn{Conn: conn, prefix: head[:]}
	if s.base == nil {
		if head[0] == 0x16 && head[1] == 0x03 { // a TLS handshake record
			conn.Write(replyInsecure)
			return nil, nil, &wireError{kind: ErrSecret, msg: "speaks TLS (it has a secret or certificates), and this process runs with -insecure", fatal: true}
		}
		// The handshake reads the peeked bytes; the mesh gets conn itself.
		return pc, conn, nil
	}
	if head == helloMagic {
		conn.Write(replyTLSRequired)
		return nil, nil, wireErrorf(ErrSecret, "connected without TLS (it runs with -insecure), and this process requires TLS")
	}
	offered := false
	cfg := s.base.Clone()
	cfg.GetConfigForClient = func(hi *tls.ClientHelloInfo) (*tls.Config, error) {
		offered = slices.Contains(hi.SupportedProtos, tlsALPN)
		return nil, nil
	}
	sw := &sealedWriter{Conn: pc}
	tc := tls.Server(sw, cfg)
	if err := tc.Handshake(); err != nil {
		return nil, nil, s.credentialError(err, offered, "during the TLS handshake")
	}
	sc := &secureConn{Conn: tc, raw: pc, sealed: sw}
	return sc, sc, nil
}

// credentialError describes a failed TLS handshake; fatal says whether a
// mismatch of credentials rules out trying again.
func (s *netSecurity) credentialError(err error, fatal bool, when string) error {
	var cve *tls.CertificateVerificationError
	switch {
	case errors.Is(err, errOtherSecret):
		return &wireError{kind: ErrSecret, msg: "presented the certificate of another secret (the secrets differ)", fatal: fatal}
	case errors.As(err, &cve):
		return &wireError{kind: ErrTLS, msg: fmt.Sprintf("presented a certificate this process does not trust: %v", cve.Err), fatal: fatal}
	case isRemoteTLSAlert(err):
		kind, what := ErrTLS, "certificates"
		if s.secret {
			kind, what = ErrSecret, "secrets"
		}
		return &wireError{kind: kind, msg: fmt.Sprintf("rejected this process's certificate (%v; do the %s differ?)", err, what), fatal: fatal}
	}
	return handshakeIOError(err, when)
}

// isTLSAlert reports whether err is a TLS alert, sent or received.
func isTLSAlert(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && (oe.Op == "local error" || oe.Op == "remote error")
}

// isRemoteTLSAlert reports whether err is a TLS alert the peer sent.
func isRemoteTLSAlert(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "remote error"
}

// tlsAlertError describes a TLS alert during the tdc handshake: after
// the TLS handshake, a peer that rejects this process's certificate
// tells so with an alert (TLS 1.3 finishes the client's side of the
// handshake before the server checks its certificate).
func tlsAlertError(err error, when string) error {
	if isRemoteTLSAlert(err) {
		return &wireError{kind: ErrTLS, msg: fmt.Sprintf("rejected this process (%v) %s; do the secrets or certificates differ?", err, when), fatal: true}
	}
	return wireErrorf(ErrTLS, "broke the TLS session %s: %v", when, err)
}
