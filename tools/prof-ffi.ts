// Count the FFI calls (koffi -> Unicorn) a benchmark program makes, and the
// JavaScript hooks run: where switch time goes besides JavaScript itself.
// STACKS=1 also splits register reads and writes by register id and caller.
//
//   npx tsx tools/prof-ffi.ts [amd64|arm] [pingpong100k.go | /abs/path.go]
//
// Not part of the tests.
import { readFileSync } from 'node:fs';
import { archByName } from '../src/arch/index.ts';
import { compileProgram } from '../src/compile/index.ts';
import { Process } from '../src/session/process.ts';
import { uc } from '../src/engine/unicorn.ts';
const arch = archByName(process.argv[2] ?? 'amd64');
const file = process.argv[3] ?? 'pingpong100k.go';
const src = readFileSync(file.startsWith('/') ? file : 'tools/bench/' + file, 'utf8');
const prog = await compileProgram(src, file, arch);
const lib = uc() as Record<string, unknown>;
const counts: Record<string, number> = {};
for (const [k, f] of Object.entries(lib)) {
  if (typeof f !== 'function' || !k.startsWith('uc_')) continue;
  lib[k] = (...a: unknown[]) => { counts[k] = (counts[k] ?? 0) + 1; if (process.env.STACKS && k.startsWith('uc_reg')) { const kk = k + ' ' + a[1] + ' ' + (new Error().stack!.split('\n').slice(3, 6).map((l) => l.trim().split(' ')[1]).join('<')); counts[kk] = (counts[kk] ?? 0) + 1; } return (f as (...a: unknown[]) => unknown)(...a); };
}
let hooks = 0;
const p = await Process.create({ arch, program: { blocks: prog.blocks, globals: prog.globals }, maxInsns: 5e9, gomaxprocsEnv: '1' });
const e = p.machine.engine; const prev = e.onHookEntry!; e.onHookEntry = () => { hooks++; prev(); };
const r = p.run();
console.log(r.stderr.trim(), r.insns, 'hooks', hooks, 'quanta', p.threads.quanta);
console.log(Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join('\n'));
