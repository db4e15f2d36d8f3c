// The standard-library functions and types a program may use besides
// runtime and sync.WaitGroup: fmt, errors and strconv. The compiler
// implements them (src/compile/lower.ts, with the runtime's host functions in
// src/runtime/fmt.ts, strconv.ts); this file gives the checker their Go
// signatures and the named types they define.
import { ATOMIC_FUNCS } from './atomic.ts';
import { ANY, BOOL, BYTE, type ConstValue, ERROR, FLOAT64, type FuncType, INT, INT64, type NamedType, RUNE, STRING, type Type, UINTPTR, UNTYPED_FLOAT, UNTYPED_INT } from './types.ts';
import { parseFloatLit, Rat } from './floats.ts';
import { DURATION, LOCATION, TICKER, TIME, TIME_FUNCS, TIME_TYPES, TIMER } from './timepkg.ts';

export interface PkgFunc {
  readonly type: FuncType;
}

const anys: Type = { k: 'slice', elem: ANY };
const STRINGS: Type = { k: 'slice', elem: STRING };
const LESS: Type = { k: 'func', params: [INT, INT], results: [BOOL] };
const fn = (params: Type[], results: Type[], variadic = false): PkgFunc => ({ type: variadic ? { k: 'func', params, results, variadic: true } : { k: 'func', params, results } });

/** fmt.Stringer */
export const STRINGER: NamedType = { k: 'named', name: 'Stringer', pkg: 'fmt', under: { k: 'iface', methods: [{ name: 'String', type: { k: 'func', params: [], results: [STRING] } }] }, methods: [] };

/**
 * errors.New's result: *errors.errorString. Its Error method is a runtime
 * host function (errors.(*errorString).Error).
 */
export const ERROR_STRING: NamedType = {
  k: 'named',
  name: 'errorString',
  pkg: 'errors',
  under: { k: 'struct', fields: [{ name: 's', type: STRING, embedded: false }] },
  methods: [{ name: 'Error', ptrRecv: true, type: { k: 'func', params: [], results: [STRING] }, symbol: 'errors.(*errorString).Error' }],
};

/** fmt.Errorf's result when the format has %w: *fmt.wrapError (Error and Unwrap are host functions). */
export const WRAP_ERROR: NamedType = {
  k: 'named',
  name: 'wrapError',
  pkg: 'fmt',
  under: {
    k: 'struct',
    fields: [
      { name: 'msg', type: STRING, embedded: false },
      { name: 'err', type: ERROR, embedded: false },
    ],
  },
  methods: [
    { name: 'Error', ptrRecv: true, type: { k: 'func', params: [], results: [STRING] }, symbol: 'fmt.(*wrapError).Error' },
    { name: 'Unwrap', ptrRecv: true, type: { k: 'func', params: [], results: [ERROR] }, symbol: 'fmt.(*wrapError).Unwrap' },
  ],
};

/** strconv.Atoi's error: *strconv.NumError (Error is a host function). */
export const NUM_ERROR: NamedType = {
  k: 'named',
  name: 'NumError',
  pkg: 'strconv',
  under: {
    k: 'struct',
    fields: [
      { name: 'Func', type: STRING, embedded: false },
      { name: 'Num', type: STRING, embedded: false },
      { name: 'Err', type: ERROR, embedded: false },
    ],
  },
  methods: [{ name: 'Error', ptrRecv: true, type: { k: 'func', params: [], results: [STRING] }, symbol: 'strconv.(*NumError).Error' }],
};

const BYTES: Type = { k: 'slice', elem: BYTE };
const WRITE: FuncType = { k: 'func', params: [BYTES], results: [INT, ERROR] };

/** io.Writer */
export const IO_WRITER: NamedType = { k: 'named', name: 'Writer', pkg: 'io', under: { k: 'iface', methods: [{ name: 'Write', type: WRITE }] }, methods: [] };

/** *os.File: os.Stdout and os.Stderr; its Write is a host function writing to the file descriptor. */
export const OS_FILE: NamedType = {
  k: 'named',
  name: 'File',
  pkg: 'os',
  under: { k: 'struct', fields: [{ name: 'fd', type: INT, embedded: false }] },
  methods: [{ name: 'Write', ptrRecv: true, type: WRITE, symbol: 'os.(*File).Write' }],
};

