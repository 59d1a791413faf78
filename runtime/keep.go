package runtime

import (
	"reflect"
	"strings"
	"sync"
	"unsafe"
)

// Records that hold strings share their bytes with the block they were
// read from (a lines source hands out lines of one 256 KiB block, and a
// decoded batch's strings share one string per batch): a record that is
// passed on and dropped costs no copy. State that keeps a record past
// its batch, such as a new key of a keyed state, copies its strings with
// Keep, so that a few words kept do not hold whole blocks alive.

// Keep returns v with each string in it (v itself, or the strings among
// the fields and elements of a struct or array, at any depth) copied to
// memory of its own. Strings behind pointers, in interfaces or maps are
// left as they are. A type without strings costs a look-up in a cache.
func Keep[T any](v T) T {
	if s, ok := any(v).(string); ok {
		*(*string)(unsafe.Pointer(&v)) = strings.Clone(s)
		return v
	}
	keepStrings(unsafe.Pointer(&v), stringOffsets(reflect.TypeFor[T]()))
	return v
}

// keepStrings copies the strings at offsets offs of the value at p.
func keepStrings(p unsafe.Pointer, offs []uintptr) {
	for _, off := range offs {
		s := (*string)(unsafe.Add(p, off))
		*s = strings.Clone(*s)
	}
}

// A stringArena copies the strings a state keeps into chunks of its own,
// one allocation per chunk rather than one per string. A chunk's bytes
// are written once and never reused, so a string it handed out stays
// valid for as long as anything refers to it (a record already sent on),
// after the state that kept it is reset. A chunk lives while any of its
// strings does: the arena's chunks hold only kept keys, not the text
// they came from.
type stringArena struct {
	chunk []byte
}

const (
	arenaFirstChunk = 512
	arenaMaxChunk   = 64 << 10
)

// keep copies the strings at offsets offs of the value at p into the
// arena.
func (a *stringArena) keep(p unsafe.Pointer, offs []uintptr) {
	for _, off := range offs {
		s := (*string)(unsafe.Add(p, off))
		*s = a.copy(*s)
	}
}

// copy returns a copy of s in the arena's memory.
func (a *stringArena) copy(s string) string {
	n := len(s)
	switch {
	case n == 0:
		return ""
	case n > arenaMaxChunk/8:
		return strings.Clone(s) // a long string gets memory of its own
	case cap(a.chunk)-len(a.chunk) < n:
		size := min(max(2*cap(a.chunk), arenaFirstChunk), arenaMaxChunk)
		a.chunk = make([]byte, 0, size)
	}
	at := len(a.chunk)
	a.chunk = append(a.chunk, s...)
	return unsafe.String(&a.chunk[at], n)
}

// offsetCache maps a reflect.Type to the offsets of the strings in its
// values ([]uintptr, nil for none).
var offsetCache sync.Map

// stringOffsets returns the offsets of the strings held directly in a
// value of type t, in its fields and elements.
func stringOffsets(t reflect.Type) []uintptr {
	if offs, ok := offsetCache.Load(t); ok {
		return offs.([]uintptr)
	}
	offs := appendStringOffsets(nil, t, 0)
	offsetCache.Store(t, offs)
	return offs
}

func appendStringOffsets(offs []uintptr, t reflect.Type, base uintptr) []uintptr {
	switch t.Kind() {
	case reflect.String:
		offs = append(offs, base)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			offs = appendStringOffsets(offs, f.Type, base+f.Offset)
		}
	case reflect.Array:
		for i := range t.Len() {
			offs = appendStringOffsets(offs, t.Elem(), base+uintptr(i)*t.Elem().Size())
		}
	}
	return offs
}
