// Issue "inspect and validate": every fixture program's switches, recorded on
// both arches, satisfy every gobuf/switch invariant (stackoverflow.go is left
// out only for its size: half a gigabyte of stack to copy while recording).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../src/os/machine.ts';
import { recordRun } from '../../src/cli/record-run.ts';
import { RECORDING_MAX_INSNS } from '../../src/session/budget.ts';
import { loadProgram } from '../../src/session/program.ts';
import { formatViolation, validateRecords } from '../../src/trace/validator.ts';
import { archCases } from '../helpers.ts';

const dir = join(ROOT, 'fixtures', 'programs');
const programs = readdirSync(dir)
  .filter((f) => f.endsWith('.go') && f !== 'stackoverflow.go')
  .sort();

describe.each(archCases)('validate every fixture on %s', (_n, arch) => {
  it.each(programs)('%s', async (file) => {
    const run = await recordRun({ arch, program: await loadProgram(join(dir, file), arch), steps: false, maxInsns: RECORDING_MAX_INSNS });
    expect(run.error).toBeUndefined();
    const rep = validateRecords(arch, run.records, run.symbols);
    expect(rep.violations.map((v) => formatViolation(v))).toEqual([]);
    expect(rep.byKind.gogo ?? 0).toBeGreaterThan(3);
    expect(rep.byKind.mcall ?? 0).toBeGreaterThan(3);
    expect(rep.checks).toBeGreaterThan(100);
  });
});
