// What the Go runtime port reports while it schedules: goroutines created,
// status changes with their reason, executes, exits and stack growth. The
// runtime emits them into the session's bus through an EventSink (os/events.ts).
import type { EventSink, OsEvent } from '../os/events.ts';

export type RuntimeEvent =
  | { kind: 'gocreate'; goid: number; g: number; parent: number; startpc: number }
  | { kind: 'gostatus'; goid: number; g: number; from: number; to: number; reason?: string }
  | { kind: 'execute'; goid: number; g: number; m: number; p: number }
  | { kind: 'goexit'; goid: number; g: number }
  | { kind: 'stackgrow'; goid: number; g: number; oldSize: number; newSize: number };

/** Everything a process reports: the OS's events and the runtime's. */
export type ProcessEvent = OsEvent | RuntimeEvent;

export type RuntimeSink = EventSink<ProcessEvent>;
