package runtime

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tdflow/tdc/runtime/internal/testca"

	"github.com/tdflow/tdc/runtime/tdnet"
)

// mainRun runs Main with args and a param -input, and returns its status,
// its standard error and the configuration run got (zero when run was not
// called).
func mainRun(t *testing.T, args ...string) (int, string, Config) {
	t.Helper()
	var stderr bytes.Buffer
	var got Config
	input := "none"
	code := Main("prog", args, &stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&input, "input", input, "param input (string)")
	}, func(_ context.Context, cfg Config) error {
		got = cfg
		return nil
	})
	return code, stderr.String(), got
}

// mainHostfile writes a hostfile of two processes and returns its path.
func mainHostfile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "hosts")
	require.NoError(t, os.WriteFile(p, []byte("127.0.0.1:1\n127.0.0.1:2\n"), 0o644))
	return p
}

func TestMainRefusesUnsecuredCluster(t *testing.T) {
	t.Setenv(tdnet.SecretEnv, "")
	hosts := mainHostfile(t)
	code, stderr, _ := mainRun(t, "-n", "2", "-hostfile", hosts)
	assert.Equal(t, ExitUsage, code)
	for _, flag := range []string{"-secret-file", "$TDC_SECRET", "-tls-cert/-tls-key/-tls-ca", "-insecure"} {
		assert.Contains(t, stderr, flag)
	}
	code, stderr, cfg := mainRun(t, "-n", "2", "-hostfile", hosts, "-insecure")
	require.Equal(t, 0, code, stderr)
	assert.True(t, cfg.Cluster.Insecure)
	assert.Empty(t, cfg.Cluster.Secret)

	// One process needs nothing.
	code, stderr, _ = mainRun(t)
	assert.Equal(t, 0, code, stderr)

	code, stderr, _ = mainRun(t, "-n", "2", "-hostfile", hosts, "-insecure", "-tls-cert", "c")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, stderr, "give only one of")
	code, stderr, _ = mainRun(t, "-n", "2", "-hostfile", hosts, "-tls-cert", "c")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, stderr, "-tls-cert, -tls-key and -tls-ca go together")
}

func TestMainSecretFile(t *testing.T) {
	t.Setenv(tdnet.SecretEnv, "from env")
	hosts := mainHostfile(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "secret")
	require.NoError(t, os.WriteFile(file, []byte("from file\n"), 0o600))
	code, stderr, cfg := mainRun(t, "-n", "2", "-hostfile", hosts, "-secret-file", file)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "from file", string(cfg.Cluster.Secret))
	assert.Empty(t, os.Getenv(tdnet.SecretEnv), "the secret is not passed on")

	t.Setenv(tdnet.SecretEnv, "from env")
	code, stderr, cfg = mainRun(t, "-n", "2", "-hostfile", hosts)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "from env", string(cfg.Cluster.Secret))

	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.WriteFile(empty, []byte("\n"), 0o600))
	code, stderr, _ = mainRun(t, "-n", "2", "-hostfile", hosts, "-secret-file", empty)
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, stderr, "is empty")
	code, stderr, _ = mainRun(t, "-n", "2", "-hostfile", hosts, "-secret-file", filepath.Join(dir, "missing"))
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, stderr, "-secret-file: open ")
	// There is no flag that takes the secret itself.
	for _, args := range [][]string{{"-secret", "x"}, {"--secret=x"}} {
		code, stderr, _ = mainRun(t, append([]string{"-n", "2", "-hostfile", hosts}, args...)...)
		assert.Equal(t, ExitUsage, code)
		assert.Contains(t, stderr, "there is no -secret flag (a secret on the command line shows in ps): give -secret-file FILE, or $TDC_SECRET")
		assert.NotContains(t, stderr, "x\n")
	}
}

