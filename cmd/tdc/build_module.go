package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"

	"github.com/tdflow/tdc"
)

// Inside a Go module, tdc build and tdc run build the binary in the
// module's own context (its go.mod, go.sum, packages, requirements and
// vendor directory), so that the program and the Go files of its package
// may import what the module's Go code may. Nothing is written into the
// module: go build's -overlay adds the generated main package, as a
// directory beside the .tdf file that exists only for the build, and the
// host files renamed to package main. When go.mod does not require
// github.com/tdflow/tdc, the overlay also gives go.mod a requirement of
// it, replaced by the runtime embedded in tdc.

// moduleRootOf returns the directory of the go.mod that holds dir, or "".
func moduleRootOf(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(abs, "go.mod")); err == nil {
			return abs
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return ""
		}
		abs = parent
	}
}

// requiresTDC matches, in a go.mod file, a requirement of the tdc module
// or the tdc module itself.
var requiresTDC = regexp.MustCompile(`(?m)^\s*((require\s+)?github\.com/tdflow/tdc\s+v|module\s+github\.com/tdflow/tdc\s*$)`)

// moduleBuild prepares an overlay that builds the compiled program c of
// the .tdf file at path inside the module at root. It returns the go
// build arguments (before -o) and the package to build.
func moduleBuild(c *compiled, path, root, dir string) (args []string, pkg string, err error) {
	absTDF, err := filepath.Abs(path)
	if err != nil {
		return nil, "", err
	}
	name := strings.TrimSuffix(filepath.Base(path), ".tdf")
	virtual := filepath.Join(filepath.Dir(absTDF), "tdcmain_"+sanitizeDir(name))
	replace := map[string]string{}
	overlayFile := func(virtualPath, cached string, data []byte) error {
		if err := writeIfChanged(cached, data); err != nil {
			return err
		}
		replace[virtualPath] = cached
		return nil
	}
	ovl := filepath.Join(dir, "overlay")
	if err := os.MkdirAll(ovl, 0o755); err != nil {
		return nil, "", err
	}
	if err := overlayFile(filepath.Join(virtual, "main.go"), filepath.Join(ovl, "main.go"), c.src); err != nil {
		return nil, "", err
	}
	for _, hf := range c.prog.HostFiles {
		src, err := os.ReadFile(hf)
		if err != nil {
			return nil, "", err
		}
		main, err := asPackageMain(hf, src)
		if err != nil {
			return nil, "", err
		}
		base := "host_" + filepath.Base(hf)
		if err := overlayFile(filepath.Join(virtual, base), filepath.Join(ovl, base), main); err != nil {
			return nil, "", err
		}
	}
	gomodPath := filepath.Join(root, "go.mod")
	gomod, err := os.ReadFile(gomodPath)
	if err != nil {
		return nil, "", err
	}
	if !requiresTDC.Match(gomod) {
		rt, err := findRuntime()
		if err != nil {
			return nil, "", err
		}
		if err := rt.writeModule(filepath.Join(dir, "tdc")); err != nil {
			return nil, "", err
		}
		if _, err := os.Stat(filepath.Join(root, "vendor", "modules.txt")); err == nil {
			return nil, "", fmt.Errorf("%s: the module vendors its dependencies but does not require github.com/tdflow/tdc, whose runtime the program needs; run go get -tool github.com/tdflow/tdc/cmd/tdc, then go mod vendor", gomodPath)
		}
		gosum, _ := os.ReadFile(filepath.Join(root, "go.sum"))
		newMod, newSum, err := rt.programModule(gomod, gosum, filepath.Join(dir, "tdc"))
		if err != nil {
			return nil, "", fmt.Errorf("%s: %v", gomodPath, err)
		}
		if err := overlayFile(gomodPath, filepath.Join(ovl, "go.mod"), newMod); err != nil {
			return nil, "", err
		}
		if err := overlayFile(filepath.Join(root, "go.sum"), filepath.Join(ovl, "go.sum"), newSum); err != nil {
			return nil, "", err
		}
	}
	data, err := json.Marshal(map[string]any{"Replace": replace})
	if err != nil {
		return nil, "", err
	}
	ovlJSON := filepath.Join(dir, "overlay.json")
	if err := writeIfChanged(ovlJSON, data); err != nil {
		return nil, "", err
	}
	return []string{"-overlay", ovlJSON}, virtual, nil
}

