package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestGoVersionLess checks the order of go directives.
func TestGoVersionLess(t *testing.T) {
	ordered := []string{"1.22", "1.22.5", "1.26", "1.26rc1", "1.26.0", "1.26.8", "1.27"}
	for i, a := range ordered {
		for j, b := range ordered {
			assert.Equal(t, i < j, goVersionLess(a, b), "%s < %s", a, b)
		}
	}
}

// TestBuildTags checks that builds use netgo and keep the tags of GOFLAGS.
func TestBuildTags(t *testing.T) {
	assert.Equal(t, "netgo", buildTags([]string{"HOME=/x"}))
	assert.Equal(t, "netgo,a,b", buildTags([]string{"GOFLAGS=-mod=mod -tags=a,b"}))
	assert.Equal(t, "netgo,c", buildTags([]string{"GOFLAGS=--tags=c"}))
}
