// Run one benchmark program once, for `node --cpu-prof`: compile, boot, run.
//
//   node --cpu-prof --cpu-prof-dir /tmp/prof --import tsx tools/prof-run.ts [amd64|arm] [pingpong100k.go | /abs/path.go]
//
// Prints the program's output, the instructions and the CPU time of the run. Not part of the tests.
import { readFileSync } from 'node:fs';
import { cpuUsage } from 'node:process';
import { archByName } from '../src/arch/index.ts';
import { compileProgram } from '../src/compile/index.ts';
import { Process } from '../src/session/process.ts';
const arch = archByName(process.argv[2] ?? 'amd64');
const file = process.argv[3] ?? 'pingpong100k.go';
const src = readFileSync(file.startsWith('/') ? file : 'tools/bench/' + file, 'utf8');
const prog = await compileProgram(src, file, arch);
const p = await Process.create({ arch, program: { blocks: prog.blocks, globals: prog.globals }, maxInsns: 5e9, gomaxprocsEnv: '1' });
const t = cpuUsage();
const r = p.run();
const c = cpuUsage(t);
console.log((r.stdout + r.stderr).trim(), r.insns, 'insns', ((c.user + c.system) / 1e6).toFixed(2), 's CPU');
