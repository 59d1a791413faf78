// Package tdnet is the network layer between the processes of a tdc
// computation: it connects them, authenticates them, checks that they run
// the same computation, and carries frames of bytes between them. It knows
// nothing of operators, records or timestamps; package runtime (the
// dataflow core) encodes its batches and progress updates into frames and
// decodes what arrives.
//
// # Cluster and mesh
//
// A cluster is n processes, numbered 0 to n-1, each listening on its
// address of [ClusterConfig].Addresses (for instance from a host file, see
// [ParseHostfile]). [ConnectPeers] gives every pair of processes one TCP
// connection: process p dials every process below it and accepts one
// connection from every process above it, retrying dials until the
// connect timeout, so processes may start in any order. [NewMesh] then
// runs the connections: per peer, a [FrameReader] and a [Sender], each on
// a goroutine of its own, heartbeats on idle connections, and a peer
// timeout. The first failure anywhere (a peer that closes its connection,
// goes silent, sends bytes that are not a frame, or reports its own
// failure in an error frame) fails the whole mesh: it tells every peer
// why, closes every connection and reports the error by [Mesh.Done] and
// [Mesh.Err].
//
// # TLS and the handshake
//
// Every connection is a TLS 1.3 session with mutual authentication,
// unless the cluster runs insecure: with a shared secret, both sides pin
// a key derived from it ([SecretKey]); with certificates, peers'
// certificates must chain to the given CAs. Inside the session the two
// processes exchange a hello ([DialHandshake], [AcceptHandshake]): the
// program's fingerprint, the cluster's shape (process count, index,
// workers) and the [Term]s, the values every process must agree on (each
// param's value, each input file's size and digest). Both sides send
// before either checks, so a mismatch is reported, naming what differs
// and both values, on both sides. Nothing about the program reaches a
// peer before it has authenticated.
//
// # Frames
//
// After the handshake a connection carries frames: a [FrameHeader] of
// [FrameHeaderSize] bytes (kind, flags, channel, source and target
// worker, payload length) and a payload of at most [MaxPayload] bytes,
// padded to [FrameAlign]. The kinds ([FrameKind]) are data, progress,
// stats, ping (heartbeat), goodbye and failure; what a data or progress
// payload holds is up to the core. docs/wire.md specifies the bytes.
//
// # Slabs and back-pressure
//
// Nothing is copied on the way in or out. A [FrameReader] reads from its
// connection into large receive slabs and hands out each frame as a view
// into one ([Frame]); a slab goes back to the reader's pool when every
// frame read into it was released, and a reader whose slabs are all held
// waits, which stops the peer's writer by TCP flow control. On the way
// out, producers encode frames in place into the pooled send buffers of
// a [Sender], whose writer goroutine writes them with vectored writes,
// unless a producer writes what is committed itself ([Sender.Flush]) at
// the end of a batch of work, rather than wait for the writer goroutine
// to be scheduled; a producer that finds every buffer full waits for the
// writer. Through TLS, which seals and writes one record of at most 16
// KiB at a time, the sealed records of a vectored write are gathered
// and written 256 KiB at a time. Both ends count their traffic in
// [PeerStats].
package tdnet
