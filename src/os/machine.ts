// A machine: one Unicorn engine for an arch, the arena mapped per memmap.ts,
// the host-function slots, and the linked text (the stubs of asm/<arch>/ plus
// any extra TEXT blocks, e.g. a compiled program) written into memory.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Arch } from '../arch/index.ts';
import type { Arena } from '../engine/arena.ts';
import { rememberDecoding } from '../engine/asm.ts';
import { Engine } from '../engine/engine.ts';
import { Image, link, linkLazily, type LinkOptions } from '../link/linker.ts';
import { loadAsmDir, type TextBlock } from '../link/source.ts';
import { goAsmNumbers } from '../go119/goasm.ts';
import { HostRegistry } from './host.ts';
import { ARENA_BASE, ARENA_SIZE, HOST_SLOTS, REGIONS } from './memmap.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The hand-ported runtime stubs of an arch (asm/<arch>/*.s). */
export function stubBlocks(arch: Arch): TextBlock[] {
  return loadAsmDir(join(ROOT, 'asm', arch.name), ROOT);
}

/**
 * A program with nothing in it (main.init and main.main just return), made of
 * the arch's return instruction: lets the stubs link when no program is given
 * (e.g. for `gogo-emu disasm`).
 */
export function emptyProgramBlocks(arch: Arch): TextBlock[] {
  const ret = `    .byte ${[...arch.retInsn].join(', ')}`;
  return ['main.init', 'main.main'].map((name) => ({ name, file: '<empty program>', line: 1, header: `TEXT ${name}(SB)`, body: [{ text: ret, line: 1 }] }));
}

export interface ImageOptions {
  arch: Arch;
  host: HostRegistry;
  /** TEXT blocks to link; default: the arch's stubs */
  blocks?: TextBlock[];
  /** data symbols (globals) by address */
  data?: ReadonlyMap<string, number>;
  cacheDir?: string | null;
}

function linkOptions(o: ImageOptions): LinkOptions {
  return {
    target: o.arch.asm,
    insnUnit: o.arch.insnUnit,
    base: REGIONS.text.start,
    blocks: o.blocks ?? stubBlocks(o.arch),
    externals: new Map([...o.host.symbols(), ...(o.data ?? [])]),
    constants: goAsmNumbers(o.arch),
    cacheDir: o.cacheDir,
  };
}

function checkTextSize(image: Image): Image {
  const limit = REGIONS.text.start + REGIONS.text.size;
  if (image.end > limit) throw new Error(`text is ${image.end - REGIONS.text.start} bytes; the text region holds ${REGIONS.text.size}`);
  return image;
}

/**
 * Link TEXT blocks at the start of the text region, with host slots and
 * go_asm.h constants. Keystone must be loaded in case the cache misses
 * (initAsm); Machine.create uses linkImageLazily instead.
 */
export function linkImage(o: ImageOptions): Image {
  return checkTextSize(link(linkOptions(o)));
}

/** linkImage, loading Keystone only when the linker's cache misses. */
export async function linkImageLazily(o: ImageOptions): Promise<Image> {
  return checkTextSize(await linkLazily(linkOptions(o)));
}

export interface MachineOptions {
  arch: Arch;
  /** bind host functions before linking (their slots are link symbols) */
  defineHosts?: (host: HostRegistry) => void;
  /** TEXT blocks to link; default: the arch's stubs */
  blocks?: TextBlock[];
  /** data symbols (globals) by address */
  data?: ReadonlyMap<string, number>;
  cacheDir?: string | null;
}

export class Machine {
  private constructor(
    readonly arch: Arch,
    readonly engine: Engine,
    readonly mem: Arena,
    readonly host: HostRegistry,
    readonly image: Image,
    private readonly dataSyms: ReadonlyMap<string, number>,
  ) {}

  static async create(o: MachineOptions): Promise<Machine> {
    const host = new HostRegistry(o.arch, REGIONS.host.start, HOST_SLOTS);
    o.defineHosts?.(host);
    const image = await linkImageLazily({ arch: o.arch, host, blocks: o.blocks, data: o.data, cacheDir: o.cacheDir });
    // host slots hold the return instruction: known decodings for the cycle model
    const [mnemonic, opStr] = o.arch.retInsnText;
    const ret = o.arch.retInsn;
    rememberDecoding(o.arch.asm, [...host.symbols().values()].map((address) => ({ address, size: ret.length, bytes: ret, mnemonic, opStr })));
    const engine = new Engine(o.arch);
    try {
      o.arch.initCpu(engine);
      const mem = engine.mapArena(ARENA_BASE, ARENA_SIZE, Object.values(REGIONS));
      for (const b of image.blocks) mem.write(b.addr, b.bytes);
      host.install(engine, mem);
      // No TB flush needed: nothing has been translated yet (and uc_ctl
      // TB_FLUSH was measured at 2.6 s on a fresh instance).
      return new Machine(o.arch, engine, mem, host, image, o.data ?? new Map());
    } catch (e) {
      engine.close();
      throw e;
    }
  }

  /** Address of a symbol: a linked block, a host function or a data symbol. */
  sym(name: string): number {
    let a = this.symMemo.get(name);
    if (a === undefined) {
      a = this.image.symbols.get(name) ?? this.data.get(name) ?? this.host.addr(name);
      this.symMemo.set(name, a);
    }
    return a;
  }
  /** sym's answers so far (the image, data and host symbols are fixed once the machine exists) */
  private readonly symMemo = new Map<string, number>();

  get data(): ReadonlyMap<string, number> {
    return this.dataSyms;
  }

  /** "symbol+offset" for an address in text or the host region. */
  describe(addr: number): string {
    return this.host.nameAt(addr) ?? this.image.describe(addr);
  }

  close(): void {
    this.host.dispose();
    this.engine.close();
  }
}
