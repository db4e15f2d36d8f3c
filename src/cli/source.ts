// `gogo-emu disasm SYMBOL --source`: the original go1.19 block(s) a stub ports
// next to the port itself. The go1.19 line ranges come from the stub's own
// doc comment ("Ports asm_amd64.s:399-403"), read from a local Go
// installation: $GOROOT, `go env GOROOT`, or Debian's golang-1.19-go.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LinkedBlock } from '../link/linker.ts';
import type { TextBlock } from '../link/source.ts';
import { ROOT } from '../os/machine.ts';

// a file of src/runtime (proc.go, asm_amd64.s) or a path under src (sync/mutex.go)
const REF = /(?<![\w/])((?:\w+\/)*[\w.]+\.(?:s|go)):(\d+)-(\d+)/g;

/** Where a referenced go1.19 file lives under GOROOT: src/runtime/<file>, or src/<path> for a path. */
export function goSourcePath(goroot: string, file: string): string {
  return file.includes('/') ? join(goroot, 'src', file) : join(goroot, 'src', 'runtime', file);
}

/** A Go installation: its directory and the version its VERSION file names (first line; undefined without one). */
export interface Goroot {
  dir: string;
  version: string | undefined;
}

/** The version a GOROOT's VERSION file names (`go1.19.8`), or undefined. */
export function gorootVersion(dir: string): string | undefined {
  try {
    return readFileSync(join(dir, 'VERSION'), 'utf8').split('\n')[0]!.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** go1.19 or a go1.19.x release (the ported ranges are go1.19's lines). */
export const isGo119 = (v: string | undefined) => v !== undefined && /^go1\.19(\.|$)/.test(v);

/**
 * The GOROOT whose src/runtime we read: the first of $GOROOT, `go env GOROOT`
 * and Debian's /usr/lib/go-1.19 that is go1.19; else the first that has the
 * runtime sources at all (sourceView says it is another version); else none.
 */
export function findGoroot(): Goroot | undefined {
  const candidates = [process.env.GOROOT];
  const go = spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8' });
  if (go.status === 0) candidates.push(go.stdout.trim());
  candidates.push('/usr/lib/go-1.19');
  const found = candidates.filter((d): d is string => !!d && existsSync(join(d, 'src', 'runtime', 'proc.go'))).map((dir) => ({ dir, version: gorootVersion(dir) }));
  return found.find((g) => isGo119(g.version)) ?? found[0];
}

/** What sourceView says about a Go installation that may not be go1.19. */
export function versionNote(g: Goroot): string | undefined {
  if (isGo119(g.version)) return undefined;
  return g.version
    ? `(${g.dir} is ${g.version}, not go1.19: the lines shown are that version's and may not be the ones the port follows; set GOROOT to a go1.19 installation, e.g. apt-get install golang-1.19-go)`
    : `(${g.dir} has no VERSION file: it may not be go1.19, whose lines the port follows)`;
}

/** The go1.19 ranges a block says it ports. */
export function portedRanges(doc: readonly string[]): { file: string; from: number; to: number }[] {
  return [...doc.join(' ').matchAll(REF)].map((m) => ({ file: m[1]!, from: Number(m[2]), to: Number(m[3]) }));
}

function columns(left: string[], right: string[], width: number): string[] {
  const n = Math.max(left.length, right.length);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const l = (left[i] ?? '').replace(/\t/g, '    ');
    out.push(`${(l.length > width ? `${l.slice(0, width - 1)}~` : l).padEnd(width)} | ${right[i] ?? ''}`);
  }
  return out;
}

/** Side-by-side listing of the original and the port for one block. */
export function sourceView(block: LinkedBlock, src: TextBlock, goroot: Goroot | string | undefined, width = 64): string[] {
  const g = typeof goroot === 'string' ? { dir: goroot, version: gorootVersion(goroot) } : goroot;
  const ranges = portedRanges(src.doc ?? []);
  const port = readFileSync(join(ROOT, src.file), 'utf8').split('\n').slice(src.line - 1, src.endLine ?? src.line);
  const note = g && versionNote(g);
  const out = [`== ${block.name}: go1.19 original (left) and the port in ${src.file}:${src.line}-${src.endLine} (right)${note ? ` ${note}` : ''}`];
  if (ranges.length === 0) return [...out, '(this block names no go1.19 source range)', ...port];
  if (!g) return [...out, '(no Go installation found: set GOROOT or apt-get install golang-1.19-go)', ...port];
  const orig: string[] = [];
  for (const r of ranges) {
    const path = goSourcePath(g.dir, r.file);
    if (!existsSync(path)) {
      orig.push(`(${r.file} not in ${g.dir})`);
      continue;
    }
    orig.push(`// ${r.file}:${r.from}-${r.to}`, ...readFileSync(path, 'utf8').split('\n').slice(r.from - 1, r.to));
  }
  return [...out, ...columns(orig, [`// ${src.file}:${src.line}-${src.endLine}`, ...port], width)];
}
