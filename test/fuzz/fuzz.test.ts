// A fixed-seed slice of the reliability fuzzer (tools/fuzz.ts, test/fuzz/lib)
// per arch: generated programs (valid Go of the subset, terminating by
// construction) and mutations of fixtures/programs, each run by gogo-emu in
// a worker process with a wall-clock limit; with go1.19 installed also by
// real Go (results cached under ~/.cache/gogo-emu/fuzz-go). No host crash,
// no hang, no accept/reject disagreement, no output difference. Then the
// command-line cases: bad flags and files, broken user stubs for `validate
// --stub`, a few random flag sets and stubs. `npm run fuzz` runs any amount
// and shrinks what it finds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCH_NAMES } from '../../src/arch/index.ts';
import { ROOT } from '../../src/os/machine.ts';
import { runCampaign } from './lib/campaign.ts';
import { allCliCases, runCliCases } from './lib/cli-cases.ts';
import { EmuPool } from './lib/emu.ts';
import { goAvailable } from './lib/golang.ts';
import { mutationBases } from './lib/mutate.ts';

const SEED = 20240516;
const RUNS = 40;
const bases = mutationBases(ROOT);

describe.each(ARCH_NAMES)('fuzz slice on %s', (arch) => {
  let pool: EmuPool;
  beforeAll(() => {
    pool = new EmuPool({ workers: 1, timeoutMs: 60_000 });
  });
  afterAll(() => pool.close());

  it(`${RUNS} generated and mutated programs (seed ${SEED}): no crash, hang, accept/reject disagreement or output difference`, async () => {
    const r = await runCampaign({ arch, runs: RUNS, seed: SEED, pool, bases, shrink: false, concurrency: 2 });
    const how = goAvailable(arch).ok ? 'against go1.19' : `gogo-emu only (${goAvailable(arch).reason})`;
    const failures = [...r.failures.values()].map(
      (f) => `${f.first.verdict.signature} (${how}): case ${f.first.index} (${f.first.kind}): ${f.first.verdict.detail}; reproduce and shrink: npm run fuzz -- --seed ${SEED} --arch ${arch} --only ${f.first.index}`,
    );
    expect(failures).toEqual([]);
    expect(r.runs).toBe(RUNS);
    expect(pool.stray).toBe('');
  }, 600_000);

  it('command-line cases end cleanly: no crash, no hang, errors are errors', async () => {
    const cases = allCliCases(pool, ROOT, arch, SEED, 6).filter((c) => !c.pending);
    const verdicts = await runCliCases(pool, cases);
    expect(verdicts.filter((v) => v.cls !== 'ok').map((v) => `${v.cls}: ${v.case.name}: gogo-emu ${v.case.argv.join(' ')}: ${v.detail}`)).toEqual([]);
  }, 600_000);
});
