// Raw bindings to Debian's libunicorn2 (Unicorn 2.0.1) through koffi.
// Only this file talks to koffi; engine.ts wraps it in a typed API.
// Signatures and constants follow docs/ENGINE-NOTES.md (measured there).
// GOGO_EMU_LIBUNICORN names another build to load instead (a path, or a
// name the dynamic linker finds), e.g. Unicorn 2.1.x for comparisons (the
// README's "Unicorn version" section).
import koffi, { type LibraryHandle } from 'koffi';

export const UC = {
  ARCH_ARM: 1,
  ARCH_X86: 4,
  MODE_ARM: 0,
  MODE_64: 8,

  PROT_READ: 1,
  PROT_WRITE: 2,
  PROT_EXEC: 4,
  PROT_ALL: 7,

  HOOK_INTR: 1,
  HOOK_INSN: 2,
  HOOK_CODE: 4,
  HOOK_BLOCK: 8,
  HOOK_MEM_READ_UNMAPPED: 16,
  HOOK_MEM_WRITE_UNMAPPED: 32,
  HOOK_MEM_FETCH_UNMAPPED: 64,
  HOOK_MEM_READ_PROT: 128,
  HOOK_MEM_WRITE_PROT: 256,
  HOOK_MEM_FETCH_PROT: 512,
  HOOK_MEM_INVALID: 1008,
  HOOK_MEM_READ: 1024,
  HOOK_MEM_WRITE: 2048,
  HOOK_INSN_INVALID: 16384,

  CTL_CPU_MODEL: 7,
  CTL_TB_REMOVE_CACHE: 9,
  CTL_TB_FLUSH: 10,
  CTL_IO_WRITE: 1,
  CTL_IO_READ: 2,
} as const;

/** Memory access types passed to UC_HOOK_MEM_* callbacks (uc_mem_type). */
export const MEM_ACCESS: Record<number, string> = {
  16: 'read',
  17: 'write',
  18: 'fetch',
  19: 'read unmapped',
  20: 'write unmapped',
  21: 'fetch unmapped',
  22: 'write prot',
  23: 'read prot',
  24: 'fetch prot',
};

export const UC_ERR = {
  OK: 0,
  READ_UNMAPPED: 6,
  WRITE_UNMAPPED: 7,
  FETCH_UNMAPPED: 8,
  INSN_INVALID: 10,
  WRITE_PROT: 12,
  READ_PROT: 13,
  FETCH_PROT: 14,
  EXCEPTION: 21,
} as const;

export type Ptr = unknown; // an opaque native pointer as koffi hands it out

let lib: ReturnType<typeof load> | undefined;

/** The Unicorn library loaded: GOGO_EMU_LIBUNICORN, else Debian's libunicorn.so.2. */
export function unicornLibrary(): string {
  return process.env.GOGO_EMU_LIBUNICORN || 'libunicorn.so.2';
}

function load() {
  let so: LibraryHandle;
  const name = unicornLibrary();
  try {
    so = koffi.load(name);
  } catch (e) {
    if (name !== 'libunicorn.so.2') throw new Error(`cannot load ${name} (GOGO_EMU_LIBUNICORN): ${(e as Error).message}`);
    throw new Error(
      `cannot load libunicorn.so.2 (Unicorn 2): ${(e as Error).message}. ` +
        'Install it with: apt-get install -y libunicorn2 (npm test / npm run demo do this when run as root)',
    );
  }
  const libc = koffi.load('libc.so.6');
  const HookCode = koffi.proto('void gogo_HookCode(void *uc, uint64_t addr, uint32_t size, void *ud)');
  const HookMem = koffi.proto('bool gogo_HookMem(void *uc, int type, uint64_t addr, int size, int64_t value, void *ud)');
  const HookInsnInvalid = koffi.proto('bool gogo_HookInsnInvalid(void *uc, void *ud)');
  const HookIntr = koffi.proto('void gogo_HookIntr(void *uc, uint32_t intno, void *ud)');
  const HookSyscall = koffi.proto('void gogo_HookSyscall(void *uc, void *ud)');
  return {
    HookCode,
    HookMem,
    HookInsnInvalid,
    HookIntr,
    HookSyscall,
    uc_open: so.func('int uc_open(int arch, int mode, _Out_ void **uc)'),
    uc_close: so.func('int uc_close(void *uc)'),
    uc_strerror: so.func('const char *uc_strerror(int code)'),
    uc_version: so.func('unsigned int uc_version(_Out_ unsigned int *major, _Out_ unsigned int *minor)'),
    uc_mem_map_ptr: so.func('int uc_mem_map_ptr(void *uc, uint64_t addr, size_t size, uint32_t perms, void *ptr)'),
    uc_mem_unmap: so.func('int uc_mem_unmap(void *uc, uint64_t addr, size_t size)'),
    uc_mem_read: so.func('int uc_mem_read(void *uc, uint64_t addr, _Out_ uint8_t *bytes, size_t n)'),
    uc_mem_write: so.func('int uc_mem_write(void *uc, uint64_t addr, const uint8_t *bytes, size_t n)'),
    uc_reg_read: so.func('int uc_reg_read(void *uc, int regid, void *value)'),
    uc_reg_write: so.func('int uc_reg_write(void *uc, int regid, const void *value)'),
    uc_reg_read_batch: so.func('int uc_reg_read_batch(void *uc, int *regs, void **vals, int count)'),
    uc_emu_start: so.func('int uc_emu_start(void *uc, uint64_t begin, uint64_t until, uint64_t timeout, size_t count)'),
    uc_emu_stop: so.func('int uc_emu_stop(void *uc)'),
    uc_hook_add: so.func(
      'int uc_hook_add(void *uc, _Out_ size_t *hh, int type, void *cb, void *ud, uint64_t begin, uint64_t end, ...)',
    ),
    uc_hook_del: so.func('int uc_hook_del(void *uc, size_t hh)'),
    uc_ctl: so.func('int uc_ctl(void *uc, uint32_t control, ...)'),
    uc_context_size: so.func('size_t uc_context_size(void *uc)'),
    uc_context_alloc: so.func('int uc_context_alloc(void *uc, _Out_ void **ctx)'),
    uc_context_save: so.func('int uc_context_save(void *uc, void *ctx)'),
    uc_context_restore: so.func('int uc_context_restore(void *uc, void *ctx)'),
    uc_context_free: so.func('int uc_context_free(void *ctx)'),
    mmap: libc.func('void *mmap(void *addr, size_t len, int prot, int flags, int fd, intptr_t off)'),
    munmap: libc.func('int munmap(void *addr, size_t len)'),
    mprotect: libc.func('int mprotect(void *addr, size_t len, int prot)'),
  };
}

/** The loaded bindings (loaded on first use, so --help works without libunicorn). */
export function uc() {
  lib ??= load();
  return lib;
}

export { koffi };

/** "2.0.1" or the like: the version of the Unicorn library loaded (uc_version; the patch level is in its result's low byte). */
export function unicornVersion(): string {
  const v = uc().uc_version(null, null) as number;
  return `${(v >> 24) & 0xff}.${(v >> 16) & 0xff}.${(v >> 8) & 0xff}`;
}

/** UC_CTL(type, nr_args, rw) as in unicorn.h. */
export function ucCtl(type: number, nargs: number, rw: number): number {
  return (type | (nargs << 26) | (rw << 30)) >>> 0;
}