/** strings.Builder: go1.19's {addr *Builder; buf []byte}; its methods are host functions over buf. */
export const BUILDER: NamedType = {
  k: 'named',
  name: 'Builder',
  pkg: 'strings',
  under: { k: 'struct', fields: [] },
  methods: [
    { name: 'Len', ptrRecv: true, type: { k: 'func', params: [], results: [INT] }, symbol: 'strings.(*Builder).Len' },
    { name: 'Reset', ptrRecv: true, type: { k: 'func', params: [], results: [] }, symbol: 'strings.(*Builder).Reset' },
    { name: 'String', ptrRecv: true, type: { k: 'func', params: [], results: [STRING] }, symbol: 'strings.(*Builder).String' },
    { name: 'Write', ptrRecv: true, type: WRITE, symbol: 'strings.(*Builder).Write' },
    { name: 'WriteByte', ptrRecv: true, type: { k: 'func', params: [BYTE], results: [ERROR] }, symbol: 'strings.(*Builder).WriteByte' },
    { name: 'WriteRune', ptrRecv: true, type: { k: 'func', params: [RUNE], results: [INT, ERROR] }, symbol: 'strings.(*Builder).WriteRune' },
    { name: 'WriteString', ptrRecv: true, type: { k: 'func', params: [STRING], results: [INT, ERROR] }, symbol: 'strings.(*Builder).WriteString' },
  ],
};
BUILDER.under = {
  k: 'struct',
  fields: [
    { name: 'addr', type: { k: 'ptr', elem: BUILDER }, embedded: false },
    { name: 'buf', type: BYTES, embedded: false },
  ],
};

/**
 * syscall.Errno (a uintptr): the error of a failed system call; its Error
 * method is a host function (the text of zerrors_linux_*.go's table).
 */
export const ERRNO: NamedType = { k: 'named', name: 'Errno', pkg: 'syscall', under: UINTPTR, methods: [] };
ERRNO.methods.push({ name: 'Error', ptrRecv: false, type: { k: 'func', params: [], results: [STRING] }, symbol: 'syscall.Errno.Error' });

/**
 * syscall.Timespec: {Sec, Nsec}, two C longs (int64 on amd64, int32 on
 * arm). Differs: the fields are `int` here (the same size on both arches),
 * so a program that mixes them with int64 or int32 values without a
 * conversion compiles here where gc would refuse it on one of the arches.
 */
export const TIMESPEC: NamedType = {
  k: 'named',
  name: 'Timespec',
  pkg: 'syscall',
  under: {
    k: 'struct',
    fields: [
      { name: 'Sec', type: INT, embedded: false },
      { name: 'Nsec', type: INT, embedded: false },
    ],
  },
  methods: [],
};

/** Package-level variables of the library: os.Stdout, os.Stderr (read-only *os.File values). */
export const PKG_VARS: Readonly<Record<string, Readonly<Record<string, { type: Type; fd: number }>>>> = {
  os: { Stdout: { type: { k: 'ptr', elem: OS_FILE }, fd: 1 }, Stderr: { type: { k: 'ptr', elem: OS_FILE }, fd: 2 } },
};

/** The runtime-defined named types the compiler emits descriptors for when the program uses them. */
export const RUNTIME_NAMED: readonly NamedType[] = [ERROR_STRING, WRAP_ERROR, NUM_ERROR, OS_FILE, BUILDER, DURATION, TIME, TIMER, TICKER, LOCATION, ERRNO, TIMESPEC];

/**
 * The initialisation, among a supported package's dependencies, that the
 * runtime shows, by the package imported: in go1.19 (`go list -deps`) only
 * fmt depends on os, whose init makes os.Stdin, os.Stdout and os.Stderr with
 * NewFile, and so starts the finalizer goroutine (os.init in
 * asm/<arch>/mfinal.s); runtime, sync, errors, strconv and time do not import
 * os, and none of their other dependencies' inits starts a goroutine.
 */
