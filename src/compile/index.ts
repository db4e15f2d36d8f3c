// The Go-subset compiler: Go source -> assembly text for one arch.
//
// Pipeline: parse (tree-sitter-go, parse.ts) -> check (names, types,
// constants, closures; check.ts) -> lower to an arch-neutral IR (lower.ts,
// ir.ts) -> the arch's code generator (backend/), which writes
// Keystone assembly as TEXT blocks. Every assembly line carries the Go source
// line it came from, so the linker's address -> file:line map points at Go
// lines. Nothing here depends on which arch it is, except through
// arch.ptrSize (the width of int) and the backend registry.
//
// ABI contract with the runtime (the runtime functions the generated code
// calls are listed in src/abi; see the backends for registers and frames):
//   - functions are main.<name>; function literals main.f.func1,
//     main.f.func1.1; package-level literals main.glob..func1; go/defer
//     wrappers main.f.gowrap1 / main.f.deferwrap1; static funcvals of
//     functions used as values <sym>.f; user init functions main.init.0, ...
//   - main.init runs package-level initializers and the init functions; it is
//     always emitted; the runtime calls main.init, then main.main;
//   - rodata: strings go.string.N (bytes), type.cellN (word 0 = N, the size
//     for runtime.newobject), type.chanN (word 0 = N, the element size for
//     runtime.makechan);
//   - package-level variables are returned in `globals` (symbol main.<name>);
//     the loader places them and passes their addresses to the linker;
//   - a funcval is word 0 = code address, then the closure's words: cell
//     addresses of captured variables (function literals) or argument values
//     (go/defer wrappers);
//   - every function with a defer runs `for fv := runtime.deferreturn(); fv
//     != nil; fv = runtime.deferreturn() { fv() }` at its single exit.
import type { Arch } from '../arch/types.ts';
import { backendFor } from './backend/index.ts';
import type { TextBlock } from '../link/source.ts';
import { checkProgram } from './check.ts';
import { CompileError, GoErrors, PosError, reportedErrors, ScanError, UnsupportedError } from './errors.ts';
import { lowerProgram } from './lower.ts';
import { goAsmConst } from '../go119/goasm.ts';
import { compileOnLargeStack } from './deep.ts';
import { parseGo, TooDeepForThisThread } from './parse.ts';

export { CompileError } from './errors.ts';


export interface CompiledProgram {
  /** TEXT blocks: functions first (in source order), then read-only data */
  blocks: TextBlock[];
  /** writable package-level variables (symbol = name) */
  globals: { name: string; size: number; align: number }[];
  /** every emitted function and the line of its declaration */
  funcs: { name: string; line: number }[];
  /** the generated assembly, each Go source line printed above its instructions */
  listing(): string;
}

/** The compiled code, as plain data (it crosses threads for deeply nested programs). */
export interface CompiledCode {
  blocks: TextBlock[];
  globals: { name: string; size: number; align: number }[];
  funcs: { name: string; line: number }[];
}

export interface CompileOptions {
  /** this thread has a large stack (deep.ts): allow the deepest programs */
  deep?: boolean;
}

export async function compileProgram(source: string, file: string, arch: Arch, o: CompileOptions = {}): Promise<CompiledProgram> {
  let code: CompiledCode;
  try {
    try {
      code = await compileCode(source, file, arch, o);
    } catch (e) {
      if (!(e instanceof TooDeepForThisThread) || o.deep) throw e;
      // nested deeper than this thread's stack allows: compile on a large stack
      code = await compileOnLargeStack(source, file, arch.name);
    }
  } catch (e) {
    if (e instanceof GoErrors) {
      const [first, ...more] = e.printed();
      throw new CompileError(file, first!.pos.line, first!.pos.col, first!.detail, more.map((x) => ({ ...x.pos, detail: x.detail, also: x.also })), first!.also);
    }
    if (e instanceof PosError) throw new CompileError(file, e.pos.line, e.pos.col, e.detail, [], e.also);
    throw e;
  }
  const { blocks } = code;
  return { ...code, listing: () => listing(source, file, arch, blocks) };
}

const isStackOverflow = (e: unknown) => e instanceof RangeError && /call stack/i.test(e.message);

/**
 * parse -> check -> lower -> backend. Throws PosError for the program's
 * errors and TooDeepForThisThread when the program needs a larger stack.
 */
export async function compileCode(source: string, file: string, arch: Arch, o: CompileOptions = {}): Promise<CompiledCode> {
  const ast = await parseGo(source, { deep: o.deep });
  try {
    let checked;
    // gc's parser reports its errors first (errors after which it type-checks: a
    // malformed literal, an invalid character, `go f`), then types2 its own
    const soft = ast.softErrors ?? [];
    try {
      checked = checkProgram(ast, { wordBits: arch.ptrSize * 8 });
    } catch (e) {
      if (!(e instanceof PosError) || soft.length === 0) throw e;
      // a construct outside the subset is reported only when Go finds no error
      if (e instanceof UnsupportedError) throw new GoErrors(soft);
      // a variable initialized by the malformed literal on its line counts as used for gc
      // and types2 sees a malformed literal as an invalid operand: what uses it on its line reports nothing
      const typeErrs = reportedErrors(e).filter((x) => !(/ declared but not used$/.test(x.detail) && soft.some((s) => s.pos.line === x.pos.line)))
        .filter((x) => !soft.some((s) => s instanceof ScanError && s.pos.line === x.pos.line))
        // (the checks made once a package compiled: not with the parser's errors)
        .filter((x) => !/ is not a main package$| is undeclared in the main package$/.test(x.detail));
      throw new GoErrors([...soft, ...typeErrs]);
    }
    if (soft.length) throw new GoErrors(soft);
    const ir = lowerProgram(checked, { ptrSize: arch.ptrSize, K: (n) => goAsmConst(arch, n) });
    const backend = backendFor(arch);
    const funcs = [...ir.funcs].sort((a, b) => a.line - b.line || (a.name < b.name ? -1 : 1));
    const funcBlocks = funcs.map((f) => backend.func(f, file));
    const dataBlocks = ir.data.map((d) => backend.data(d, file));
    return { blocks: [...funcBlocks, ...dataBlocks], globals: ir.globals, funcs: funcs.map((f) => ({ name: f.name, line: f.line })) };
  } catch (e) {
    // the depth check of parseGo keeps programs within the stack; should a
    // phase still run out of it, it is the same case
    if (!isStackOverflow(e)) throw e;
    if (!o.deep) throw new TooDeepForThisThread();
    throw new PosError(ast.deepest ?? { line: 1, col: 1 }, `nested too deeply: more than gogo-emu can compile (see its README, "Limits")`);
  }
}

function listing(source: string, file: string, arch: Arch, blocks: TextBlock[]): string {
  const src = source.split('\n');
  const out: string[] = [`// ${file} compiled for ${arch.name}`];
  for (const b of blocks) {
    out.push('', `${b.header}    // ${file}:${b.line}`);
    let last = -1;
    for (const l of b.body) {
      if (l.line !== last) {
        last = l.line;
        const text = (src[l.line - 1] ?? '').replace(/\t/g, '    ').trimEnd();
        out.push(`// ${file}:${l.line}${text ? `    ${text.trim()}` : ''}`);
      }
      const t = l.text.trim();
      out.push(/^[\w.$"<>]+:$/.test(t) ? t : `    ${t}`);
    }
  }
  return `${out.join('\n')}\n`;
}
