// Compiled programs on the real runtime (boot, scheduler, stack growth):
// test/compile/runtime-programs/*.go against the output of real Go 1.19
// (<name>.out). The fixtures of fixtures/programs run in test/fixtures.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSource } from '../../src/cli/run.ts';
import { archCases } from '../helpers.ts';

const dir = join(import.meta.dirname, 'runtime-programs');
const programs = readdirSync(dir)
  .filter((f) => f.endsWith('.go'))
  .map((f) => f.slice(0, -3))
  .sort();

describe.each(archCases)('compiled programs on the runtime (%s)', (_name, arch) => {
  it.each(programs)('%s', async (prog) => {
    const r = await runSource(readFileSync(join(dir, `${prog}.go`), 'utf8'), `${prog}.go`, arch, { maxInsns: 500_000_000, gomaxprocsEnv: '1' });
    expect({ stderr: r.stderr, exit: r.exitCode }).toEqual({ stderr: readFileSync(join(dir, `${prog}.out`), 'utf8'), exit: 0 });
  });
});