const DEP_INITS: Readonly<Record<string, readonly string[]>> = { fmt: ['os.init'] };

/**
 * The dependency inits main.init runs before the program's own variable
 * initializers and init functions (Go initializes every imported package
 * first), each once, in the order of the imports.
 */
export function dependencyInits(importPaths: readonly string[]): string[] {
  const out: string[] = [];
  for (const path of importPaths) for (const sym of DEP_INITS[path] ?? []) if (!out.includes(sym)) out.push(sym);
  return out;
}

export const PKG_FUNCS: Readonly<Record<string, Readonly<Record<string, PkgFunc>>>> = {
  fmt: {
    Println: fn([anys], [INT, ERROR], true),
    Printf: fn([STRING, anys], [INT, ERROR], true),
    Print: fn([anys], [INT, ERROR], true),
    Sprintf: fn([STRING, anys], [STRING], true),
    Sprint: fn([anys], [STRING], true),
    Sprintln: fn([anys], [STRING], true),
    Errorf: fn([STRING, anys], [ERROR], true),
    Fprint: fn([IO_WRITER, anys], [INT, ERROR], true),
    Fprintf: fn([IO_WRITER, STRING, anys], [INT, ERROR], true),
    Fprintln: fn([IO_WRITER, anys], [INT, ERROR], true),
  },
  errors: {
    New: fn([STRING], [ERROR]),
  },
  'sync/atomic': ATOMIC_FUNCS,
  strconv: {
    Itoa: fn([INT], [STRING]),
    Atoi: fn([STRING], [INT, ERROR]),
    Quote: fn([STRING], [STRING]),
    FormatInt: fn([INT64, INT], [STRING]),
    FormatBool: fn([BOOL], [STRING]),
    ParseInt: fn([STRING, INT, INT], [INT64, ERROR]),
  },
  strings: {
    Contains: fn([STRING, STRING], [BOOL]),
    ContainsRune: fn([STRING, RUNE], [BOOL]),
    HasPrefix: fn([STRING, STRING], [BOOL]),
    HasSuffix: fn([STRING, STRING], [BOOL]),
    Index: fn([STRING, STRING], [INT]),
    LastIndex: fn([STRING, STRING], [INT]),
    IndexByte: fn([STRING, BYTE], [INT]),
    Count: fn([STRING, STRING], [INT]),
    Split: fn([STRING, STRING], [STRINGS]),
    Fields: fn([STRING], [STRINGS]),
    Join: fn([STRINGS, STRING], [STRING]),
    Repeat: fn([STRING, INT], [STRING]),
    ToUpper: fn([STRING], [STRING]),
    ToLower: fn([STRING], [STRING]),
    TrimSpace: fn([STRING], [STRING]),
    Trim: fn([STRING, STRING], [STRING]),
    TrimLeft: fn([STRING, STRING], [STRING]),
    TrimRight: fn([STRING, STRING], [STRING]),
    TrimPrefix: fn([STRING, STRING], [STRING]),
    TrimSuffix: fn([STRING, STRING], [STRING]),
    Replace: fn([STRING, STRING, STRING, INT], [STRING]),
    ReplaceAll: fn([STRING, STRING, STRING], [STRING]),
  },
  math: {
    Sqrt: fn([FLOAT64], [FLOAT64]),
    Abs: fn([FLOAT64], [FLOAT64]),
    Floor: fn([FLOAT64], [FLOAT64]),
    Ceil: fn([FLOAT64], [FLOAT64]),
    Trunc: fn([FLOAT64], [FLOAT64]),
    Mod: fn([FLOAT64, FLOAT64], [FLOAT64]),
    Max: fn([FLOAT64, FLOAT64], [FLOAT64]),
    Min: fn([FLOAT64, FLOAT64], [FLOAT64]),
    Inf: fn([INT], [FLOAT64]),
    NaN: fn([], [FLOAT64]),
    IsNaN: fn([FLOAT64], [BOOL]),
    IsInf: fn([FLOAT64, INT], [BOOL]),
  },
  sort: {
    Ints: fn([{ k: 'slice', elem: INT }], []),
    Strings: fn([STRINGS], []),
    Slice: fn([ANY, LESS], []),
    SliceStable: fn([ANY, LESS], []),
  },
  time: TIME_FUNCS,
  // asm/<arch>/syscall.s (Read, Write, Close and Nanosleep through Syscall: entersyscall / exitsyscall)
  syscall: {
    Pipe: fn([{ k: 'slice', elem: INT }], [ERROR]),
    Read: fn([INT, BYTES], [INT, ERROR]),
    Write: fn([INT, BYTES], [INT, ERROR]),
    Close: fn([INT], [ERROR]),
    Nanosleep: fn([{ k: 'ptr', elem: TIMESPEC }, { k: 'ptr', elem: TIMESPEC }], [ERROR]),
    Getpid: fn([], [INT]),
    NsecToTimespec: fn([INT64], [TIMESPEC]),
  },
  os: {
    Getpid: fn([], [INT]),
  },
};


