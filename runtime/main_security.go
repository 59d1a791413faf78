package runtime

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/tdflow/tdc/runtime/tdnet"
)

// securityFlags are the flags of a generated binary that say how its
// connections are secured, and the network's timeouts. No flag takes a
// secret itself (it would show in ps): it comes from a file or from the
// environment, and no usage text shows it.
type securityFlags struct {
	secretFile             string
	tlsCert, tlsKey, tlsCA string
	insecure               bool
	getenv                 func(string) string // os.Getenv; tests replace it
}

func (sf *securityFlags) register(fs *flag.FlagSet, cl *tdnet.ClusterConfig) {
	fs.StringVar(&sf.secretFile, "secret-file", "", "file holding the shared secret that authenticates the processes (TLS); else $"+tdnet.SecretEnv+" is read")
	fs.StringVar(&sf.tlsCert, "tls-cert", "", "this process's TLS certificate (PEM), with -tls-key and -tls-ca, instead of a secret")
	fs.StringVar(&sf.tlsKey, "tls-key", "", "the private key of -tls-cert (PEM)")
	fs.StringVar(&sf.tlsCA, "tls-ca", "", "CA certificates (PEM) the peers' certificates must chain to")
	fs.BoolVar(&sf.insecure, "insecure", false, "run without TLS: anyone who reaches a port is trusted (only on a trusted network)")
	fs.DurationVar(&cl.ConnectTimeout, "connect-timeout", tdnet.DefaultConnectTimeout, "how long to wait for every process to come")
	fs.DurationVar(&cl.HandshakeTimeout, "handshake-timeout", tdnet.DefaultHandshakeTimeout, "how long the handshake of one connection (TLS and tdc's) may take")
	fs.DurationVar(&cl.PeerTimeout, "peer-timeout", tdnet.DefaultPeerTimeout, "a peer that sends nothing, not even a heartbeat, for this long has failed")
}

// apply sets how cl's connections are secured. A cluster of several
// processes needs exactly one way: a secret (-secret-file or the
// environment), certificates, or -insecure.
func (sf *securityFlags) apply(cl *tdnet.ClusterConfig) error {
	getenv := sf.getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	env := getenv(tdnet.SecretEnv)
	// The secret is not passed on to programs this one starts.
	os.Unsetenv(tdnet.SecretEnv)
	certs := sf.tlsCert != "" || sf.tlsKey != "" || sf.tlsCA != ""
	n := 0
	for _, on := range []bool{sf.secretFile != "", certs, sf.insecure} {
		if on {
			n++
		}
	}
	if n > 1 {
		return errors.New("give only one of -secret-file, -tls-cert/-tls-key/-tls-ca and -insecure")
	}
	switch {
	case sf.insecure:
		cl.Insecure = true
	case certs:
		if sf.tlsCert == "" || sf.tlsKey == "" || sf.tlsCA == "" {
			return errors.New("-tls-cert, -tls-key and -tls-ca go together")
		}
		cert, err := tls.LoadX509KeyPair(sf.tlsCert, sf.tlsKey)
		if err != nil {
			return fmt.Errorf("-tls-cert %s, -tls-key %s: %v", sf.tlsCert, sf.tlsKey, err)
		}
		pem, err := os.ReadFile(sf.tlsCA)
		if err != nil {
			return fmt.Errorf("-tls-ca: %v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return fmt.Errorf("-tls-ca %s: no PEM certificate in it", sf.tlsCA)
		}
		cl.Certificate, cl.RootCAs = &cert, pool
	case sf.secretFile != "":
		secret, err := ReadSecretFile(sf.secretFile)
		if err != nil {
			return err
		}
		cl.Secret = secret
	case env != "":
		cl.Secret = []byte(env)
	case cl.Processes > 1:
		return fmt.Errorf("-n %d: the connections between processes must be authenticated: give -secret-file (or $%s), or -tls-cert/-tls-key/-tls-ca, or -insecure to run without TLS on a trusted network (tdc launch gives its processes a secret)", cl.Processes, tdnet.SecretEnv)
	}
	return nil
}

// refuseSecretFlag explains the -secret flag of older versions, which
// showed the secret to everyone who can list processes, without showing
// the secret.
func refuseSecretFlag(args []string) error {
	for _, a := range args {
		if a == "--" {
			return nil
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && name == "secret" {
			return fmt.Errorf("there is no -secret flag (a secret on the command line shows in ps): give -secret-file FILE, or $%s", tdnet.SecretEnv)
		}
	}
	return nil
}

// ReadSecretFile reads a shared secret from the file at path, without its
// trailing newline. An empty secret is an error. Errors never show the
// secret.
func ReadSecretFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("-secret-file: %v", err)
	}
	s := strings.TrimRight(string(b), "\r\n")
	if s == "" {
		return nil, fmt.Errorf("-secret-file %s is empty", path)
	}
	return []byte(s), nil
}

// paramTerms returns the terms of the params: the flags of fs that are
// not in ours, each with its value as the flag prints it. Every process
// of a computation must agree on them. (The files that sources read are
// compared too: see [Computation.InputFile].)
func paramTerms(fs *flag.FlagSet, ours map[string]bool) []tdnet.Term {
	var terms []tdnet.Term
	fs.VisitAll(func(f *flag.Flag) {
		if _, local := f.Value.(perProcessValue); !ours[f.Name] && !local {
			terms = append(terms, tdnet.NewTerm("param "+f.Name, f.Value.String()))
		}
	})
	return terms
}

// PerProcessFlag marks the flag name of fs, a param declared "(per
// process)", as one whose value may differ between the processes of a
// computation: the handshake does not compare it. Generated
// RegisterFlags call it.
func PerProcessFlag(fs *flag.FlagSet, name string) {
	f := fs.Lookup(name)
	if f == nil {
		return
	}
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		f.Value = &perProcessBool{perProcess{f.Value}}
		return
	}
	f.Value = &perProcess{f.Value}
}

// perProcessValue is the flag.Value of a param declared (per process).
type perProcessValue interface {
	flag.Value
	localValue() flag.Value
}

// perProcess wraps the flag.Value of a per-process param.
type perProcess struct{ v flag.Value }

func (p *perProcess) String() string {
	if p == nil || p.v == nil {
		return ""
	}
	return p.v.String()
}

func (p *perProcess) Set(s string) error     { return p.v.Set(s) }
func (p *perProcess) localValue() flag.Value { return p.v }

// Get returns the value, as a flag.Getter does.
func (p *perProcess) Get() any {
	if g, ok := p.v.(flag.Getter); ok {
		return g.Get()
	}
	return p.v.String()
}

// perProcessBool is perProcess for a bool param, which takes -name
// without a value.
type perProcessBool struct{ perProcess }

func (*perProcessBool) IsBoolFlag() bool { return true }
