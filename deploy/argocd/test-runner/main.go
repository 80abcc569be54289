// Command argocd-lua-health runs Argo CD resource health scripts (health.lua) the way Argo CD does:
// gopher-lua, a sandbox with the package, base and table libraries only, the resource as the
// global `obj` (maps as tables, lists as 1-based tables, numbers as Lua numbers), and the table the
// script returns read as {status, message}.
//
//	argocd-lua-health test <resource_customizations dir>   run every <group>/<Kind>/health_test.yaml
//	argocd-lua-health eval <health.lua> <object.yaml|->     print the verdict on one object as JSON
//
// `test` prints one line per case and exits 1 on a mismatch, on a script error, or on a file in a
// testdata directory that no case names (every captured status is checked).
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"sigs.k8s.io/yaml"
)

// Health is what Argo CD reads from a health script.
type Health struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

type healthTest struct {
	Tests []struct {
		HealthStatus Health `json:"healthStatus"`
		InputPath    string `json:"inputPath"`
	} `json:"tests"`
}

var validStatus = map[string]bool{"Healthy": true, "Progressing": true, "Degraded": true, "Suspended": true, "Missing": true, "Unknown": true}

func main() {
	if len(os.Args) == 4 && os.Args[1] == "eval" {
		h, err := evalFiles(os.Args[2], os.Args[3])
		if err != nil {
			fmt.Fprintln(os.Stderr, "argocd-lua-health:", err)
			os.Exit(1)
		}
		out, _ := json.Marshal(h)
		fmt.Println(string(out))
		return
	}
	if len(os.Args) == 3 && os.Args[1] == "test" {
		passed, failed, err := runAll(os.Args[2], os.Stdout)
		if err != nil {
			fmt.Fprintln(os.Stderr, "argocd-lua-health:", err)
			os.Exit(1)
		}
		fmt.Printf("%d passed, %d failed\n", passed, failed)
		if failed > 0 {
			os.Exit(1)
		}
		return
	}
	fmt.Fprintln(os.Stderr, "usage: argocd-lua-health test <resource_customizations dir> | eval <health.lua> <object.yaml|->")
	os.Exit(2)
}

func runAll(root string, out io.Writer) (passed, failed int, err error) {
	tests, err := filepath.Glob(filepath.Join(root, "*", "*", "health_test.yaml"))
	if err != nil {
		return 0, 0, err
	}
	if len(tests) == 0 {
		return 0, 0, fmt.Errorf("no <group>/<Kind>/health_test.yaml under %s", root)
	}
	sort.Strings(tests)
	for _, testFile := range tests {
		dir := filepath.Dir(testFile)
		kind := filepath.Base(filepath.Dir(dir)) + "/" + filepath.Base(dir)
		var spec healthTest
		if err := readYAML(testFile, &spec); err != nil {
			return passed, failed, err
		}
		named := map[string]bool{}
		for _, tc := range spec.Tests {
			named[filepath.Clean(tc.InputPath)] = true
			got, err := evalFiles(filepath.Join(dir, "health.lua"), filepath.Join(dir, tc.InputPath))
			verdict := "ok"
			if err != nil {
				verdict = "ERROR " + err.Error()
				failed++
			} else if got != tc.HealthStatus {
				verdict = fmt.Sprintf("MISMATCH got %s %q", got.Status, got.Message)
				failed++
			} else {
				passed++
			}
			fmt.Fprintf(out, "%-20s %-28s %-12s %s | %s\n", kind, tc.InputPath, tc.HealthStatus.Status, verdict, tc.HealthStatus.Message)
		}
		captured, _ := filepath.Glob(filepath.Join(dir, "testdata", "*.yaml"))
		for _, c := range captured {
			rel, _ := filepath.Rel(dir, c)
			if !named[rel] {
				fmt.Fprintf(out, "%-20s %-28s no case in health_test.yaml names it\n", kind, rel)
				failed++
			}
		}
	}
	return passed, failed, nil
}

func evalFiles(script, object string) (Health, error) {
	src, err := os.ReadFile(script)
	if err != nil {
		return Health{}, err
	}
	var raw []byte
	if object == "-" {
		raw, err = io.ReadAll(os.Stdin)
	} else {
		raw, err = os.ReadFile(object)
	}
	if err != nil {
		return Health{}, err
	}
	var obj map[string]any
	if err := yaml.Unmarshal(raw, &obj); err != nil {
		return Health{}, fmt.Errorf("%s: %w", object, err)
	}
	return Eval(string(src), obj)
}

// Eval runs a health script on one object.
func Eval(script string, obj map[string]any) (Health, error) {
	l := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer l.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{{lua.LoadLibName, lua.OpenPackage}, {lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable}} {
		l.Push(l.NewFunction(lib.open))
		l.Push(lua.LString(lib.name))
		l.Call(1, 0)
	}
	l.SetGlobal("obj", toLua(l, obj))
	if err := l.DoString(script); err != nil {
		return Health{}, err
	}
	ret, ok := l.Get(-1).(*lua.LTable)
	if !ok {
		return Health{}, fmt.Errorf("the script returned %s, not a table", l.Get(-1).Type())
	}
	h := Health{Status: lua.LVAsString(ret.RawGetString("status")), Message: lua.LVAsString(ret.RawGetString("message"))}
	if !validStatus[h.Status] {
		return h, fmt.Errorf("the script returned status %q, not one of Argo CD's health codes", h.Status)
	}
	return h, nil
}

func toLua(l *lua.LState, v any) lua.LValue {
	switch v := v.(type) {
	case nil:
		return lua.LNil
	case bool:
		return lua.LBool(v)
	case string:
		return lua.LString(v)
	case float64:
		return lua.LNumber(v)
	case int64:
		return lua.LNumber(v)
	case map[string]any:
		t := l.NewTable()
		for k, e := range v {
			t.RawSetString(k, toLua(l, e))
		}
		return t
	case []any:
		t := l.NewTable()
		for _, e := range v {
			t.Append(toLua(l, e))
		}
		return t
	default:
		return lua.LString(strings.TrimSpace(fmt.Sprint(v)))
	}
}

func readYAML(path string, into any) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := yaml.UnmarshalStrict(raw, into); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
