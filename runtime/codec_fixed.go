package runtime

import (
	"encoding/binary"
	"slices"
	"unsafe"
)

// LittleEndian reports whether this machine lays numbers out in memory as
// the wire does, little-endian first.
var LittleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// FixedCodec returns the bulk codec for records of fixed layout (numbers
// of fixed size, and arrays and structs of them without padding) on a
// little-endian machine, where a batch's memory is its encoding; on other
// machines it returns fieldwise, the codec that encodes field by field.
// Both produce the same bytes.
func FixedCodec[T any](fieldwise Codec[T]) Codec[T] {
	if !LittleEndian {
		return fieldwise
	}
	return Codec[T]{Append: appendFixed[T], Decode: decodeFixed[T]}
}

// appendFixed appends the count of recs and their memory.
func appendFixed[T any](dst []byte, recs []T) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(recs)))
	if len(recs) == 0 {
		return dst
	}
	size := int(unsafe.Sizeof(recs[0]))
	return append(dst, unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(recs))), len(recs)*size)...)
}

// decodeFixed appends the records that appendFixed encoded to dst.
func decodeFixed[T any](src []byte, dst []T) ([]T, error) {
	var zero T
	size := int(unsafe.Sizeof(zero))
	r := NewReader(src)
	n := r.Len(size)
	p := r.take(n*size, "records")
	if err := r.Finish(); err != nil {
		return dst, err
	}
	if n == 0 {
		return dst, nil
	}
	start := len(dst)
	dst = slices.Grow(dst, n)[:start+n]
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&dst[start])), n*size), p)
	return dst, nil
}
