// Programs the compiler must reject: constructs outside the subset give
// `file:line:col: unsupported: <construct>`, and programs real Go rejects
// give one line with Go 1.19's own wording and position (checked against
// `go build` of go1.19.8). Never a stack trace: every failure is a
// CompileError (a UserError, so the CLI prints it as one line).
import { runSource } from '../../src/cli/run.ts';
import { describe, expect, it } from 'vitest';
import { compileProgram, CompileError } from '../../src/compile/index.ts';
import { UserError } from '../../src/engine/errors.ts';
import { archCases } from '../helpers.ts';

const main = (body: string, decls = '') => `package main\n${decls}func main() {\n${body}\n}\n`;

const UNSUPPORTED: [string, string, string][] = [
  ['goto', main('L:\n\tgoto L'), 'prog.go:4:2: unsupported: goto statements'],
  // Go accepts a package function as a value; the tool's package functions are host calls only
  ['package function value', 'package main\n\nimport "strings"\n\nvar f = strings.Split\n\nfunc main() {\n\tprintln(f != nil)\n}\n', 'prog.go:5:9: unsupported: strings.Split as a function value'],
  ['hexadecimal float', main('\tx := 0x1p-2\n\t_ = x'), 'prog.go:3:7: unsupported: hexadecimal floating-point literals'],
  ['float32', main('\tvar f float32\n\t_ = f'), 'prog.go:3:8: unsupported: type float32'],
  ['complex128', main('\tvar n complex128\n\t_ = n'), 'prog.go:3:8: unsupported: type complex128'],
  ['generic function', 'package main\nfunc f[T any](x T) {}\nfunc main() {}\n', 'prog.go:2:7: unsupported: generic functions'],
  ['import', 'package main\nimport "bufio"\nfunc main() { _ = bufio.NewReader }\n', 'prog.go:2:8: unsupported: import "bufio" (supported: "runtime", "sync", "sync/atomic", "fmt", "errors", "strconv", "time", "strings", "sort", "io", "os", "math", "syscall")'],
  ['os.Exit', 'package main\nimport "os"\nfunc main() { os.Exit(1) }\n', 'prog.go:3:15: unsupported: os.Exit (supported: os.Getpid, os.Stdout, os.Stderr)'],
  ['complex', main('\t_ = complex(1, 2)'), 'prog.go:3:6: unsupported: builtin complex'],
  ['sync/atomic.AddUintptr', 'package main\nimport "sync/atomic"\nfunc main() {\n\tatomic.AddUintptr(nil, 1)\n}\n', 'prog.go:4:2: unsupported: sync/atomic.AddUintptr (supported: sync/atomic.AddInt32, sync/atomic.AddUint32, sync/atomic.AddInt64, sync/atomic.AddUint64, sync/atomic.LoadInt32, sync/atomic.LoadUint32, sync/atomic.LoadInt64, sync/atomic.LoadUint64, sync/atomic.StoreInt32, sync/atomic.StoreUint32, sync/atomic.StoreInt64, sync/atomic.StoreUint64, sync/atomic.SwapInt32, sync/atomic.SwapUint32, sync/atomic.SwapInt64, sync/atomic.SwapUint64, sync/atomic.CompareAndSwapInt32, sync/atomic.CompareAndSwapUint32, sync/atomic.CompareAndSwapInt64, sync/atomic.CompareAndSwapUint64)'],
  ['printing a channel', main('\tc := make(chan int)\n\tprintln(c)'), 'prog.go:4:10: unsupported: printing values of type chan int (print/println take numbers, bools, strings and interfaces)'],
  ['runtime.GC', 'package main\nimport "runtime"\nfunc main() {\n\truntime.GC()\n}\n', 'prog.go:4:2: unsupported: runtime.GC (supported: runtime.Gosched, runtime.Goexit, runtime.NumGoroutine, runtime.GOMAXPROCS, runtime.NumCPU, runtime.LockOSThread, runtime.UnlockOSThread)'],
  ['sync.Cond', 'package main\nimport "sync"\nfunc main() {\n\tvar c sync.Cond\n\t_ = c\n}\n', 'prog.go:4:8: unsupported: type sync.Cond'],
  ['fmt.Sscan', 'package main\nimport "fmt"\nfunc main() {\n\tfmt.Sscan("1")\n}\n', 'prog.go:4:2: unsupported: fmt.Sscan (supported: fmt.Println, fmt.Printf, fmt.Print, fmt.Sprintf, fmt.Sprint, fmt.Sprintln, fmt.Errorf, fmt.Fprint, fmt.Fprintf, fmt.Fprintln)'],
  ['time.Parse', 'package main\nimport "time"\nfunc main() {\n\t_, _ = time.Parse("2006", "2020")\n}\n', 'prog.go:4:9: unsupported: time.Parse (supported: time.Sleep, time.Now, time.Since, time.After, time.Tick, time.NewTimer, time.NewTicker, time.AfterFunc, time.Unix)'],
  ['Time.Format', 'package main\nimport "time"\nfunc main() {\n\tprintln(time.Unix(0, 0).Format("2006"))\n}\n', 'prog.go:4:26: unsupported: method time.Time.Format'],
  ['Time.Year', 'package main\nimport "time"\nfunc main() {\n\tt := time.Now()\n\t_ = t.Year()\n}\n', 'prog.go:5:8: unsupported: method time.Time.Year'],
  ['Mutex.TryLock', 'package main\nimport "sync"\nfunc main() {\n\tvar m sync.Mutex\n\t_ = m.TryLock()\n}\n', 'prog.go:5:8: unsupported: method sync.Mutex.TryLock'],
  ['sync.Map', 'package main\nimport "sync"\nfunc main() {\n\tvar m sync.Map\n\tm.Store(1, 2)\n}\n', 'prog.go:4:8: unsupported: type sync.Map'],
  ['sync.Pool', 'package main\nimport "sync"\nvar p = sync.Pool{}\nfunc main() {\n\t_ = p.Get()\n}\n', 'prog.go:3:9: unsupported: type sync.Pool'],
  ['atomic.Pointer', 'package main\nimport "sync/atomic"\nfunc main() {\n\tvar p atomic.Pointer[int]\n\t_ = p.Load()\n}\n', 'prog.go:4:8: unsupported: generic types'],
  ['method expression of an interface', 'package main\ntype I interface{ M() }\nfunc main() {\n\tf := I.M\n\t_ = f\n}\n', 'prog.go:4:7: unsupported: method expressions of interface or promoted methods (I.M)'],
];

