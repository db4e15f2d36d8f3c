// `npx tsx tools/fuzz-errors.ts --runs N --seed S [--arch A] [--src DIR] [--show N] [--show-lists N] [--show-wrong N]`:
// how often gogo-emu's compile error matches go1.19's first error line, over
// the mutated programs of a fuzz campaign (tools/fuzz.ts; the same cases for
// the same seed) that go1.19 rejects. Three rates for the first error: the
// whole line (`LINE:COL: message`), the position (LINE:COL) and the line;
// and how often the whole list matches (every line, in order, up to gc's
// "too many errors"); and how often every line gogo-emu prints is one of
// Go's, in order (it may print fewer: `--show-wrong N` lists the others). Go's results
// come from the fuzzer's cache (built in batches when missing); gogo-emu only
// compiles (in process). --src points at another checkout's src/ (for
// example `git archive main src | tar -x -C /tmp/before`) to measure a
// compiler from before a change the same way.
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { ArchName } from '../src/arch/index.ts';
import { ROOT } from '../src/os/machine.ts';
import { caseGens, caseSeed } from '../test/fuzz/lib/campaign.ts';
import { goOutcome, goPrefetch } from '../test/fuzz/lib/golang.ts';
import { mutationBases } from '../test/fuzz/lib/mutate.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '400' },
    seed: { type: 'string', default: '16' },
    arch: { type: 'string', default: 'amd64' },
    src: { type: 'string' },
    show: { type: 'string', default: '0' },
    'show-lists': { type: 'string', default: '0' },
    'show-wrong': { type: 'string', default: '0' },
  },
  strict: true,
});
const arch = values.arch as ArchName;
const seed = Number(values.seed);
const runs = Number(values.runs);
const src = values.src ? resolve(values.src) : join(ROOT, 'src');
const { compileProgram } = (await import(join(src, 'compile', 'index.ts'))) as typeof import('../src/compile/index.ts');
const { archByName } = (await import(join(src, 'arch', 'index.ts'))) as typeof import('../src/arch/index.ts');

const gens = caseGens(arch, mutationBases(ROOT));
const sources: string[] = [];
// the campaign alternates gen, mut: the mutated cases are the odd indices
for (let i = 1; i < runs; i += 2) {
  const v = gens.mut.arb.generate(new fc.Random(xoroshiro128plus(caseSeed(seed, i))), undefined);
  sources.push(gens.mut.source(v.value));
}
await goPrefetch(sources, arch);
let both = 0;
let full = 0;
let pos = 0;
let line = 0;
let shown = 0;
let all = 0;
let shownAll = 0;
let noWrong = 0;
let shownWrong = 0;
for (const s of sources) {
  const go = (await goOutcome(s, arch))[0]!;
  if (go.kind !== 'reject') continue;
  let mineAll: string[] | undefined;
  try {
    await compileProgram(s, 'prog.go', archByName(arch));
  } catch (e) {
    // (tab-indented continuation lines left out, as goErrorLines leaves out Go's)
    mineAll = (e as Error).message.split('\n').filter((l) => !l.startsWith('\t')).map((l) => /^prog\.go:(.*)$/.exec(l)?.[1] ?? l);
  }
  if (mineAll === undefined) continue; // gogo-emu accepts it: an accept/reject disagreement, the fuzzer's business
  both++;
  const mine = mineAll[0]!;
  const first = go.errors[0] ?? '';
  const whole = mineAll.length === go.errors.length && mineAll.every((l, i) => l === go.errors[i]);
  if (whole) all++;
  // every line gogo-emu prints is one Go prints, in Go's order (it may print fewer; "too many errors" aside)
  const real = mineAll.filter((l) => !/: too many errors$/.test(l));
  let k = 0;
  for (const l of go.errors) if (k < real.length && real[k] === l) k++;
  const subset = k === real.length;
  if (subset) noWrong++;
  if (!subset && shownWrong < Number(values['show-wrong'])) {
    shownWrong++;
    process.stdout.write(`  a line Go does not print:\n${mineAll.map((l) => `    gogo-emu ${l}\n`).join('')}${go.errors.map((l) => `    go       ${l}\n`).join('')}`);
  }
  const lc = (x: string) => /^(\d+):(\d+):/.exec(x);
  const [a, b] = [lc(mine), lc(first)];
  if (mine === first) full++;
  if (a && b) {
    if (a[1] === b[1] && a[2] === b[2]) pos++;
    if (a[1] === b[1]) line++;
  } else if (mine === first) {
    // an error without a position (the go command's): matched whole
    pos++;
    line++;
  }
  if (mine !== first && shown < Number(values.show)) {
    shown++;
    process.stdout.write(`  gogo-emu ${mine}\n  go       ${first}\n`);
  }
  if (mine === first && !whole && shownAll < Number(values['show-lists'])) {
    shownAll++;
    process.stdout.write(`  lists differ:\n${mineAll.map((l) => `    gogo-emu ${l}\n`).join('')}${go.errors.map((l) => `    go       ${l}\n`).join('')}`);
  }
}
const pct = (n: number) => `${((100 * n) / Math.max(1, both)).toFixed(1)}%`;
process.stdout.write(`${arch} seed ${seed}: ${sources.length} mutated programs, ${both} rejected by both; first error line: message ${full} (${pct(full)}), line:col ${pos} (${pct(pos)}), line ${line} (${pct(line)}); whole error list ${all} (${pct(all)}); no line Go does not print ${noWrong} (${pct(noWrong)})\n`);
