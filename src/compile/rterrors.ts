// The runtime's error types that a recover can return, emitted with a
// program that calls recover: runtime.errorString (Error: "runtime error: "
// + s; divide by zero, nil dereference, bounds, shifts, ...), runtime.plainError
// (Error: s; "send on closed channel", "assignment to entry in nil map", ...)
// and string (panics the runtime raises with a plain string). Their type
// descriptors go into the rodata table `runtime.errortypes` (one word each,
// in the order of src/abi RUNTIME_ERROR_TYPES), where src/runtime/panic.ts
// finds them to box a runtime panic's value. The Error methods are runtime
// host functions (runtime.errorString.Error, runtime.plainError.Error); the
// itab entries are the usual (*T).M wrappers the lowering generates.
import { ENTRY, RUNTIME_ERROR_TABLE, RUNTIME_ERROR_TYPES } from '../abi/index.ts';
import type { DataItem } from './ir.ts';
import type { RTypes } from './rtype.ts';
import { type NamedType, STRING, type Type } from './types.ts';

const errorMethod = (symbol: string) => ({ name: 'Error', ptrRecv: false, type: { k: 'func' as const, params: [], results: [STRING] }, symbol });

/** runtime.errorString (error.go): a runtime.Error whose text is "runtime error: " + the string. */
export const ERROR_STRING_RT: NamedType = { k: 'named', name: 'errorString', pkg: 'runtime', under: STRING, methods: [errorMethod(ENTRY.rtErrorStringError.symbol)] };
/** runtime.plainError (error.go): a runtime.Error whose text is the string itself. */
export const PLAIN_ERROR_RT: NamedType = { k: 'named', name: 'plainError', pkg: 'runtime', under: STRING, methods: [errorMethod(ENTRY.rtPlainErrorError.symbol)] };

const TYPES: Record<(typeof RUNTIME_ERROR_TYPES)[number], Type> = { errorString: ERROR_STRING_RT, plainError: PLAIN_ERROR_RT, string: STRING };

/** Emit runtime.errortypes (once) through addData. */
export function emitRuntimeErrorTypes(rtypes: RTypes, addData: (name: string, line: number, items: DataItem[]) => string, line: number): void {
  addData(RUNTIME_ERROR_TABLE, line, RUNTIME_ERROR_TYPES.map((k): DataItem => ({ k: 'word', v: rtypes.typeSym(TYPES[k]) })));
}
