// Measuring helpers shared by the benchmarks (tools/bench.ts,
// tools/bench-startup.ts): medians, CPU time of this process and of waited-for
// children, and a one-line note of the machine's load. Linux only for the
// children's CPU time (/proc/self/stat); elsewhere it reads as NaN.
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/** user+system CPU seconds of this process so far (all its threads) */
export function selfCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * user+system CPU seconds of the children this process has waited for
 * (cutime + cstime of /proc/self/stat, in clock ticks of 10 ms).
 */
export function childrenCpu(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields after "(comm)": state is index 0, so field k of proc(5) is f[k - 3]
    return (Number(f[16 - 3]) + Number(f[17 - 3])) / 100;
  } catch {
    return NaN;
  }
}

/** "load average 1.23 0.98 0.75 on 2 CPUs" */
export function loadNote(): string {
  return `load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${cpus().length} CPUs`;
}

export const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '-');
