// `npm run fuzz -- --runs N --seed S [--arch amd64|arm] [options]`: the
// reliability fuzzer (test/fuzz/lib). Per arch it runs N programs,
// generated (valid Go of the subset, terminating by construction) and
// mutated (edits of fixtures/programs), through gogo-emu and — when go1.19
// is installed — through real Go, classifies every run, shrinks the first
// failure of each kind and saves it as a regression fixture in fixtures/fuzz/
// (run by `npm test`). Then the command-line cases: bad flags and files,
// broken and random user stubs for `validate --stub`. Exit status 1 when
// anything failed (a host crash, a hang, an accept/reject disagreement, an
// output difference), else 0.
//
// Options:
//   --runs N          programs per arch (default 200)
//   --seed S          campaign seed (default: the time); case i depends only on (S, i)
//   --arch A          amd64, arm or both (default both)
//   --kinds K         gen, mut or gen,mut (default gen,mut: alternating)
//   --only I,J        only these case indices (replay)
//   --cli N           command-line cases: the fixed ones plus N random ones (default 20)
//   --no-cli          no command-line cases
//   --no-go           no differential, even when go1.19 is installed
//   --no-shrink       report failures unshrunk
//   --no-save         do not write regression fixtures
//   --workers N       gogo-emu worker processes (default 2)
//   --max-insns N     gogo-emu's budget per program (default 50,000,000)
//   --timeout S       wall-clock seconds per program before it is a hang (default 60)
//   --json FILE       also write the report as JSON
//   --show CLASS      print up to 5 examples of this class (e.g. error-text), repeatable
//   --help, -h        this text
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ARCH_NAMES, type ArchName } from '../src/arch/index.ts';
import { ROOT } from '../src/os/machine.ts';
import { type CampaignReport, runCampaign, sourceHash } from '../test/fuzz/lib/campaign.ts';
import { allCliCases, runCliCases } from '../test/fuzz/lib/cli-cases.ts';
import { EmuPool } from '../test/fuzz/lib/emu.ts';
import { saveFixture } from '../test/fuzz/lib/fixture.ts';
import { goAvailable } from '../test/fuzz/lib/golang.ts';
import { mutationBases } from '../test/fuzz/lib/mutate.ts';

const usage = (): string => {
  const lines = readFileSync(new URL(import.meta.url), 'utf8').split('\n');
  const end = lines.findIndex((l) => !l.startsWith('//'));
  return `${lines
    .slice(0, end)
    .map((l) => l.replace(/^\/\/ ?/, ''))
    .join('\n')}\n`;
};

let parsed: ReturnType<typeof parseOptions>;
try {
  parsed = parseOptions();
} catch (e) {
  process.stderr.write(`fuzz: ${(e as Error).message} (see --help)\n`);
  process.exit(2);
}
const { values } = parsed;
if (values.help) {
  process.stdout.write(usage());
  process.exit(0);
}

function parseOptions() {
  return parseArgs({
  options: {
    help: { type: 'boolean', short: 'h', default: false },
    runs: { type: 'string', default: '200' },
    seed: { type: 'string' },
    arch: { type: 'string', default: 'both' },
    kinds: { type: 'string', default: 'gen,mut' },
    only: { type: 'string' },
    cli: { type: 'string', default: '20' },
    'no-cli': { type: 'boolean', default: false },
    'no-go': { type: 'boolean', default: false },
    'no-shrink': { type: 'boolean', default: false },
    'no-save': { type: 'boolean', default: false },
    workers: { type: 'string', default: '2' },
    'max-insns': { type: 'string', default: '50000000' },
    timeout: { type: 'string', default: '60' },
    json: { type: 'string' },
    show: { type: 'string', multiple: true, default: [] },
  },
  strict: true,
  });
}

const num = (name: string, v: string | undefined): number => {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n)) {
    process.stderr.write(`fuzz: --${name} wants an integer, got ${JSON.stringify(v)}\n`);
    process.exit(2);
  }
  return n;
};

const runs = num('runs', values.runs);
const seed = values.seed === undefined ? Date.now() % 1_000_000_007 : num('seed', values.seed);
const arches: ArchName[] = values.arch === 'both' ? [...ARCH_NAMES] : ARCH_NAMES.includes(values.arch as ArchName) ? [values.arch as ArchName] : [];
if (!arches.length) {
  process.stderr.write(`fuzz: --arch must be amd64, arm or both\n`);
  process.exit(2);
}
const kinds = values.kinds!.split(',') as ('gen' | 'mut')[];
if (!kinds.every((k) => k === 'gen' || k === 'mut')) {
  process.stderr.write('fuzz: --kinds is gen, mut or gen,mut\n');
  process.exit(2);
}
const only = values.only?.split(',').map((x) => num('only', x));
const cliRandom = num('cli', values.cli);
const log = (s: string) => process.stdout.write(`${s}\n`);

