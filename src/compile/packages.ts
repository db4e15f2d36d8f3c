// The standard-library functions and types a program may use besides
// runtime and sync.WaitGroup: fmt, errors and strconv. The compiler
// implements them (src/compile/lower.ts, with the runtime's host functions in
// src/runtime/fmt.ts, strconv.ts); this file gives the checker their Go
// signatures and the named types they define.
import { ATOMIC_FUNCS } from './atomic.ts';
import { ANY, BOOL, BYTE, ERROR, type FuncType, INT, INT64, type NamedType, RUNE, STRING, type Type } from './types.ts';
import { DURATION, LOCATION, TICKER, TIME, TIME_FUNCS, TIME_TYPES, TIMER } from './timepkg.ts';

export interface PkgFunc {
  readonly type: FuncType;
}

const anys: Type = { k: 'slice', elem: ANY };
const STRINGS: Type = { k: 'slice', elem: STRING };
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

/** The runtime-defined named types the compiler emits descriptors for when the program uses them. */
export const RUNTIME_NAMED: readonly NamedType[] = [ERROR_STRING, WRAP_ERROR, NUM_ERROR, DURATION, TIME, TIMER, TICKER, LOCATION];

export const PKG_FUNCS: Readonly<Record<string, Readonly<Record<string, PkgFunc>>>> = {
  fmt: {
    Println: fn([anys], [INT, ERROR], true),
    Printf: fn([STRING, anys], [INT, ERROR], true),
    Print: fn([anys], [INT, ERROR], true),
    Sprintf: fn([STRING, anys], [STRING], true),
    Sprint: fn([anys], [STRING], true),
    Sprintln: fn([anys], [STRING], true),
    Errorf: fn([STRING, anys], [ERROR], true),
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
  sort: {
    Ints: fn([{ k: 'slice', elem: INT }], []),
    Strings: fn([STRINGS], []),
  },
  time: TIME_FUNCS,
};

/**
 * The library functions lowered as a plain call of their runtime entry
 * (src/abi ENTRY key) with the words of their arguments, by name.
 */
export const LIBRARY_CALLS: Readonly<Record<string, string>> = Object.fromEntries([
  ...['strings', 'sort'].flatMap((pkg) => Object.keys(PKG_FUNCS[pkg]!).map((n) => [`${pkg}.${n}`, `${pkg}${n}`])),
  ['strconv.FormatInt', 'strconvFormatInt'],
  ['strconv.FormatBool', 'strconvFormatBool'],
]);

export const PKG_TYPES: Readonly<Record<string, Readonly<Record<string, NamedType>>>> = {
  fmt: { Stringer: STRINGER },
  strconv: { NumError: NUM_ERROR },
  time: TIME_TYPES,
};
