// The typed multicast event bus of a run (DESIGN.md, "Observation"): the OS
// layer and the runtime emit into it (they see it as an EventSink), views in
// src/trace and the shells subscribe. Every event gets the next sequence
// number of the run; the number is part of a snapshot, so a restored run
// numbers its events exactly as the original did.
import type { ProcessEvent } from '../runtime/events.ts';

export type Listener<E> = (e: E, seq: number) => void;

export class EventBus<E extends { kind: string }> {
  private listeners: Listener<E>[] = [];
  /** sequence number of the next event */
  seq = 0;

  /** Subscribe; returns the function that unsubscribes. */
  on(l: Listener<E>): () => void {
    this.listeners = [...this.listeners, l];
    return () => {
      this.listeners = this.listeners.filter((x) => x !== l);
    };
  }

  /** Subscribe to events of some kinds only. */
  onKind<K extends E['kind']>(kinds: readonly K[], l: Listener<Extract<E, { kind: K }>>): () => void {
    const set = new Set<string>(kinds);
    return this.on((e, seq) => {
      if (set.has(e.kind)) l(e as Extract<E, { kind: K }>, seq);
    });
  }

  emit(e: E): void {
    const seq = this.seq++;
    // the array is replaced, never mutated, so a listener may unsubscribe itself
    for (const l of this.listeners) l(e, seq);
  }

  /** The bus's part of a run snapshot: the next sequence number (subscribers are not run state). */
  capture(): { seq: number } {
    return { seq: this.seq };
  }

  restoreFrom(s: { seq: number }): void {
    this.seq = s.seq;
  }

  get active(): boolean {
    return this.listeners.length > 0;
  }

  get subscribers(): number {
    return this.listeners.length;
  }
}

/** The bus of one process. */
export type ProcessBus = EventBus<ProcessEvent>;
