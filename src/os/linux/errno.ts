// Linux errno values the emulated system calls return (negated, as the
// kernel does: a result in [-4095, -1] is -errno). The numbers are the same
// on x86-64 and arm (asm-generic/errno-base.h, errno.h).
export const ESRCH = 3n;
export const EBADF = 9n;
export const EAGAIN = 11n;
export const EFAULT = 14n;
export const EINVAL = 22n;
export const EPIPE = 32n;
export const ENOSYS = 38n;
export const ETIMEDOUT = 110n;
