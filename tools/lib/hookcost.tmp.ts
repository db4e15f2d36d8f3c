import { readFileSync } from 'node:fs';
import { runSource } from '../../src/cli/run.ts';
import { archByName } from '../../src/arch/index.ts';
import { SwitchRecorder } from '../../src/trace/switches.ts';
const mode = process.argv[2] ?? 'none';
const src = readFileSync('/tmp/pp20k.go', 'utf8');
const arch = archByName(process.argv[3] ?? 'amd64');
let n = 0;
const t0 = process.cpuUsage();
const r = await runSource(src, 'pp.go', arch, {
  maxInsns: 5e9,
  observe: (p) => {
    if (mode === 'noop') {
      for (const name of ['runtime.gogo', 'runtime.mcall', 'runtime.systemstack', 'runtime.gogo<>', 'runtime.setg<>']) {
        const b = p.machine.image.block(name);
        if (b) p.machine.engine.hookCode(b.addr, b.addr + b.bytes.length - 1, () => { n++; });
      }
    } else if (mode === 'read') {
      const batch = p.machine.engine.registerBatch(arch.dumpRegs);
      for (const name of ['runtime.gogo', 'runtime.mcall', 'runtime.systemstack', 'runtime.gogo<>', 'runtime.setg<>']) {
        const b = p.machine.image.block(name);
        if (b) p.machine.engine.hookCode(b.addr, b.addr + b.bytes.length - 1, () => { n++; batch.read(); });
      }
    } else if (mode === 'bus') {
      p.bus.on(() => n++);
    } else if (mode === 'rec') {
      const rec = new SwitchRecorder(p, { steps: process.argv[4] !== 'nosteps', retain: false, boundaries: process.argv[4] === 'light' });
      rec.onRecord(() => n++);
    }
  },
});
const u = process.cpuUsage(t0);
console.log(mode, r.exitCode, n, ((u.user + u.system) / 1e6).toFixed(2), 's');