func TestMainUsageHidesSecret(t *testing.T) {
	const secret = "do-not-show-me-4f1c"
	t.Setenv(tdnet.SecretEnv, secret)
	code, stderr, _ := mainRun(t, "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, stderr, "-secret-file")
	assert.Contains(t, stderr, "-insecure")
	assert.Contains(t, stderr, "-peer-timeout")
	assert.NotContains(t, stderr, secret)
	t.Setenv(tdnet.SecretEnv, secret)
	code, stderr, _ = mainRun(t, "-bogus")
	assert.Equal(t, ExitUsage, code)
	assert.NotContains(t, stderr, secret)
	file := filepath.Join(t.TempDir(), "s")
	require.NoError(t, os.WriteFile(file, []byte(secret), 0o600))
	code, stderr, _ = mainRun(t, "-n", "2", "-secret-file", file)
	assert.Equal(t, ExitUsage, code)
	assert.NotContains(t, stderr, secret)
}

func TestMainTimeoutsAndTerms(t *testing.T) {
	t.Setenv(tdnet.SecretEnv, "s")
	hosts := mainHostfile(t)
	code, stderr, cfg := mainRun(t, "-n", "2", "-hostfile", hosts)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, tdnet.DefaultPeerTimeout, cfg.Cluster.PeerTimeout)
	assert.Equal(t, []tdnet.Term{{Name: "param input", Value: "none"}}, cfg.Cluster.Terms)

	input := filepath.Join(t.TempDir(), "in.txt")
	require.NoError(t, os.WriteFile(input, []byte("a\nb\n"), 0o644))
	t.Setenv(tdnet.SecretEnv, "s")
	code, stderr, cfg = mainRun(t, "-n", "2", "-hostfile", hosts, "-input", input,
		"-peer-timeout", "90s", "-connect-timeout", "2m", "-handshake-timeout", "3s")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "1m30s 2m0s 3s", strings.Join([]string{cfg.Cluster.PeerTimeout.String(), cfg.Cluster.ConnectTimeout.String(), cfg.Cluster.HandshakeTimeout.String()}, " "))
	assert.Equal(t, []tdnet.Term{{Name: "param input", Value: input}}, cfg.Cluster.Terms)
}

func TestMainCertificateFlags(t *testing.T) {
	t.Setenv(tdnet.SecretEnv, "ignored when certificates are given")
	ca := testca.New(t)
	cert := ca.Issue(t)
	dir := t.TempDir()
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600))
		return p
	}
	key, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	require.NoError(t, err)
	certFile := write("cert.pem", "CERTIFICATE", cert.Certificate[0])
	keyFile := write("key.pem", "PRIVATE KEY", key)
	caFile := write("ca.pem", "CERTIFICATE", ca.Cert.Raw)
	hosts := mainHostfile(t)
	code, stderr, cfg := mainRun(t, "-n", "2", "-hostfile", hosts, "-tls-cert", certFile, "-tls-key", keyFile, "-tls-ca", caFile)
	require.Equal(t, 0, code, stderr)
	require.NotNil(t, cfg.Cluster.Certificate)
	assert.NotNil(t, cfg.Cluster.RootCAs)
	assert.Empty(t, cfg.Cluster.Secret)

	code, stderr, _ = mainRun(t, "-n", "2", "-hostfile", hosts, "-tls-cert", certFile, "-tls-key", keyFile, "-tls-ca", keyFile)
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, stderr, "no PEM certificate in it")
}

func TestInputTerms(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "in.txt")
	require.NoError(t, os.WriteFile(file, []byte("abc\n"), 0o644))
	c := &Computation{}
	c.InputFile("p.tdf:3:2", file)
	c.InputFile("p.tdf:4:2", filepath.Join(dir, "missing"))
	terms := c.inputTerms()
	require.Len(t, terms, 2)
	assert.Equal(t, "input of lines at p.tdf:3:2", terms[0].Name)
	assert.Regexp(t, `^4 bytes, sha256 of its ends [0-9a-f]{16}$`, terms[0].Value)
	assert.Equal(t, "input of lines at p.tdf:4:2", terms[1].Name)
	assert.Contains(t, terms[1].Value, "cannot be read: open ")
}

// TestPerProcessParams: params declared (per process) are left out of
// the handshake's terms, and their flags still parse, bools without a
// value.
func TestPerProcessParams(t *testing.T) {
	fs := flag.NewFlagSet("prog", flag.ContinueOnError)
	ours := map[string]bool{"w": true}
	fs.Int("w", 1, "workers")
	limit := fs.Int("limit", 10, "param limit (int)")
	seed := fs.Int64("seed", 7, "param seed (int64)")
	verbose := fs.Bool("verbose", false, "param verbose (bool)")
	PerProcessFlag(fs, "seed")
	PerProcessFlag(fs, "verbose")
	PerProcessFlag(fs, "missing")
	require.NoError(t, fs.Parse([]string{"-limit", "20", "-seed", "3", "-verbose"}))
	assert.Equal(t, 20, *limit)
	assert.Equal(t, int64(3), *seed)
	assert.True(t, *verbose)
	assert.Equal(t, []tdnet.Term{tdnet.NewTerm("param limit", "20")}, paramTerms(fs, ours))
	assert.Equal(t, "3", fs.Lookup("seed").Value.String())
}