// [name, program, go1.19's message]: an error Go reports wins over a construct outside the subset anywhere
const PRECEDENCE: [string, string, string][] = [
  ['unused import before a select', 'package main\nimport (\n\t"fmt"\n\t"os"\n)\nfunc main() {\n\tc := make(chan int)\n\tselect {\n\tcase v := <-c:\n\t\tprintln(v)\n\t}\n}\n', 'prog.go:3:2: imported and not used: "fmt"'],
  ['type error after a float and a select', main('\tx := 1.5\n\tc := make(chan int)\n\tselect {\n\tcase <-c:\n\t}\n\tvar s string = 5\n\tprintln(x, s)'), 'prog.go:8:17: cannot use 5 (untyped int constant) as string value in variable declaration'],
  ['unused variable with an unsupported package', 'package main\nimport "time"\nfunc main() {\n\tunused := 3\n\ttime.Sleep(10)\n}\n', 'prog.go:4:2: unused declared but not used'],
  ['unknown package', 'package main\nimport "nosuch/pkg"\nfunc main() {\n\tpkg.X()\n}\n', 'prog.go:2:8: package nosuch/pkg is not in GOROOT (/usr/lib/go-1.19/src/nosuch/pkg)'],
  ['variables used only in a select are used', 'package main\nfunc main() {\n\tc := make(chan int)\n\tv := 1\n\tselect {\n\tcase c <- v:\n\t\tvar x complex128\n\t\t_ = x\n\t}\n}\n', 'prog.go:7:9: unsupported: type complex128'],
  ['no missing return after a select', 'package main\nfunc f(c chan int) int {\n\tselect {\n\tcase v := <-c:\n\t\treturn v\n\t}\n}\nfunc main() {\n\tvar x complex128\n\t_ = x\n\tprintln(f(nil))\n}\n', 'prog.go:9:8: unsupported: type complex128'],
  ['a generic function and an undefined name', 'package main\nfunc id[T any](x T) T { return x }\nfunc main() {\n\tprintln(id(1))\n\tprintln(nope)\n}\n', 'prog.go:5:10: undefined: nope'],
];

