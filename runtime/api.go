package runtime

// GeneratedVersion1 exists as long as this runtime supports code generated
// for version 1 of the interface between generated code and the runtime.
// Every generated file contains
//
//	const _ = tdrt.GeneratedVersion1
//
// so that a generated file and an incompatible runtime fail to build
// instead of misbehaving.
const GeneratedVersion1 = 1
