// Ending a run from outside (src/session/sigquit.ts): SIGINT and SIGQUIT
// end a run with a dump in the shape of Go's SIGQUIT output (the signal
// line, PC and m, every goroutine with its frame, the registers) and exit
// status 2; so does the CLI's wall-clock --time-limit, after a line that
// says so. The program spins forever: only the signal or the limit ends it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARCH_NAMES, archByName } from '../../src/arch/index.ts';
import { runSource } from '../../src/cli/run.ts';
import { ROOT } from '../../src/os/machine.ts';

const SPIN = join(ROOT, 'test/cli/programs/spin.go');
const REGS = { amd64: /\nrip {4}0x[0-9a-f]+\n/, arm: /\npc {5}0x[0-9a-f]+\n/ };

const dumpOf = (name: string) =>
  new RegExp(
    // (the loop's line 5 or 6: sysmon preempts the spinning goroutine, which resumes wherever it was stopped)
    `^spinning\\n${name}\\nPC=0x[0-9a-f]+ m=0 sigcode=0\\n\\n` +
      `goroutine 1 \\[running\\]:\\nmain\\.spin\\(0x[0-9a-f]+\\??\\)\\n\\t.*spin\\.go:[56] \\+0x[0-9a-f]+\\nmain\\.main\\(\\)\\n\\t.*spin\\.go:15 \\+0x[0-9a-f]+\\n\\n` +
      `goroutine \\d+ \\[(runnable|chan receive)\\]:\\nmain\\.main\\.func1\\(\\)\\n\\t.*spin\\.go:13( \\+0x[0-9a-f]+)?\\ncreated by main\\.main\\n\\t.*spin\\.go:13 \\+0x[0-9a-f]+\\n\\n`,
  );

describe.each(ARCH_NAMES)('ending a run from outside on %s', (arch) => {
  it.each([
    ['SIGQUIT', 'SIGQUIT: quit'],
    ['SIGINT', 'SIGINT: interrupt'],
  ] as const)('%s: a goroutine dump shaped like Go SIGQUIT output, exit status 2', async (sig, name) => {
    // the signal comes to this test process, where runSource has its handler
    const run = runSource(readFileSync(SPIN, 'utf8'), SPIN, archByName(arch), { trapSignals: true, gomaxprocsEnv: '1' });
    const timer = setTimeout(() => process.kill(process.pid, sig), 1000);
    const r = await run;
    clearTimeout(timer);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(dumpOf(name));
    expect(r.stderr).toMatch(REGS[arch]);
    expect(process.listenerCount(sig)).toBe(0);
  });

  it('gogo-emu run --time-limit stops a runaway program with a line that says so, then the dump', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/gogo-emu.mjs'), 'run', SPIN, '--arch', arch, '--time-limit', '1'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, GOMAXPROCS: '1' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^spinning\ngogo-emu: time limit of 1 s reached after \d+ instructions; raise it with --time-limit \(0: none\)\n/);
    expect(r.stderr.replace(/^spinning\ngogo-emu: .*\n/, 'spinning\n')).toMatch(dumpOf('SIGQUIT: quit'));
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
