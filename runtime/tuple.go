package runtime

// Tuple2 is the record type of a pair (A, B) in a .tdf program.
type Tuple2[T0, T1 any] struct {
	F0 T0
	F1 T1
}

// Tuple3 is the record type of a triple (A, B, C).
type Tuple3[T0, T1, T2 any] struct {
	F0 T0
	F1 T1
	F2 T2
}

// Tuple4 is the record type of a quadruple (A, B, C, D).
type Tuple4[T0, T1, T2, T3 any] struct {
	F0 T0
	F1 T1
	F2 T2
	F3 T3
}

// MakeTuple2 returns the pair (f0, f1).
func MakeTuple2[T0, T1 any](f0 T0, f1 T1) Tuple2[T0, T1] {
	return Tuple2[T0, T1]{f0, f1}
}

// MakeTuple3 returns the triple (f0, f1, f2).
func MakeTuple3[T0, T1, T2 any](f0 T0, f1 T1, f2 T2) Tuple3[T0, T1, T2] {
	return Tuple3[T0, T1, T2]{f0, f1, f2}
}

// MakeTuple4 returns the quadruple (f0, f1, f2, f3).
func MakeTuple4[T0, T1, T2, T3 any](f0 T0, f1 T1, f2 T2, f3 T3) Tuple4[T0, T1, T2, T3] {
	return Tuple4[T0, T1, T2, T3]{f0, f1, f2, f3}
}
