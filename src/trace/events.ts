// The one typed event stream that every view is built on (DESIGN.md,
// "Observation"): the runtime and the OS layer emit, views subscribe. With no
// subscriber an emit costs one array-length check.
import type { SwitchRecord } from './record.ts';

export type RuntimeEvent =
  | { kind: 'gocreate'; goid: number; g: number; parent: number; startpc: number }
  | { kind: 'gostatus'; goid: number; g: number; from: number; to: number; reason?: string }
  | { kind: 'execute'; goid: number; g: number; m: number; p: number }
  | { kind: 'goexit'; goid: number; g: number }
  | { kind: 'stackgrow'; goid: number; g: number; oldSize: number; newSize: number }
  | { kind: 'hostcall'; name: string; thread: number }
  | { kind: 'output'; fd: number; text: string }
  | { kind: 'exit'; code: number }
  /** a switching stub ran from entry to exit (src/trace/switches.ts) */
  | { kind: 'switch'; record: SwitchRecord };

export type Listener = (e: RuntimeEvent) => void;

export class EventStream {
  private readonly listeners: Listener[] = [];

  on(l: Listener): () => void {
    this.listeners.push(l);
    return () => {
      const i = this.listeners.indexOf(l);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  emit(e: RuntimeEvent): void {
    for (const l of this.listeners) l(e);
  }

  get active(): boolean {
    return this.listeners.length > 0;
  }
}
