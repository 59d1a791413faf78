package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
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
		extra := fmt.Sprintf("\nrequire github.com/tdflow/tdc v0.0.0\n\nreplace github.com/tdflow/tdc => %s\n", filepath.Join(dir, "tdc"))
		if err := overlayFile(gomodPath, filepath.Join(ovl, "go.mod"), append(append([]byte(nil), gomod...), extra...)); err != nil {
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

// goBuildCommand returns the go build command for the binary dst.
func goBuildCommand(args []string, dst, pkg, dir string, env []string) *exec.Cmd {
	cmd := exec.Command("go", append(append(append([]string{"build"}, args...), "-o", dst), pkg)...)
	cmd.Dir = dir
	cmd.Env = env
	return cmd
}
