// Golden switch traces: small programs keep their normalized switch trace per
// arch in fixtures/golden/<name>.<arch>.txt (addresses symbolic, stack
// addresses relative to stack.hi; instruction counts and modeled cycles kept,
// the emulator being deterministic). GOGO_EMU_UPDATE_GOLDEN=1 regenerates; a
// mismatch writes <file>.actual next to the golden file.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goldenTrace } from '../../src/trace/format.ts';
import { archCases } from '../helpers.ts';
import { compareGolden, GOLDEN_DIR, recordGolden } from './helpers.ts';

const PROGRAMS = ['goroutines', 'pingpong'];

describe.each(archCases)('golden switch traces on %s', (name, arch) => {
  it.each(PROGRAMS)('%s', async (prog) => {
    const run = await recordGolden(prog, arch);
    expect(run.error).toBeUndefined();
    expect(run.result?.exitCode).toBe(0);
    const text = goldenTrace(arch, run.records, run.symbols);
    // deterministic: a second run gives the same text
    expect(goldenTrace(arch, run.records, run.symbols)).toBe(text);
    // normalized: no raw stack or g addresses left
    expect(text).not.toMatch(/0x4[0-9a-f]{6}\b/);
    const msg = compareGolden(join(GOLDEN_DIR, `${prog}.${name}.txt`), text);
    expect(msg, msg).toBeUndefined();
  });
});
