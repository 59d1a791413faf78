// Package tdc carries the source of the runtime (package runtime, which
// generated code imports as tdrt) for the tdc command: tdc build and tdc
// run copy it into the module they build a binary in, so that tdc works
// however it was installed (go install, go tool, -trimpath) without
// finding its source tree.
package tdc

import "embed"

// RuntimeSource holds the runtime's Go files, tests included;
// tdc copies the others.
//
//go:embed runtime/*.go
var RuntimeSource embed.FS
