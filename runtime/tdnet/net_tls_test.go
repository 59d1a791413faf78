package tdnet

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSecretKey(t *testing.T) {
	a1, err := SecretKey([]byte("a"))
	require.NoError(t, err)
	a2, err := SecretKey([]byte("a"))
	require.NoError(t, err)
	b, err := SecretKey([]byte("b"))
	require.NoError(t, err)
	assert.True(t, a1.Equal(a2), "the key is derived deterministically")
	assert.False(t, a1.Equal(b))
	_, err = SecretKey(nil)
	assert.Error(t, err)
}

// netTestCA is a certificate authority for tests.
type netTestCA struct {
	cert *x509.Certificate
	key  ed25519.PrivateKey
	pool *x509.CertPool
}

func netNewCA(t *testing.T) *netTestCA {
	t.Helper()
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &netTestCA{cert: cert, key: key, pool: pool}
}

// issue returns a certificate of the CA for the given IP addresses.
func (ca *netTestCA) issue(t *testing.T, ips ...net.IP) *tls.Certificate {
	t.Helper()
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "process"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		IPAddresses:  ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, pub, ca.key)
	require.NoError(t, err)
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func TestClusterCertificates(t *testing.T) {
	ca := netNewCA(t)
	loop := net.ParseIP("127.0.0.1")
	form := func(certs ...*tls.Certificate) ([][]net.Conn, []error) {
		addrs, err := FreeLoopbackAddrs(len(certs))
		require.NoError(t, err)
		cfgs := netClusterConfigs(addrs, "fp")
		for i := range cfgs {
			cfgs[i].Secret, cfgs[i].Certificate, cfgs[i].RootCAs = nil, certs[i], ca.pool
			cfgs[i].ConnectTimeout = 2 * time.Second
		}
		return netConnectAll(t, cfgs)
	}
	conns, errs := form(ca.issue(t, loop), ca.issue(t, loop), ca.issue(t, loop))
	for i, err := range errs {
		require.NoError(t, err, "process %d", i)
	}
	netCheckPairs(t, conns)

	// A certificate of another CA: both sides fail at once. The
	// acceptor checks the dialer's certificate and tells it so.
	start := time.Now()
	_, errs = form(ca.issue(t, loop), netNewCA(t).issue(t, loop))
	assert.Less(t, time.Since(start), time.Second)
	require.ErrorIs(t, errs[0], ErrTLS)
	assert.Contains(t, errs[0].Error(), "presented a certificate this process does not trust: x509: certificate signed by unknown authority")
	require.ErrorIs(t, errs[1], ErrTLS)
	assert.Contains(t, errs[1].Error(), "rejected this process (remote error: tls: unknown certificate authority) before its hello; do the secrets or certificates differ?")

	// A certificate that does not name the host dialed.
	_, errs = form(ca.issue(t, net.ParseIP("10.9.9.9")), ca.issue(t, loop))
	require.ErrorIs(t, errs[1], ErrTLS)
	assert.Contains(t, errs[1].Error(), "certificate is valid for 10.9.9.9, not 127.0.0.1")
}
