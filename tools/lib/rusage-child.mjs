// Runs a Node entry point in this process and, when the process exits,
// writes its resource usage ({ wall, cpu, maxRssMiB }) as JSON to the file
// named by RUSAGE_OUT. Used by tools/bench-trace.ts to measure CLI commands
// (peak memory of a child is not otherwise visible to Node).
//   RUSAGE_OUT=/tmp/x.json node tools/lib/rusage-child.mjs bin/gogo-emu.mjs run prog.go
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const t0 = process.hrtime.bigint();
const [entry, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], resolve(entry), ...args];
process.on('exit', () => {
  const u = process.resourceUsage();
  const out = { wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: (u.userCPUTime + u.systemCPUTime) / 1e6, maxRssMiB: u.maxRSS / 1024 };
  if (process.env.RUSAGE_OUT) writeFileSync(process.env.RUSAGE_OUT, JSON.stringify(out));
});
await import(pathToFileURL(resolve(entry)).href);