/** Package constants (math): untyped, exact; MaxInt and MinInt follow the target's int size (wordBits). */
export function pkgConst(pkg: string, name: string, wordBits: number): { type: Type; value: ConstValue } | undefined {
  if (pkg !== 'math') return undefined;
  const f = (text: string) => ({ type: UNTYPED_FLOAT, value: parseFloatLit(text)! });
  const i = (v: bigint) => ({ type: UNTYPED_INT, value: v });
  switch (name) {
    case 'Pi':
      return f('3.14159265358979323846264338327950288419716939937510582097494459');
    case 'E':
      return f('2.71828182845904523536028747135266249775724709369995957496696763');
    case 'Sqrt2':
      return f('1.41421356237309504880168872420969807856967187537694807317667974');
    case 'Ln2':
      return f('0.693147180559945309417232121458176568075500134360255254120680009');
    case 'MaxFloat64':
      return { type: UNTYPED_FLOAT, value: new Rat(((1n << 53n) - 1n) << 971n) };
    case 'SmallestNonzeroFloat64':
      return { type: UNTYPED_FLOAT, value: new Rat(1n, 1n << 1074n) };
    case 'MaxInt':
      return i((1n << BigInt(wordBits - 1)) - 1n);
    case 'MinInt':
      return i(-(1n << BigInt(wordBits - 1)));
    case 'MaxUint':
      return i((1n << BigInt(wordBits)) - 1n);
  }
  const m = /^(Max|Min)(Int|Uint)(8|16|32|64)$/.exec(name);
  if (!m || (m[1] === 'Min' && m[2] === 'Uint')) return undefined;
  const bits = BigInt(m[3]!);
  if (m[2] === 'Uint') return i((1n << bits) - 1n);
  return i(m[1] === 'Max' ? (1n << (bits - 1n)) - 1n : -(1n << (bits - 1n)));
}

/**
 * The library functions lowered as a plain call of their runtime entry
 * (src/abi ENTRY key) with the words of their arguments, by name.
 */
export const LIBRARY_CALLS: Readonly<Record<string, string>> = Object.fromEntries([
  ...['strings', 'sort', 'math'].flatMap((pkg) => Object.keys(PKG_FUNCS[pkg]!).map((n) => [`${pkg}.${n}`, `${pkg}${n}`])).filter(([n]) => n !== 'sort.Slice' && n !== 'sort.SliceStable'),
  ['strconv.FormatInt', 'strconvFormatInt'],
  ['strconv.FormatBool', 'strconvFormatBool'],
  ...Object.keys(PKG_FUNCS.syscall!).map((n) => [`syscall.${n}`, `syscall${n}`]),
  ['os.Getpid', 'osGetpid'],
]);

export const PKG_TYPES: Readonly<Record<string, Readonly<Record<string, NamedType>>>> = {
  fmt: { Stringer: STRINGER },
  strconv: { NumError: NUM_ERROR },
  io: { Writer: IO_WRITER },
  os: { File: OS_FILE },
  strings: { Builder: BUILDER },
  time: TIME_TYPES,
  syscall: { Errno: ERRNO, Timespec: TIMESPEC },
};
