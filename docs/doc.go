// Package docs holds the project's documentation: language.md, the
// reference of the .tdf language, and design.md, the architecture of the
// compiler and the runtime. Its tests compile every program of
// language.md and run the ones whose output the document shows.
package docs
