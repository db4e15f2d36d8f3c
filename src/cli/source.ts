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

/** The GOROOT whose src/runtime we can read, or undefined. */
export function findGoroot(): string | undefined {
  const candidates = [process.env.GOROOT];
  const go = spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8' });
  if (go.status === 0) candidates.push(go.stdout.trim());
  candidates.push('/usr/lib/go-1.19');
  return candidates.find((d): d is string => !!d && existsSync(join(d, 'src', 'runtime', 'proc.go')));
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
export function sourceView(block: LinkedBlock, src: TextBlock, goroot: string | undefined, width = 64): string[] {
  const ranges = portedRanges(src.doc ?? []);
  const port = readFileSync(join(ROOT, src.file), 'utf8').split('\n').slice(src.line - 1, src.endLine ?? src.line);
  const out = [`== ${block.name}: go1.19 original (left) and the port in ${src.file}:${src.line}-${src.endLine} (right)`];
  if (ranges.length === 0) return [...out, '(this block names no go1.19 source range)', ...port];
  if (!goroot) return [...out, '(no Go installation found: set GOROOT or apt-get install golang-1.19-go)', ...port];
  const orig: string[] = [];
  for (const r of ranges) {
    const path = goSourcePath(goroot, r.file);
    if (!existsSync(path)) {
      orig.push(`(${r.file} not in ${goroot})`);
      continue;
    }
    orig.push(`// ${r.file}:${r.from}-${r.to}`, ...readFileSync(path, 'utf8').split('\n').slice(r.from - 1, r.to));
  }
  return [...out, ...columns(orig, [`// ${src.file}:${src.line}-${src.endLine}`, ...port], width)];
}
