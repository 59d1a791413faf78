package tdnet

import "sync/atomic"

// PeerStats counts the traffic on the connection to one peer, headers
// included. Its writer and its reader update it per frame, with an atomic
// add, so readers on other goroutines may load it at any time.
type PeerStats struct {
	SentBytes, SentFrames, SentHeartbeats             atomic.Int64
	ReceivedBytes, ReceivedFrames, ReceivedHeartbeats atomic.Int64
}
