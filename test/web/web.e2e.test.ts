// End-to-end: the web app in a real browser (Debian's chromium driven by
// playwright-core), on both arches. Loads pingpong, runs to the first gogo
// and checks the register table against `gogo-emu switches --json` for the
// same switch; steps back and forward; checks the timeline's goroutine
// slices against the runtime's event stream (execute events) and against
// `gogo-emu run --timeline`; edits the program into a compile error and
// finds it at its line; checks that every control has a name and is
// reached with Tab; opens an exported run (no server) and steps it.
// Screenshots go to test-artifacts/ (gitignored).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archByName } from '../../src/arch/index.ts';
import { ROOT } from '../../src/os/machine.ts';
import { Session } from '../../src/session/session.ts';
import { PID_P } from '../../src/trace/timeline.ts';
import { exportRun } from '../../src/web/command.ts';
import { errorPosition } from '../../src/web/controller.ts';
import { startWebServer, type WebServer } from '../../src/web/server.ts';

const PROGRAM = join(ROOT, 'fixtures', 'programs', 'pingpong.go');
const SOURCE = readFileSync(PROGRAM, 'utf8');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

function cli(args: string[]): string {
  return execFileSync(process.execPath, [join(ROOT, 'bin', 'gogo-emu.mjs'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

let browser: Browser;
const tmp = mkdtempSync(join(tmpdir(), 'gogo-web-'));

beforeAll(async () => {
  if (!CHROMIUM) throw new Error('chromium is missing: apt-get install -y chromium (tools/setup.mjs installs it when root)');
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
});

afterAll(async () => {
  await browser?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function status(page: Page): Promise<{ insns: number; reason: string }> {
  const el = page.locator('.status');
  return { insns: Number(await el.getAttribute('data-insns')), reason: String(await el.getAttribute('data-reason')) };
}

/** Press a key and wait until the page shows a new stop. */
async function press(page: Page, key: string): Promise<{ insns: number; reason: string }> {
  const before = await page.locator('.status').evaluate((e) => e.getAttribute('data-insns') + '/' + e.textContent);
  await page.keyboard.press(key);
  await page.waitForFunction((b) => {
    const e = document.querySelector('.status')!;
    return e.getAttribute('data-busy') === '' && e.getAttribute('data-insns') + '/' + e.textContent !== b;
  }, before);
  return status(page);
}

async function registerTable(page: Page): Promise<Record<string, { entry: string; exit: string }>> {
  return page.locator('table.regs tbody tr').evaluateAll((rows) =>
    Object.fromEntries(rows.map((r) => [r.getAttribute('data-reg'), { entry: r.querySelector('td.entry')!.textContent!, exit: r.querySelector('td.exit')!.textContent! }])),
  );
}

describe.each(['amd64', 'arm'] as const)('gogo-emu web (%s)', (archName) => {
  let server: WebServer;
  let page: Page;

  beforeAll(async () => {
    server = await startWebServer({ file: PROGRAM, source: SOURCE, arch: archName, gomaxprocs: null, seed: 1 });
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.on('pageerror', (e) => {
      throw e;
    });
    await page.goto(server.url);
    await page.waitForSelector('.status[data-insns="0"]');
  });

  afterAll(async () => {
    await page?.close();
    await server?.close();
  });

  it('stops at the first gogo with the registers `switches --json` reports, steps back and forward', async () => {
    const json = cli(['switches', PROGRAM, '--arch', archName, '--stub', 'gogo', '--limit', '1', '--json'])
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(json).toHaveLength(1);
    const rec = JSON.parse(json[0]!) as { seq: number; entry: { regs: Record<string, string>; tls_g?: string }; exit: { regs: Record<string, string>; tls_g?: string } };

    await page.selectOption('select[aria-label="Switch kind to stop at"]', 'gogo');
    await page.locator('body').focus();
    const at = await press(page, 'n');
    expect(at.reason).toBe('switch');
    expect(Number(await page.locator('table.regs').getAttribute('data-seq'))).toBe(rec.seq);
    await expect.poll(() => page.locator('.switch h2').textContent()).toContain(`#${rec.seq} gogo`);
    const table = await registerTable(page);
    const want = Object.keys(rec.entry.regs);
    expect(want.length).toBeGreaterThan(10);
    for (const r of want) expect({ r, ...table[r] }).toEqual({ r, entry: rec.entry.regs[r], exit: rec.exit.regs[r] });
    if (rec.entry.tls_g) expect(table.tls_g).toEqual({ entry: rec.entry.tls_g, exit: rec.exit.tls_g });
    // the registers gogo changes are highlighted (SP and PC at least)
    const changed = await page.locator('table.regs td.entry.changed').count();
    expect(changed).toBeGreaterThanOrEqual(2);
    await expect.poll(() => page.locator('.listing tr.current').count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, `web-${archName}-first-gogo.png`) });
    if (archName === 'amd64') await page.screenshot({ path: join(ARTIFACTS, 'web-screenshot.png') });

    // one instruction back, then forward again: the same stop
    const back = await press(page, 'b');
    expect(back.insns).toBeLessThan(at.insns);
    const fwd = await press(page, 's');
    expect(fwd.insns).toBe(at.insns);
    expect(await page.locator('.status').textContent()).toContain('runtime.gogo+0');
    // into the stub, then back to the switch's entry by switch
    await press(page, 's');
    const inside = await press(page, 's');
    expect(inside.insns).toBe(at.insns + 2);
    expect(await page.locator('.switch .hint').getAttribute('data-where')).toBe('inside');
    const again = await press(page, 'Shift+B');
    expect(again).toEqual({ insns: at.insns, reason: 'switch' });
    // at the switch's entry the registers now are the ones the record has at entry
    const nowCells = await page.locator('table.regs tbody tr').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-reg'), r.querySelector('td.now')!.textContent]));
    for (const [r, v] of nowCells) if (rec.entry.regs[r!] !== undefined) expect({ r, v }).toEqual({ r, v: rec.entry.regs[r!] });
  });

  it("shows the timeline's goroutine slices as the event stream and `run --timeline` have them, and jumps on a click", async () => {
    // the event stream: every execute starts a goroutine slice on its M
    const s = await Session.create(PROGRAM, archByName(archName), { replay: false });
    const executes: { goid: number; m: number }[] = [];
    s.bus.on((e) => {
      if (e.kind === 'execute') executes.push({ goid: e.goid, m: e.m });
    });
    await s.runUntil();
    s.close();
    const out = join(tmp, `timeline-${archName}.json`);
    cli(['run', PROGRAM, '--arch', archName, '--timeline', out]);
    const trace = JSON.parse(readFileSync(out, 'utf8')) as { traceEvents: { ph: string; pid: number; tid: number; name: string; ts: number; dur: number; cat: string; args?: { m?: number } }[] };
    // the file has each run on its P's track, with the M that ran it in args.m; the page draws it on that M's track
    const want = trace.traceEvents.filter((e) => e.ph === 'X' && e.cat === 'goroutine' && e.pid === PID_P).map((e) => ({ track: `M${e.args!.m}`, name: e.name, ts: e.ts, dur: e.dur }));

    const slices = await page.locator('svg.tl g.slice.goroutine').evaluateAll((els) =>
      els.map((e) => ({ track: e.getAttribute('data-track')!, goid: Number(e.getAttribute('data-goid')), name: e.getAttribute('data-name')!, ts: Number(e.getAttribute('data-ts')), dur: Number(e.getAttribute('data-dur')), insns: Number(e.getAttribute('data-insns')), seq: Number(e.getAttribute('data-seq')) })),
    );
    const onM = slices.filter((x) => x.track.startsWith('M'));
    expect(onM.length).toBe(executes.length);
    for (const m of new Set(executes.map((e) => e.m))) {
      expect(onM.filter((x) => x.track === `M${m}`).map((x) => x.goid)).toEqual(executes.filter((e) => e.m === m).map((e) => e.goid));
    }
    expect(onM.map(({ track, name, ts, dur }) => ({ track, name, ts, dur }))).toEqual(want);

    // a click on a slice of goroutine 1 after the start-up jumps to the gogo that started it
    const target = onM.filter((x) => x.goid === 1)[1]!;
    const before = await page.locator('.status').textContent();
    await page.locator(`svg.tl g.slice.goroutine[data-track="${target.track}"][data-ts="${target.ts}"]`).first().dispatchEvent('click');
    await page.waitForFunction((b) => document.querySelector('.status')!.textContent !== b && document.querySelector('.status')!.getAttribute('data-busy') === '', before);
    const st = await status(page);
    expect(st.reason).toBe('switch');
    // execute (a host call, not counted) tail-calls gogo: the slice starts at the count of gogo's entry
    expect(st.insns).toBe(target.insns);
    await expect.poll(() => page.locator('.switch h2').textContent()).toMatch(new RegExp(`#${target.seq} gogo g0 → g1`));
    expect(await page.locator('.switch .hint').getAttribute('data-where')).toBe('entry');
    await page.screenshot({ path: join(ARTIFACTS, `web-${archName}-timeline-jump.png`) });
  });

  it('shows a compile error of the edited program at its line', async () => {
    await page.getByRole('button', { name: 'Edit the program' }).click();
    const lines = SOURCE.split('\n');
    const n = lines.findIndex((l) => l.includes('v := <-ping')) + 1;
    lines[n - 1] = lines[n - 1]!.replace('<-ping', '<-pingx');
    await page.getByRole('textbox', { name: 'Program source' }).fill(lines.join('\n'));
    await page.getByRole('button', { name: 'Compile and run the edited program' }).click();
    const alert = page.locator('.compile-error[role="alert"]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain(`:${n}:`);
    expect(await alert.textContent()).toContain('pingx');
    expect(await alert.getAttribute('data-line')).toBe(String(n));
    const bad = page.locator(`ol.code li[data-line="${n}"]`);
    expect(await bad.getAttribute('class')).toContain('error');
    expect(await bad.textContent()).toContain('<-pingx');
    await page.screenshot({ path: join(ARTIFACTS, `web-${archName}-compile-error.png`) });
    // the loaded program is still there: cancel the edit and go on stepping
    await page.getByRole('button', { name: 'Edit the program' }).click();
    await page.getByRole('button', { name: 'Stop editing and go back to the loaded program' }).click();
    expect(await page.locator('.compile-error').count()).toBe(0);
  });

  it('labels every control and reaches each one with Tab', async () => {
    const controls = await page.evaluate(() => {
      const els = [...document.querySelectorAll<HTMLElement>('button, select, input, textarea, summary, [tabindex]:not([tabindex="-1"])')].filter((e) => !(e as HTMLButtonElement).disabled);
      return els.map((e, i) => {
        e.setAttribute('data-a11y', String(i));
        const labels = (e as HTMLInputElement).labels;
        const name = e.getAttribute('aria-label') || (labels && labels[0]?.textContent?.trim()) || e.textContent?.trim() || '';
        return { i, tag: e.tagName, name };
      });
    });
    expect(controls.length).toBeGreaterThan(15);
    for (const c of controls) expect(c.name, `${c.tag} #${c.i} has no accessible name`).not.toBe('');
    const reached = new Set<string>();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    for (let i = 0; i < controls.length + 10; i++) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => document.activeElement?.getAttribute('data-a11y') ?? null);
      if (id !== null) reached.add(id);
    }
    const missed = controls.filter((c) => !reached.has(String(c.i)));
    expect(missed).toEqual([]);
  });
});

describe('gogo-emu web --export', () => {
  it('writes one page that replays the recorded switches without a server', async () => {
    const out = join(tmp, 'run.html');
    const size = await exportRun({ file: PROGRAM, source: SOURCE, arch: 'arm', gomaxprocs: null, seed: 1 }, out);
    expect(size).toBeGreaterThan(10_000);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet/);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${out}`);
    await page.waitForSelector('.status[data-insns="0"]');
    await page.selectOption('select[aria-label="Switch kind to stop at"]', 'gogo');
    await page.locator('body').focus();
    const a = await press(page, 'n');
    expect(a.reason).toBe('switch');
    await expect.poll(() => page.locator('.switch h2').textContent()).toContain('gogo');
    const b = await press(page, 'n');
    expect(b.insns).toBeGreaterThan(a.insns);
    const c = await press(page, 'Shift+B');
    expect(c.insns).toBeLessThan(b.insns);
    expect(await page.getByRole('button', { name: 'Step one instruction (s)' }).isDisabled()).toBe(true);
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'web-export.png') });
    await page.close();
  });
});

describe('web server and commands', () => {
  it('refuses a request for another host name (DNS rebinding) and serves the page on 127.0.0.1', async () => {
    const server = await startWebServer({ file: PROGRAM, source: SOURCE, arch: 'amd64', gomaxprocs: null, seed: 1 });
    try {
      const get = (host: string) =>
        new Promise<number>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port: server.port, path: '/', headers: { host } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', reject);
          req.end();
        });
      expect(await get(`evil.example:${server.port}`)).toBe(403);
      expect(await get(`127.0.0.1:${server.port}`)).toBe(200);
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    } finally {
      await server.close();
    }
  });

  it('finds the line and column of a compile error', () => {
    expect(errorPosition('prog.go:14:11: undefined: pingx')).toEqual({ line: 14, col: 11 });
    expect(errorPosition('switch.s:7: unknown instruction')).toEqual({ line: 7 });
    expect(errorPosition('no position here')).toEqual({});
  });
});
