// `gogo-emu layout --arch X [--json] [--struct NAME]`: the go1.19 layouts of
// the runtime structs this emulator uses (offsets and sizes from the real
// compiler's go_asm.h), as a table or as a flat go_asm.h-style JSON map.
import type { Arch } from '../arch/index.ts';
import { UserError } from '../engine/errors.ts';
import { describeLayout, layoutJson } from '../go119/index.ts';

export function layoutCommand(arch: Arch, opts: { json?: boolean; struct?: string }): string {
  if (opts.json) {
    if (opts.struct) throw new UserError('layout: --struct and --json do not go together (--json prints every field)');
    return JSON.stringify(layoutJson(arch), null, 2);
  }
  let structs = describeLayout(arch);
  if (opts.struct) {
    structs = structs.filter((s) => s.struct === opts.struct);
    if (structs.length === 0) throw new UserError(`layout: no struct '${opts.struct}' (try: ${describeLayout(arch).map((s) => s.struct).join(', ')})`);
  }
  const out: string[] = [];
  for (const s of structs) {
    out.push(`${s.struct}  size ${s.size}  (${s.asm ?? `derived: ${s.derived}`})  [${arch.name}]`);
    out.push(`  ${'offset'.padStart(6)}  ${'size'.padStart(5)}  ${'field'.padEnd(22)} ${'Go type'.padEnd(22)} go_asm.h`);
    for (const f of s.fields) {
      out.push(`  ${String(f.offset).padStart(6)}  ${String(f.size).padStart(5)}  ${f.name.padEnd(22)} ${f.goType.padEnd(22)} ${f.asm ?? `(${f.derived})`}`);
    }
    out.push('');
  }
  return out.join('\n');
}
