// The code generator registry: the only place that maps an arch to its
// backend. The compiler's front end looks its backend up here and never
// branches on the arch itself.
import type { Arch, ArchName } from '../../arch/types.ts';
import { amd64Backend } from './amd64.ts';
import { armBackend } from './arm.ts';
import type { BackendFactory, CodegenBackend } from './types.ts';

export type { CodegenBackend } from './types.ts';

const BACKENDS: Readonly<Record<ArchName, BackendFactory>> = { amd64: amd64Backend, arm: armBackend };

export function backendFor(arch: Arch): CodegenBackend {
  const f = BACKENDS[arch.name];
  if (!f) throw new Error(`no code generator for arch ${arch.name}`);
  return f(arch);
}