const GO_ERRORS: [string, string, string][] = [
  // an untyped float constant with a fraction where an integer is wanted (go1.19's wording)
  ['make size 1.5', main('\ts := make([]int, 1.5)\n\t_ = s'), 'prog.go:3:19: 1.5 (untyped float constant) truncated to int'],
  ['index 0.5', main('\ts := []int{1}\n\t_ = s[0.5]'), 'prog.go:4:8: 0.5 (untyped float constant) truncated to int'],
  ['shift count 2.5', main('\tx := 1\n\t_ = x << 2.5'), 'prog.go:4:11: 2.5 (untyped float constant) truncated to uint'],
  // struct literals: types2 names the literal's base type on one line (an elided *T gives T, an elided T its struct type)
  ['too many values, a struct type over lines', 'package main\nfunc main() {\n\t_ = struct {\n\t\tA int\n\t}{1, "b"}\n}\n', 'prog.go:5:7: too many values in struct{A int}{…}'],
  ['too many values, elided T in a map', 'package main\ntype T struct{ A int }\nfunc main() {\n\t_ = map[string]T{"a": {1, 3}}\n}\n', 'prog.go:4:28: too many values in struct{A int}{…}'],
  ['too few values, elided *T', 'package main\ntype T struct{ A, B int }\nfunc main() {\n\t_ = []*T{{1}}\n}\n', 'prog.go:4:13: too few values in T{…}'],
  ['too many values, elided struct with a, b fields', 'package main\nfunc main() {\n\t_ = []struct {\n\t\tA, B int\n\t}{{1, 2, 3}}\n}\n', 'prog.go:5:11: too many values in struct{A int; B int}{…}'],
  // the language's types, checked against go1.19.8's messages
  ['e1: var s []int = []string{"a"}', 'package main\n\ntype P struct{ X, Y int }\n\nfunc main() {\n\tvar s []int = []string{"a"}\n}\n', 'prog.go:6:16: cannot use []string{…} (value of type []string) as type []int in variable declaration'],
  ['e2: s := []int{1}; s.Foo()', 'package main\n\ntype P struct{ X, Y int }\n\nfunc main() {\n\ts := []int{1}; s.Foo()\n}\n', 'prog.go:6:19: s.Foo undefined (type []int has no field or method Foo)'],
  ['e3: m := map[string]int{}; m[1] = 2', 'package main\n\ntype P struct{ X, Y int }\n\nfunc main() {\n\tm := map[string]int{}; m[1] = 2\n}\n', 'prog.go:6:27: cannot use 1 (untyped int constant) as string value in map index'],
  ['e5: p := P{1, 2, 3}; _ = p', 'package main\n\ntype P struct{ X, Y int }\n\nfunc main() {\n\tp := P{1, 2, 3}; _ = p\n}\n', 'prog.go:6:15: too many values in P{…}'],
  ['e6: p := P{Z: 1}; _ = p', 'package main\n\ntype P struct{ X, Y int }\n\nfunc main() {\n\tp := P{Z: 1}; _ = p\n}\n', 'prog.go:6:9: unknown field \'Z\' in struct literal of type P'],
  ['e8: s := "abc"; s[0] = x', 'package main\n\ntype P struct{ X, Y int }\n\nfunc main() {\n\ts := "abc"; s[0] = \'x\'\n}\n', 'prog.go:6:14: cannot assign to s[0] (value of type byte)'],
  ['e9: a := [3]int{}; a[5] = 1', 'package main\n\ntype P struct{ X, Y int }\n\nfunc main() {\n\ta := [3]int{}; a[5] = 1\n}\n', 'prog.go:6:19: invalid argument: index 5 out of bounds [0:3]'],
  ['e10: var i interface{} = 1; n := i + 1; _ = n', 'package main\n\ntype P struct{ X, Y int }\n\nfunc main() {\n\tvar i interface{} = 1; n := i + 1; _ = n\n}\n', 'prog.go:6:30: invalid operation: i + 1 (mismatched types interface{} and int)'],
  ['e11: x := []int{1}; y := x == x; _ = y', 'package main\n\ntype P struct{ X, Y int }\n\nfunc main() {\n\tx := []int{1}; y := x == x; _ = y\n}\n', 'prog.go:6:22: invalid operation: x == x (slice can only be compared to nil)'],
  ['e13: s := "a" + 1; _ = s', 'package main\n\ntype P struct{ X, Y int }\n\nfunc main() {\n\ts := "a" + 1; _ = s\n}\n', 'prog.go:6:7: invalid operation: "a" + 1 (mismatched types untyped string and untyped int)'],
  // the sized integer types' constant overflows (go1.19.8's messages)
  ['int8 overflow', main('\tvar a int8 = 200\n\t_ = a'), 'prog.go:3:15: cannot use 200 (untyped int constant) as int8 value in variable declaration (overflows)'],
  ['untyped operand overflow', main('\tvar a int8 = 1\n\tprintln(a + 200)'), 'prog.go:4:14: 200 (untyped int constant) overflows int8'],
  ['typed constant overflow', main('\tconst k uint16 = 3\n\tprintln(-k)'), 'prog.go:4:10: -k (constant -3 of type uint16) overflows uint16'],
  ['uint64 conversion overflow', main('\tprintln(uint64(1 << 64))'), 'prog.go:3:17: cannot convert 1 << 64 (untyped int constant 18446744073709551616) to type uint64'],
  ['int64 overflow', main('\tvar x int64 = 9223372036854775807 + 1\n\t_ = x'), 'prog.go:3:16: cannot use 9223372036854775807 + 1 (untyped int constant 9223372036854775808) as int64 value in variable declaration (overflows)'],
  ['float constant truncated', main('\tvar i int = 2.5\n\tprintln(i)'), 'prog.go:3:14: cannot use 2.5 (untyped float constant) as int value in variable declaration (truncated)'],
  ['float constant conversion', main('\tconst f float64 = 2.5\n\tprintln(int(f))'), 'prog.go:4:14: cannot convert f (constant 2.5 of type float64) to type int'],
  ['float64 overflow', main('\tvar f float64 = 1e400\n\tprintln(f)'), 'prog.go:3:18: cannot use 1e400 (untyped float constant 1e+400) as float64 value in variable declaration (overflows)'],
  ['float remainder', main('\tx := 1.5\n\tprintln(x % 2)'), 'prog.go:4:10: invalid operation: operator % not defined on x (variable of type float64)'],
  ['mismatched float64 and int', main('\tx := 1.5\n\tvar n int = 2\n\tprintln(x + n)'), 'prog.go:5:10: invalid operation: x + n (mismatched types float64 and int)'],
  ['method expression needing a pointer receiver', 'package main\n\ntype T struct{ n int }\n\nfunc (t *T) M() {}\n\nfunc main() {\n\tf := T.M\n\t_ = f\n}\n', 'prog.go:8:9: cannot call pointer method M on T'],
  ['method expression of no method', 'package main\n\ntype T struct{ n int }\n\nfunc main() {\n\tf := T.Nope\n\t_ = f\n}\n', 'prog.go:6:9: T.Nope undefined (type T has no field or method Nope)'],
  ['float operand truncated', main('\tn := 3\n\tprintln(n > 2.5)'), 'prog.go:4:14: 2.5 (untyped float constant) truncated to int'],
  ['mismatched int64 and int32', main('\tx := int64(5)\n\ty := int32(6)\n\tprintln(x + y)'), 'prog.go:5:10: invalid operation: x + y (mismatched types int64 and int32)'],
  ['e14: var b byte = 300; _ = b', 'package main\n\ntype P struct{ X, Y int }\n\nfunc main() {\n\tvar b byte = 300; _ = b\n}\n', 'prog.go:6:15: cannot use 300 (untyped int constant) as byte value in variable declaration (overflows)'],
  ['e15: p := &P{}; p.Z = 1', 'package main\n\ntype P struct{ X, Y int }\n\nfunc main() {\n\tp := &P{}; p.Z = 1\n}\n', 'prog.go:6:15: p.Z undefined (type *P has no field or method Z)'],
  ['e19: for i, v := range 10 { _, _ = i, v }', 'package main\n\ntype P struct{ X, Y int }\n\nfunc main() {\n\tfor i, v := range 10 { _, _ = i, v }\n}\n', 'prog.go:6:20: cannot range over 10 (untyped int constant)'],
  ['e20: c := make(chan int); for k, v := range c', 'package main\n\ntype P struct{ X, Y int }\n\nfunc main() {\n\tc := make(chan int); for k, v := range c { _, _ = k, v }\n}\n', 'prog.go:6:30: range over c (variable of type chan int) permits only one iteration variable'],
  ['e21: var m map[[]int]int; _ = m', 'package main\n\ntype P struct{ X, Y int }\n\nfunc main() {\n\tvar m map[[]int]int; _ = m\n}\n', 'prog.go:6:12: invalid map key type []int'],
  ['e22: x := append(1, 2); _ = x', 'package main\n\ntype P struct{ X, Y int }\n\nfunc main() {\n\tx := append(1, 2); _ = x\n}\n', 'prog.go:6:14: first argument to append must be a slice; have 1 (untyped int constant)'],
  ['e23: copy(1, 2)', 'package main\n\ntype P struct{ X, Y int }\n\nfunc main() {\n\tcopy(1, 2)\n}\n', 'prog.go:6:7: invalid argument: copy expects slice arguments; found 1 (untyped int constant) and 2 (untyped int constant)'],
  ['e24: delete(map[int]int{}, "a")', 'package main\n\ntype P struct{ X, Y int }\n\nfunc main() {\n\tdelete(map[int]int{}, "a")\n}\n', 'prog.go:6:24: cannot use "a" (untyped string constant) as int value in argument to delete'],
  ['e25: var x struct{ a int }; x.b = 1', 'package main\n\ntype P struct{ X, Y int }\n\nfunc main() {\n\tvar x struct{ a int }; x.b = 1\n}\n', 'prog.go:6:27: x.b undefined (type struct{a int} has no field or method b)'],
  ['e26: len(1, 2)', 'package main\n\ntype P struct{ X, Y int }\n\nfunc main() {\n\tlen(1, 2)\n}\n', 'prog.go:6:2: invalid operation: too many arguments for len(1, 2) (expected 1, found 2)'],
  ['e27: var s []int; s = append(s, "x")', 'package main\n\ntype P struct{ X, Y int }\n\nfunc main() {\n\tvar s []int; s = append(s, "x")\n}\n', 'prog.go:6:29: cannot use "x" (untyped string constant) as int value in argument to append'],
  ['e28: type T int; var t T = 1; var n int = t; ', 'package main\n\ntype P struct{ X, Y int }\n\nfunc main() {\n\ttype T int; var t T = 1; var n int = t; _ = n\n}\n', 'prog.go:6:39: cannot use t (variable of type T) as type int in variable declaration'],
  ['f1: _ = len()', 'package main\n\ntype P struct{ X, Y int }\n\nfunc main() {\n\t_ = len()\n}\n', 'prog.go:6:6: invalid operation: not enough arguments for len() (expected 1, found 0)'],
  ['f3: x := []P{{1, 2}, {3}}; _ = x', 'package main\n\ntype P struct{ X, Y int }\n\nfunc main() {\n\tx := []P{{1, 2}, {3}}; _ = x\n}\n', 'prog.go:6:21: too few values in struct{X int; Y int}{…}'],
  ['f8: var m map[string]int = map[string]string', 'package main\n\ntype P struct{ X, Y int }\n\nfunc main() {\n\tvar m map[string]int = map[string]string{}; _ = m\n}\n', 'prog.go:6:25: cannot use map[string]string{} (value of type map[string]string) as type map[string]int in variable declaration'],

  ['undefined', main('\tprintln(y)'), 'prog.go:3:10: undefined: y'],
  ['mismatched types', main('\tx := 1\n\tb := true\n\tprintln(x + b)'), 'prog.go:5:10: invalid operation: x + b (mismatched types int and bool)'],
  ['untyped constant compared with a func (found by the fuzzer)', main('\tvar f func()\n\tvar s []int\n\tvar p *int\n\t_, _, _ = f, s, p\n\tprintln(f != 10)'), 'prog.go:7:15: cannot convert 10 (untyped int constant) to func()'],
  ['untyped constant compared with a slice', main('\tvar f func()\n\tvar s []int\n\tvar p *int\n\t_, _, _ = f, s, p\n\tprintln(s == 1)'), 'prog.go:7:15: cannot convert 1 (untyped int constant) to []int'],
  ['untyped constant compared with a pointer', main('\tvar f func()\n\tvar s []int\n\tvar p *int\n\t_, _, _ = f, s, p\n\tprintln(p == 3)'), 'prog.go:7:15: cannot convert 3 (untyped int constant) to *int'],
  ['untyped bool compared with a pointer', main('\tvar f func()\n\tvar s []int\n\tvar p *int\n\t_, _, _ = f, s, p\n\tprintln(p == true)'), 'prog.go:7:15: invalid operation: p == true (mismatched types *int and untyped bool)'],
  ['untyped string compared with a slice', main('\tvar f func()\n\tvar s []int\n\tvar p *int\n\t_, _, _ = f, s, p\n\tprintln(s == "x")'), 'prog.go:7:15: invalid operation: s == "x" (mismatched types []int and untyped string)'],
  ['int vs untyped bool', main('\tx := 1\n\tprintln(x == true)'), 'prog.go:4:15: invalid operation: x == true (mismatched types int and untyped bool)'],
  ['not enough arguments', main('\tprintln(f(1))', 'func f(a, b int) int { return a + b }\n'), 'prog.go:4:12: not enough arguments in call to f (have (number), want (int, int))'],
  ['too many arguments', main('\tprintln(f(1, 2, 3))', 'func f(a, b int) int { return a + b }\n'), 'prog.go:4:18: too many arguments in call to f (have (number, number, number), want (int, int))'],
  ['no arguments', main('\tf()', 'func f(a int) {}\n'), 'prog.go:4:2: not enough arguments in call to f (have (), want (int))'],
  ['argument type', main('\tb := false\n\tf(b)', 'func f(a int) {}\n'), 'prog.go:5:4: cannot use b (variable of type bool) as type int in argument to f'],
  ['unused variable', main('\tx := 1'), 'prog.go:3:2: x declared but not used'],
  ['unused in a closure', main('\tf := func() {\n\t\ty := 2\n\t}\n\tf()'), 'prog.go:4:3: y declared but not used'],
  ['unused import', 'package main\nimport "runtime"\nfunc main() {\n}\n', 'prog.go:2:8: imported and not used: "runtime"'],
  ['missing return', 'package main\nfunc f(x int) int {\n\tif x > 0 {\n\t\treturn 1\n\t}\n}\nfunc main() { println(f(1)) }\n', 'prog.go:6:1: missing return'],
  ['assign bool to int', main('\tx := 1\n\tx = true\n\tprintln(x)'), 'prog.go:4:6: cannot use true (untyped bool constant) as int value in assignment'],
  ['non-boolean condition', main('\tx := 1\n\tif x {\n\t}'), 'prog.go:4:5: non-boolean condition in if statement'],
  ['select: two defaults', main('\tselect {\n\tdefault:\n\tdefault:\n\t}'), 'prog.go:5:2: multiple defaults (first at 4:2)'],
  ['select: a case that is no communication', main('\tselect {\n\tcase x := 1:\n\t\t_ = x\n\t}'), 'prog.go:4:7: select case must be send or receive (possibly with assignment)'],
  ['select: fallthrough', main('\tc := make(chan int)\n\tselect {\n\tcase <-c:\n\t\tfallthrough\n\t}'), 'prog.go:6:3: fallthrough statement out of place'],
  ['select: unused received value', main('\tc := make(chan int)\n\tselect {\n\tcase v := <-c:\n\t}'), 'prog.go:5:7: v declared but not used'],
  ['time: a member outside the subset', 'package main\n\nimport (\n\t"fmt"\n\t"time"\n)\n\nfunc main() {\n\tt, err := time.Parse("2006", "2009")\n\tfmt.Println(t, err)\n}\n', 'prog.go:9:12: unsupported: time.Parse (supported: time.Sleep, time.Now, time.Since, time.After, time.Tick, time.NewTimer, time.NewTicker, time.AfterFunc, time.Unix)'],
  ['syscall: a member outside the subset', 'package main\n\nimport (\n\t"fmt"\n\t"syscall"\n)\n\nfunc main() {\n\tfd, err := syscall.Open("/etc/passwd", 0, 0)\n\tfmt.Println(fd, err)\n}\n', 'prog.go:9:13: unsupported: syscall.Open (supported: syscall.Pipe, syscall.Read, syscall.Write, syscall.Close, syscall.Nanosleep, syscall.Getpid, syscall.NsecToTimespec)'],
  ['os: a member outside the subset', 'package main\n\nimport "os"\n\nfunc main() {\n\tprintln(os.Getppid())\n}\n', 'prog.go:6:10: unsupported: os.Getppid (supported: os.Getpid, os.Stdout, os.Stderr)'],
  ['time: Duration is not int', 'package main\n\nimport "time"\n\nfunc main() {\n\tvar x int = time.Second\n\t_ = x\n}\n', 'prog.go:6:14: cannot use time.Second (constant 1000000000 of type time.Duration) as type int in variable declaration'],
  ['break outside a loop', main('\tbreak'), 'prog.go:3:2: break is not in a loop, switch, or select'],
  ['continue in a switch', main('\tswitch {\n\tcase true:\n\t\tcontinue\n\t}'), 'prog.go:5:3: continue is not in a loop'],
  ['undefined label', main('\tfor {\n\t\tbreak L\n\t}'), 'prog.go:4:9: break label not defined: L'],
  ['unused label', main('L:\n\tfor {\n\t}'), 'prog.go:3:1: label L defined and not used'],
  ['constant overflow', main('\tx := 1 << 64\n\tprintln(x)'), 'prog.go:3:7: cannot use 1 << 64 (untyped int constant 18446744073709551616) as int value in assignment (overflows)'],
  ['division by constant zero', main('\tx := 1\n\tprintln(x / 0)'), 'prog.go:4:14: invalid operation: division by zero'],
  ['too many return values', 'package main\nfunc f() int {\n\treturn 1, 2\n}\nfunc main() { println(f()) }\n', 'prog.go:3:12: too many return values (have (number, number), want (int))'],
  ['not enough return values', 'package main\nfunc f() (int, int) {\n\treturn 1\n}\nfunc main() { f() }\n', 'prog.go:3:9: not enough return values (have (number), want (int, int))'],
  ['no value used as value', main('\tx := f()\n\t_ = x', 'func f() {}\n'), 'prog.go:4:7: f() (no value) used as value'],
  ['assignment mismatch (call)', main('\tx := f()\n\tprintln(x)', 'func f() (int, int) { return 1, 2 }\n'), 'prog.go:4:7: assignment mismatch: 1 variable but f returns 2 values'],
  ['assignment mismatch (values)', main('\ta, b := 1\n\tprintln(a, b)'), 'prog.go:3:10: assignment mismatch: 2 variables but 1 value'],
  ['no new variables', main('\tx := 1\n\tx := 2\n\tprintln(x)'), 'prog.go:4:4: no new variables on left side of :='],
  ['value not used', main('\tx := 1\n\tx + 1'), 'prog.go:4:2: x + 1 (value of type int) is not used'],
  ['call of non-function', main('\tx := 1\n\tx()'), 'prog.go:4:2: invalid operation: cannot call non-function x (variable of type int)'],
  ['assign to constant', main('\tc = 2', 'const c = 1\n'), 'prog.go:4:2: cannot assign to c (untyped int constant 1)'],
  ['! on int', main('\tx := 1\n\tprintln(!x)'), 'prog.go:4:11: invalid operation: operator ! not defined on x (variable of type int)'],
  ['receive from int', main('\tx := 1\n\tprintln(<-x)'), 'prog.go:4:12: invalid operation: cannot receive from non-channel x (variable of type int)'],
  ['send on receive-only', 'package main\nfunc f(c <-chan int) { c <- 1 }\nfunc main() {}\n', 'prog.go:2:24: invalid operation: cannot send to receive-only channel c (variable of type <-chan int)'],
  ['unknown WaitGroup method', 'package main\nimport "sync"\nfunc main() {\n\tvar wg sync.WaitGroup\n\twg.Foo()\n}\n', 'prog.go:5:5: wg.Foo undefined (type sync.WaitGroup has no field or method Foo)'],
  ['WaitGroup as a value', 'package main\nimport "sync"\nfunc main() {\n\tvar wg sync.WaitGroup\n\tprintln(wg)\n}\n', 'prog.go:5:10: unsupported: using a sync.WaitGroup as a value (only its methods Add, Done and Wait can be called)'],
  // names that every JavaScript object has are no runtime functions or methods either
  ['runtime.constructor', 'package main\nimport "runtime"\nfunc main() {\n\truntime.constructor()\n}\n', 'prog.go:4:2: unsupported: runtime.constructor (supported: runtime.Gosched, runtime.Goexit, runtime.NumGoroutine, runtime.GOMAXPROCS, runtime.NumCPU, runtime.LockOSThread, runtime.UnlockOSThread)'],
  ['WaitGroup toString', 'package main\nimport "sync"\nfunc main() {\n\tvar wg sync.WaitGroup\n\twg.toString()\n}\n', 'prog.go:5:5: wg.toString undefined (type sync.WaitGroup has no field or method toString)'],
  ['defer len', main('\tc := make(chan int)\n\tdefer len(c)'), 'prog.go:4:8: defer discards result of len(c) (value of type int)'],
  ['duplicate case', main('\tx := 1\n\tswitch x {\n\tcase 1:\n\tcase 1:\n\t}'), 'prog.go:6:7: duplicate case 1 (constant of type int) in expression switch'],
  ['fallthrough in the last case', main('\tswitch {\n\tcase true:\n\t\tfallthrough\n\t}'), 'prog.go:5:3: cannot fallthrough final case in switch'],
  ['untyped nil', main('\tx := nil\n\t_ = x'), 'prog.go:3:7: use of untyped nil in assignment'],
  ['iota outside const', main('\tprintln(iota)'), 'prog.go:3:10: cannot use iota outside constant declaration'],
  ['range over an int', main('\tfor i := range 10 {\n\t\tprintln(i)\n\t}'), 'prog.go:3:17: cannot range over 10 (untyped int constant)'],
  ['func main with results', 'package main\nfunc main() int { return 1 }\n', 'prog.go:2:6: func main must have no arguments and no return values'],
  ['redeclared function', 'package main\nfunc f() {}\nfunc f() {}\nfunc main() {}\n', 'prog.go:3:6: f redeclared in this block\n\tprog.go:2:6: other declaration of f'],
  ['type as expression', main('\tx := int\n\t_ = x'), 'prog.go:3:7: int (type) is not an expression'],
];