const pool = new EmuPool({ workers: num('workers', values.workers), timeoutMs: num('timeout', values.timeout) * 1000 });
const bases = mutationBases(ROOT);
const reports: CampaignReport[] = [];
let failed = false;
const summary: Record<string, unknown>[] = [];
const fixtureDir = join(ROOT, 'fixtures', 'fuzz');
try {
  for (const arch of arches) {
    const go = goAvailable(arch);
    log(`== ${arch}: ${only ? `cases ${only.join(',')}` : `${runs} programs`} (${kinds.join('+')}), seed ${seed}; ${values['no-go'] ? 'no differential (--no-go)' : go.ok ? 'differential against go1.19' : `no differential: ${go.reason}`}`);
    const r = await runCampaign({
      arch,
      runs,
      seed,
      kinds,
      only,
      go: !values['no-go'],
      pool,
      bases,
      maxInsns: num('max-insns', values['max-insns']),
      jobTimeoutMs: num('timeout', values.timeout) * 1000,
      concurrency: num('workers', values.workers) + 1,
      shrink: !values['no-shrink'],
      log,
    });
    reports.push(r);
    const counts = Object.entries(r.counts)
      .sort((a, b) => b[1]! - a[1]!)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    log(`${arch}: ${r.runs} programs (${r.byKind.gen} generated, ${r.byKind.mut} mutated) in ${Math.round(r.ms / 1000)} s: ${counts}`);
    for (const cls of values.show!) {
      for (const ex of r.examples[cls as keyof typeof r.examples] ?? []) log(`  ${cls} case ${ex.index} (${ex.kind}): ${ex.verdict.detail}`);
    }
    for (const [sig, f] of r.failures) {
      failed = true;
      log(`FAIL ${sig} x${f.count}: first case ${f.first.index} (${f.first.kind}): ${f.first.verdict.detail}`);
      if (f.shrunk !== undefined) {
        log(`  shrunk to ${f.shrunk.split('\n').length} lines:\n${f.shrunk.replace(/^/gm, '    | ')}`);
        if (!values['no-save']) {
          const path = await saveFixture(fixtureDir, f.first.verdict.cls, f.shrunk, `npm run fuzz -- --seed ${seed} --arch ${arch} --only ${f.first.index}`, f.first.verdict.detail);
          log(path ? `  saved ${path}` : `  not saved: go1.19 is needed to record the expected outcome`);
        }
      } else {
        log(`  source (${sourceHash(f.first.source)}):\n${f.first.source.replace(/^/gm, '    | ')}`);
      }
    }
    summary.push({ arch, seed, runs: r.runs, generated: r.byKind.gen, mutated: r.byKind.mut, differential: r.differential, counts: r.counts, failures: [...r.failures.keys()], seconds: Math.round(r.ms / 1000) });

    if (!values['no-cli']) {
      const cases = allCliCases(pool, ROOT, arch, seed, cliRandom);
      const t0 = Date.now();
      const verdicts = await runCliCases(pool, cases);
      const bad = verdicts.filter((v) => v.cls !== 'ok');
      const pending = bad.filter((v) => v.case.pending);
      const real = bad.filter((v) => !v.case.pending);
      log(`${arch}: ${verdicts.length} command-line cases in ${Math.round((Date.now() - t0) / 1000)} s: ${verdicts.length - bad.length} clean, ${real.length} failed${pending.length ? `, ${pending.length} pending elsewhere` : ''}`);
      for (const v of bad) log(`  ${v.case.pending ? 'PENDING' : 'FAIL'} ${v.cls}: ${v.case.name}: gogo-emu ${v.case.argv.join(' ')}: ${v.detail}${v.case.pending ? ` (${v.case.pending})` : ''}`);
      if (real.length) failed = true;
      summary.push({ arch, cli: verdicts.length, failed: real.map((v) => `${v.cls}: ${v.case.name}`), pending: pending.map((v) => v.case.name) });
    }
  }
} finally {
  pool.close();
}
if (pool.stray) log(`output that escaped the workers' capture:\n${pool.stray}`);
if (values.json) writeFileSync(values.json, `${JSON.stringify(summary, null, 2)}\n`);
log(failed ? 'fuzz: failures found (see FAIL lines)' : 'fuzz: no failures');
process.exitCode = failed ? 1 : 0;
