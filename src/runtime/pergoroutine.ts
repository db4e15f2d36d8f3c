// Host-side values kept per goroutine, by goid, in a dense array. goids are
// handed out in order (a P takes batches of them, proc.go's goidcache), so
// the array stays dense; a Map keyed by g address degraded badly with a
// million parked goroutines (Map.set took most of the time of parking them:
// tools/bench/blocked1m.go).
export class PerGoroutine<V> {
  private readonly vals: (V | undefined)[] = [];
  private n = 0;

  get size(): number {
    return this.n;
  }

  get(goid: number): V | undefined {
    return this.vals[goid];
  }

  set(goid: number, v: V): void {
    if (this.vals[goid] === undefined) this.n++;
    this.vals[goid] = v;
  }

  delete(goid: number): boolean {
    if (this.vals[goid] === undefined) return false;
    this.vals[goid] = undefined;
    this.n--;
    return true;
  }

  /** [goid, value] pairs in goid order (snapshots) */
  entries(): [number, V][] {
    const out: [number, V][] = [];
    if (this.n === 0) return out;
    this.vals.forEach((v, goid) => {
      if (v !== undefined) out.push([goid, v]);
    });
    return out;
  }

  clear(): void {
    this.vals.length = 0;
    this.n = 0;
  }
}
