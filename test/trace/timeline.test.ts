// --timeline: a Trace Event Format file (what Perfetto and chrome://tracing
// load): metadata names for the M and P tracks, one complete slice per
// goroutine run on both tracks (never overlapping on a track), instant events
// for parks/readies/creations, and args linking them to switch records.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSource } from '../../src/cli/run.ts';
import { ROOT } from '../../src/os/machine.ts';
import type { TraceFile } from '../../src/trace/timeline.ts';
import { archCases } from '../helpers.ts';

describe.each(archCases)('timeline on %s', (_n, arch) => {
  it('writes valid Trace Event JSON with M/P tracks, goroutine slices and linked switch records', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gogo-tl-')), 'tl.json');
    const src = readFileSync(join(ROOT, 'fixtures', 'programs', 'pingpong.go'), 'utf8');
    const r = await runSource(src, 'pingpong.go', arch, { gomaxprocsEnv: '1', timeline: out });
    expect(r.exitCode).toBe(0);
    const tf = JSON.parse(readFileSync(out, 'utf8')) as TraceFile;
    expect(Array.isArray(tf.traceEvents)).toBe(true);
    const ev = tf.traceEvents;
    for (const e of ev) {
      expect(typeof e.name).toBe('string');
      expect(['X', 'i', 'M']).toContain(e.ph);
      expect(Number.isInteger(e.pid) && Number.isInteger(e.tid)).toBe(true);
      if (e.ph !== 'M') expect(e.ts).toBeGreaterThanOrEqual(0);
    }
    const meta = ev.filter((e) => e.ph === 'M').map((e) => `${e.name}:${(e.args as { name: string }).name}`);
    expect(meta).toEqual(expect.arrayContaining(['thread_name:M0', 'thread_name:P0']));
    expect(meta.filter((m) => m.startsWith('process_name:'))).toHaveLength(2);

    const slices = ev.filter((e) => e.ph === 'X' && e.cat === 'goroutine');
    expect(slices.length).toBeGreaterThan(10);
    for (const s of slices) {
      expect(s.dur).toBeGreaterThanOrEqual(0);
      expect(s.name).toMatch(/^G\d+ /);
      expect(s.args).toMatchObject({ stub: 'runtime.gogo' });
      expect(typeof (s.args as { switch: number }).switch).toBe('number');
    }
    // the program's goroutine (G5) runs in several slices, on M0 and on P0
    expect(slices.filter((s) => s.name.startsWith('G5 ') && s.pid === 1).length).toBeGreaterThan(3);
    expect(slices.filter((s) => s.name.startsWith('G5 ') && s.pid === 2).length).toBeGreaterThan(3);
    // one goroutine at a time per track
    for (const pid of [1, 2]) {
      const track = slices.filter((s) => s.pid === pid && s.tid === 0).sort((a, b) => a.ts! - b.ts!);
      for (let i = 1; i < track.length; i++) expect(track[i]!.ts!).toBeGreaterThanOrEqual(track[i - 1]!.ts! + track[i - 1]!.dur! - 1e-9);
    }
    const parks = ev.filter((e) => e.ph === 'i' && / park: /.test(e.name));
    expect(parks.length).toBeGreaterThan(5);
    for (const p of parks) expect(p.args).toMatchObject({ stub: 'runtime.mcall', switch: expect.any(Number) });
    expect(parks.map((p) => (p.args as { reason: string }).reason)).toContain('chan send');
    // switch seqs only grow along the timeline
    const seqs = slices.filter((s) => s.pid === 1).sort((a, b) => a.ts! - b.ts!).map((s) => (s.args as { switch: number }).switch);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  it('shows several Ms and Ps: a track each, spinning and idle spans, steals and handoffs', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gogo-tl-')), 'tl.json');
    const src = readFileSync(join(ROOT, 'fixtures', 'programs', 'spread.go'), 'utf8');
    const r = await runSource(src, 'spread.go', arch, { gomaxprocsEnv: '4', timeline: out });
    expect(r.exitCode).toBe(0);
    const ev = (JSON.parse(readFileSync(out, 'utf8')) as TraceFile).traceEvents;
    const names = (pid: number) => new Set(ev.filter((e) => e.ph === 'M' && e.pid === pid && e.name === 'thread_name').map((e) => (e.args as { name: string }).name));
    expect(names(2)).toEqual(new Set(['P0', 'P1', 'P2', 'P3']));
    expect(names(1).size).toBeGreaterThanOrEqual(4);
    const spans = ev.filter((e) => e.ph === 'X' && e.cat === 'mp').map((e) => e.name);
    expect(spans).toContain('spinning');
    expect(spans).toContain('idle (stopm)');
    expect(spans).toContain('idle');
    const marks = ev.filter((e) => e.ph === 'i' && e.cat === 'mp').map((e) => e.name);
    expect(marks.some((n) => /^steal \d+ from P\d/.test(n))).toBe(true);
    expect(marks.some((n) => /^handoff P\d -> m$/.test(n))).toBe(true);
    expect(marks.some((n) => /^newm M\d/.test(n))).toBe(true);
    // goroutine slices still never overlap on a track
    const gs = ev.filter((e) => e.ph === 'X' && e.cat === 'goroutine');
    for (const pid of [1, 2]) {
      for (const tid of new Set(gs.filter((s) => s.pid === pid).map((s) => s.tid))) {
        const track = gs.filter((s) => s.pid === pid && s.tid === tid).sort((a, b) => a.ts! - b.ts!);
        for (let i = 1; i < track.length; i++) expect(track[i]!.ts!).toBeGreaterThanOrEqual(track[i - 1]!.ts! + track[i - 1]!.dur! - 1e-9);
      }
    }
    // the four workers run at the same time on four P tracks
    const workers = gs.filter((s) => s.pid === 2 && /^G\d+ main\.main\.func\d/.test(s.name));
    expect(new Set(workers.map((s) => s.tid)).size).toBe(4);
  });
});
