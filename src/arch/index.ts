// The ISA registry: the only place that maps an arch name to its module.
import { UserError } from '../engine/errors.ts';
import { amd64 } from './amd64.ts';
import { arm } from './arm.ts';
import type { Arch, ArchName } from './types.ts';

export type { Abi, Arch, ArchName } from './types.ts';
export type { AltStack, SignalArch, SigFrameAddrs } from './signal.ts';

export const ARCHES: Readonly<Record<ArchName, Arch>> = { amd64, arm };
export const ARCH_NAMES = Object.keys(ARCHES) as ArchName[];

export function archByName(name: string): Arch {
  const a = ARCHES[name as ArchName];
  if (!a) throw new UserError(`unknown arch '${name}' (supported: ${ARCH_NAMES.join(', ')})`);
  return a;
}
