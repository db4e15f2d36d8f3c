// The worker thread of deep.ts: compiles one program with a large stack.
// TypeScript is loaded through tsx, as bin/gogo-emu.mjs does.
import { parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// the checkout's tsconfig, whatever the current directory (as bin/gogo-emu.mjs does)
register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });
const { compileCode } = await import('./index.ts');
const { PosError, GoErrors } = await import('./errors.ts');
const { archByName } = await import('../arch/index.ts');
try {
  const code = await compileCode(workerData.source, workerData.file, archByName(workerData.arch), { deep: true });
  parentPort.postMessage({ ok: code });
} catch (e) {
  if (e instanceof PosError) parentPort.postMessage({ pos: e.pos, detail: e.detail, also: e.also, reported: e instanceof GoErrors ? e.reported.map((x) => ({ pos: x.pos, detail: x.detail, also: x.also })) : undefined });
  else parentPort.postMessage({ error: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined });
}
