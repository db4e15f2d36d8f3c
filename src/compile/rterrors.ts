// The runtime's error types that a recover can return, emitted with a
// program that calls recover (error.go): runtime.errorString (Error:
// "runtime error: " + s; divide by zero, nil dereference, shifts, ...),
// runtime.plainError (Error: s; "send on closed channel", "assignment to
// entry in nil map", ...), string (panics the runtime raises with a plain
// string), runtime.boundsError (index and slice bounds: go1.19's {x int64; y
// int; signed bool; code uint8}) and *runtime.TypeAssertionError
// ({_interface, concrete, asserted *_type; missingMethod string}). Each but
// string is a runtime.Error: it has Go's Error and RuntimeError methods. Their
// type descriptors go into the rodata table `runtime.errortypes` (one word
// each, in the order of src/abi RUNTIME_ERROR_TYPES), where
// src/runtime/panic.ts finds them to box a runtime panic's value. The
// methods are runtime host functions (runtime.errorString.Error,
// runtime.boundsError.Error, ...); the itab entries are the usual (*T).M
// wrappers the lowering generates.
import { ENTRY, RUNTIME_ERROR_TABLE, RUNTIME_ERROR_TYPES } from '../abi/index.ts';
import type { DataItem } from './ir.ts';
import type { RTypes } from './rtype.ts';
import { BOOL, INT, INT64, type NamedType, STRING, type Type, UINT8 } from './types.ts';

const method = (name: string, symbol: string, ptrRecv = false, results: Type[] = []) => ({ name, ptrRecv, type: { k: 'func' as const, params: [], results }, symbol });
const errorMethods = (error: string, runtimeError: string, ptrRecv = false) => [method('Error', error, ptrRecv, [STRING]), method('RuntimeError', runtimeError, ptrRecv)];

/** runtime.errorString (error.go): a runtime.Error whose text is "runtime error: " + the string. */
export const ERROR_STRING_RT: NamedType = { k: 'named', name: 'errorString', pkg: 'runtime', under: STRING, methods: errorMethods(ENTRY.rtErrorStringError.symbol, ENTRY.rtErrorStringRuntimeError.symbol) };
/** runtime.plainError (error.go): a runtime.Error whose text is the string itself. */
export const PLAIN_ERROR_RT: NamedType = { k: 'named', name: 'plainError', pkg: 'runtime', under: STRING, methods: errorMethods(ENTRY.rtPlainErrorError.symbol, ENTRY.rtPlainErrorRuntimeError.symbol) };
const field = (name: string, type: Type) => ({ name, type, embedded: false });
/** runtime.boundsError (error.go): a failed index or slice bounds check. */
export const BOUNDS_ERROR_RT: NamedType = {
  k: 'named',
  name: 'boundsError',
  pkg: 'runtime',
  under: { k: 'struct', fields: [field('x', INT64), field('y', INT), field('signed', BOOL), field('code', UINT8)] },
  methods: errorMethods(ENTRY.rtBoundsErrorError.symbol, ENTRY.rtBoundsErrorRuntimeError.symbol),
};
const TYPE_PTR: Type = { k: 'ptr', elem: UINT8 }; // *_type (only the layout matters here)
/** runtime.TypeAssertionError (error.go): a failed type assertion; the panic value is a pointer to one. */
export const TYPE_ASSERTION_ERROR_RT: NamedType = {
  k: 'named',
  name: 'TypeAssertionError',
  pkg: 'runtime',
  under: { k: 'struct', fields: [field('_interface', TYPE_PTR), field('concrete', TYPE_PTR), field('asserted', TYPE_PTR), field('missingMethod', STRING)] },
  methods: errorMethods(ENTRY.rtTypeAssertionErrorError.symbol, ENTRY.rtTypeAssertionErrorRuntimeError.symbol, true),
};

/** runtime.Error (error.go): an error with the RuntimeError marker method. */
export const RUNTIME_ERROR_IFACE: NamedType = {
  k: 'named',
  name: 'Error',
  pkg: 'runtime',
  under: {
    k: 'iface',
    methods: [
      { name: 'Error', type: { k: 'func', params: [], results: [STRING] } },
      { name: 'RuntimeError', type: { k: 'func', params: [], results: [] } },
    ],
  },
  methods: [],
};

const TYPES: Record<(typeof RUNTIME_ERROR_TYPES)[number], Type> = {
  errorString: ERROR_STRING_RT,
  plainError: PLAIN_ERROR_RT,
  string: STRING,
  boundsError: BOUNDS_ERROR_RT,
  TypeAssertionError: { k: 'ptr', elem: TYPE_ASSERTION_ERROR_RT },
};

/** Emit runtime.errortypes (once) through addData. */
export function emitRuntimeErrorTypes(rtypes: RTypes, addData: (name: string, line: number, items: DataItem[]) => string, line: number): void {
  addData(RUNTIME_ERROR_TABLE, line, RUNTIME_ERROR_TYPES.map((k): DataItem => ({ k: 'word', v: rtypes.typeSym(TYPES[k]) })));
}