async function errorOf(src: string, arch: (typeof archCases)[number][1]): Promise<CompileError> {
  try {
    await compileProgram(src, 'prog.go', arch);
  } catch (e) {
    expect(e).toBeInstanceOf(CompileError);
    expect(e).toBeInstanceOf(UserError);
    return e as CompileError;
  }
  throw new Error('compiled without error');
}

describe.each(archCases)('compile errors on %s', (_name, arch) => {
  it.each(UNSUPPORTED)('unsupported: %s', async (_n, src, want) => {
    expect((await errorOf(src, arch)).message).toBe(want);
  });

  it.each(PRECEDENCE)('Go\'s error first: %s', async (_n, src, want) => {
    // (the first line Go prints; more may follow: see the multi-error fixtures)
    expect((await errorOf(src, arch)).message.split('\n')[0]).toBe(want);
  });

  it.each(GO_ERRORS)('Go rejects: %s', async (_n, src, want) => {
    const e = await errorOf(src, arch);
    expect(e.message).toBe(want);
    const [line, col] = want.split(':').slice(1, 3).map(Number);
    expect([e.file, e.line, e.col]).toEqual(['prog.go', line, col]);
  });

  it('typed constants overflow at the width of int', async () => {
    const bits = arch.ptrSize * 8 - 1;
    const src = `package main\nconst m int = 1<<${bits} - 1\nfunc main() {\n\tprintln(m + 1)\n}\n`;
    expect((await errorOf(src, arch)).message).toBe(`prog.go:4:10: m + 1 (constant ${2n ** BigInt(bits)} of type int) overflows int`);
  });

  it('compiles and runs a function of 1,500 statements (its assembly is far beyond 64K characters)', async () => {
    const vars = Array.from({ length: 1500 }, (_, i) => `\tx${i} := a + ${i}`).join('\n');
    const sum = Array.from({ length: 1500 }, (_, i) => `x${i}`).join(' + ');
    const r = await runSource(`package main\n\nfunc big(a int) int {\n${vars}\n\treturn ${sum}\n}\n\nfunc main() {\n\tprintln(big(3))\n}\n`, 'prog.go', arch);
    expect(r.stderr).toBe(`${1500 * 3 + (1499 * 1500) / 2}\n`);
  });

  it('reports syntax errors with a position', async () => {
    const e = await errorOf(main('\tx := \n'), arch);
    expect(e.message).toMatch(/^prog\.go:\d+:\d+: syntax error/);
  });
});

it('the width of int follows the arch: 1 << 40 overflows int only on arm', async () => {
  const src = main('\tx := 1 << 40\n\tprintln(x)');
  const [amd64, arm] = [archCases.find((c) => c[0] === 'amd64')![1], archCases.find((c) => c[0] === 'arm')![1]];
  await expect(compileProgram(src, 'prog.go', amd64)).resolves.toBeDefined();
  expect((await errorOf(src, arm)).message).toBe('prog.go:3:7: cannot use 1 << 40 (untyped int constant 1099511627776) as int value in assignment (overflows)');
});