// programModule returns the go.mod and go.sum of a module that builds a
// program against the runtime at dir: gomod and gosum with a requirement
// of github.com/tdflow/tdc replaced by dir, the runtime's own
// requirements at no lower versions than the runtime's, and the
// runtime's checksums added to the module's.
func (rt *runtimeSource) programModule(gomod, gosum []byte, dir string) ([]byte, []byte, error) {
	mf, err := modfile.Parse("go.mod", gomod, nil)
	if err != nil {
		return nil, nil, err
	}
	rtModData, err := rt.moduleFile("go.mod")
	if err != nil {
		return nil, nil, err
	}
	rtMod, err := modfile.Parse("go.mod", rtModData, nil)
	if err != nil {
		return nil, nil, err
	}
	have := map[string]string{}
	for _, r := range mf.Require {
		have[r.Mod.Path] = r.Mod.Version
	}
	for _, r := range rtMod.Require {
		if v, ok := have[r.Mod.Path]; !ok || semver.Compare(v, r.Mod.Version) < 0 {
			if err := mf.AddRequire(r.Mod.Path, r.Mod.Version); err != nil {
				return nil, nil, err
			}
		}
	}
	if mf.Go == nil || goVersionLess(mf.Go.Version, tdc.RuntimeGoVersion) {
		// The build's go.mod, not the module's, says the Go release the
		// runtime's requirements need; go build would otherwise ask for
		// go mod tidy.
		if err := mf.AddGoStmt(tdc.RuntimeGoVersion); err != nil {
			return nil, nil, err
		}
	}
	if err := mf.AddRequire("github.com/tdflow/tdc", "v0.0.0"); err != nil {
		return nil, nil, err
	}
	if err := mf.AddReplace("github.com/tdflow/tdc", "", dir, ""); err != nil {
		return nil, nil, err
	}
	mf.Cleanup()
	out, err := mf.Format()
	if err != nil {
		return nil, nil, err
	}
	rtSum, err := rt.moduleFile("go.sum")
	if err != nil {
		return nil, nil, err
	}
	return out, mergeSums(gosum, rtSum), nil
}

// goVersionLess reports whether Go version a ("1.26", "1.26.0", "1.27rc1")
// is before b, as the go command orders them: a language version such as
// 1.26 comes before its releases, and a release candidate before the
// release.
func goVersionLess(a, b string) bool {
	key := func(v string) [4]int {
		var k [4]int
		pre := 2 // a release
		if i := strings.Index(v, "rc"); i >= 0 {
			pre, v = 1, v[:i]
		}
		parts := strings.Split(v, ".")
		for i := 0; i < 3; i++ {
			k[i] = -1
			if i < len(parts) {
				k[i], _ = strconv.Atoi(parts[i])
			}
		}
		if k[2] < 0 && pre == 2 {
			pre = 0 // a language version: before its rcs and releases
		}
		k[3] = pre
		return k
	}
	ka, kb := key(a), key(b)
	for i := range ka {
		if ka[i] != kb[i] {
			return ka[i] < kb[i]
		}
	}
	return false
}

// mergeSums returns the lines of a and b, each once, sorted.
func mergeSums(a, b []byte) []byte {
	seen := map[string]bool{}
	var lines []string
	for _, l := range strings.Split(string(a)+"\n"+string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !seen[l] {
			seen[l] = true
			lines = append(lines, l)
		}
	}
	sort.Strings(lines)
	return []byte(strings.Join(lines, "\n") + "\n")
}

// sanitizeDir keeps the letters, digits and underscores of name.
func sanitizeDir(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// goBuildFailure explains a go build that failed inside the user's
// module: the module's problem, most likely, rather than tdc's.
func goBuildFailure(path, root string, out *bytes.Buffer) error {
	return fmt.Errorf("tdc: building %s in the module at %s failed:\n%s", path, root, strings.TrimRight(out.String(), "\n"))
}

// goBuildCommand returns the go build command for the binary dst. It
// builds with the netgo tag: net's own resolver instead of the C
// library's, so that a program with no cgo of its own links statically
// and starts without loading libc and starting cgo (0.5 ms of a 3 ms
// start-up, see docs/performance.md).
func goBuildCommand(args []string, dst, pkg, dir string, env []string) *exec.Cmd {
	cmd := exec.Command("go", append(append(append([]string{"build", "-tags=" + buildTags(env)}, args...), "-o", dst), pkg)...)
	cmd.Dir = dir
	cmd.Env = env
	return cmd
}

// buildTags returns the tags of a build: netgo, and the tags that
// GOFLAGS in env asks for (a -tags flag on the command line replaces
// that of GOFLAGS).
func buildTags(env []string) string {
	tags := "netgo"
	for _, kv := range env {
		flags, ok := strings.CutPrefix(kv, "GOFLAGS=")
		if !ok {
			continue
		}
		for _, f := range strings.Fields(flags) {
			f = strings.TrimPrefix(f, "-")
			if v, ok := strings.CutPrefix(f, "-tags="); ok {
				tags += "," + v
			} else if v, ok := strings.CutPrefix(f, "tags="); ok {
				tags += "," + v
			}
		}
	}
	return tags
}
