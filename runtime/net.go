package runtime

import (
	"io"

	"github.com/tdflow/tdc/runtime/tdnet"
)

// The network layer between processes (frames, slabs, the handshake, the
// mesh and TLS) is package tdnet. These names give programs that use the
// runtime as a Go library (and generated code, which imports only this
// package) the parts of it that appear in Config and Stats.

// ClusterConfig describes the processes of a computation and how they
// connect (see [tdnet.ClusterConfig]).
type ClusterConfig = tdnet.ClusterConfig

// Term is one value every process of a computation must agree on, compared
// by the handshake (see [tdnet.Term]).
type Term = tdnet.Term

// PeerStats counts the traffic on the connection to one peer, headers
// included (see [tdnet.PeerStats]).
type PeerStats = tdnet.PeerStats

// SecretEnv is the environment variable that holds the cluster's shared
// secret when no -secret-file is given.
const SecretEnv = tdnet.SecretEnv

// ParseHostfile reads a host file, one host:port per line, process 0
// first (see [tdnet.ParseHostfile]).
func ParseHostfile(r io.Reader, name string) ([]string, error) {
	return tdnet.ParseHostfile(r, name)
}
