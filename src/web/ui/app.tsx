// The page: controls and keyboard shortcuts over the linked views.
import { useEffect, useRef, useState } from 'preact/hooks';
import { FILTER_KINDS, type ArchName, type Command, type FilterKind, type ProgramInfo, type Reply, type SwitchMark, type TimelineData, type ViewState } from '../protocol.ts';
import { OutputPanel, QueuesPanel, RegistersPanel, SourcePanel, StacksPanel, StructsPanel, SwitchPanel } from './panels.tsx';
import { Timeline } from './timeline.tsx';
import type { Transport } from './transport.ts';

export interface AppProps {
  connect: (onReply: (r: Reply) => void, onClose: () => void) => Transport;
}

const SHORTCUTS: [string, string][] = [
  ['r', 'run'],
  ['p or Esc', 'pause'],
  ['s', 'step one instruction'],
  ['n', 'run to the next switch (filtered)'],
  ['b', 'step back one instruction'],
  ['Shift+B', 'back to the previous switch'],
  ['Home', 'back to the start'],
  ['+ / −', 'zoom the timeline (when focused)'],
];

/** " (M0, g5)" for the status line: the thread's M and the goroutine in its g register, as far as known. */
function threadWho(st: ViewState): string {
  const parts = [st.thread.m !== undefined ? `M${st.thread.m}` : '', st.thread.goid !== undefined ? `g${st.thread.goid}` : ''].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

export function App(props: AppProps) {
  const [program, setProgram] = useState<ProgramInfo>();
  const [timeline, setTimeline] = useState<TimelineData>();
  const [switches, setSwitches] = useState<SwitchMark[]>([]);
  const [state, setState] = useState<ViewState>();
  const [busy, setBusy] = useState<string>('connecting');
  const [message, setMessage] = useState<string>();
  const [compileError, setCompileError] = useState<{ message: string; line?: number; col?: number }>();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [kind, setKind] = useState<FilterKind | ''>('');
  const [goid, setGoid] = useState('');
  const [arch, setArch] = useState<ArchName>('amd64');
  const [gomaxprocs, setGomaxprocs] = useState('');
  const [seed, setSeed] = useState('1');
  const [closed, setClosed] = useState(false);
  const transport = useRef<Transport | undefined>(undefined);

  useEffect(() => {
    transport.current = props.connect(
      (r) => {
        switch (r.type) {
          case 'program':
            setProgram(r.program);
            setTimeline(r.timeline);
            setSwitches(r.switches);
            setArch(r.program.arch);
            setGomaxprocs(r.program.gomaxprocs === null ? '' : String(r.program.gomaxprocs));
            setSeed(String(r.program.seed));
            setDraft(r.program.source);
            setCompileError(undefined);
            setEditing(false);
            break;
          case 'state':
            setState(r.state);
            setBusy('');
            setMessage(undefined);
            break;
          case 'busy':
            setBusy(r.what);
            break;
          case 'compileError':
            setCompileError({ message: r.message, line: r.line, col: r.col });
            // no program loaded yet: the source panel is not there to show it
            setProgram((p) => {
              if (!p) setMessage(r.message);
              return p;
            });
            setEditing(false);
            setBusy('');
            break;
          case 'error':
            setMessage(r.message);
            setBusy('');
            break;
        }
      },
      () => {
        setClosed(true);
        setBusy('');
      },
    );
  }, []);

  const exported = transport.current?.exported ?? false;
  const send = (c: Command) => {
    if (c.cmd !== 'pause') setBusy(c.cmd === 'load' ? 'compiling and recording the run' : 'working');
    transport.current?.send(c);
  };
  const nextSwitch = () => {
    const c: Command = { cmd: 'nextSwitch' };
    if (kind) c.kind = kind;
    if (/^\d+$/.test(goid)) c.goid = Number(goid);
    send(c);
  };
  const reload = (source?: string) => {
    const c: Command = { cmd: 'load', arch, seed: /^\d+$/.test(seed) ? Number(seed) : 1, gomaxprocs: /^[1-9]\d*$/.test(gomaxprocs) ? Number(gomaxprocs) : null };
    if (source !== undefined) c.source = source;
    setCompileError(undefined);
    send(c);
  };
  const runEdited = () => reload(draft);

  const handlers = useRef<Record<string, () => void>>({});
  handlers.current = {
    run: () => send({ cmd: 'run' }),
    pause: () => send({ cmd: 'pause' }),
    stepi: () => send({ cmd: 'stepi' }),
    next: nextSwitch,
    backi: () => send({ cmd: 'backi' }),
    backSwitch: () => send({ cmd: 'backSwitch' }),
    restart: () => send({ cmd: 'restart' }),
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const h = handlers.current;
      const map: Record<string, (() => void) | undefined> = { r: h.run, p: h.pause, Escape: h.pause, s: h.stepi, n: h.next, b: h.backi, B: h.backSwitch, Home: h.restart };
      const f = map[e.key];
      if (f) {
        e.preventDefault();
        f();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const st = state;
  const working = busy !== '';
  const live = !exported;
  return (
    <div class="app">
      <header>
        <h1>
          gogo-emu <span class="sub">{program ? `${program.file} on ${program.arch}${program.exported ? ' (recorded run)' : ''}` : ''}</span>
        </h1>
        <div class="controls" role="toolbar" aria-label="Run controls">
          <button type="button" onClick={handlers.current.run} disabled={working} aria-keyshortcuts="r" aria-label="Run to the end (r)">
            ▶ run
          </button>
          <button type="button" onClick={handlers.current.pause} disabled={!working || exported} aria-keyshortcuts="p" aria-label="Pause (p)">
            ❚❚ pause
          </button>
          <button type="button" onClick={handlers.current.stepi} disabled={working || exported} aria-keyshortcuts="s" aria-label="Step one instruction (s)">
            step
          </button>
          <button type="button" onClick={nextSwitch} disabled={working} aria-keyshortcuts="n" aria-label="Run to the next switch (n)">
            next switch
          </button>
          <label>
            kind
            <select value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value as FilterKind | '')} aria-label="Switch kind to stop at">
              <option value="">any</option>
              {FILTER_KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
          <label>
            goid
            <input class="small" value={goid} inputMode="numeric" onInput={(e) => setGoid((e.target as HTMLInputElement).value)} aria-label="Only switches from or to this goroutine (empty: any)" />
          </label>
          <button type="button" onClick={handlers.current.backi} disabled={working || exported} aria-keyshortcuts="b" aria-label="Step back one instruction (b)">
            ◀ step back
          </button>
          <button type="button" onClick={handlers.current.backSwitch} disabled={working} aria-keyshortcuts="Shift+B" aria-label="Back to the previous switch (Shift+B)">
            ◀◀ back switch
          </button>
          <button type="button" onClick={handlers.current.restart} disabled={working} aria-keyshortcuts="Home" aria-label="Back to the start (Home)">
            |◀ start
          </button>
        </div>
        <div class="controls" role="group" aria-label="Run settings">
          <label>
            arch
            <select value={arch} disabled={!live} onChange={(e) => setArch((e.target as HTMLSelectElement).value as ArchName)} aria-label="CPU architecture">
              <option value="amd64">amd64</option>
              <option value="arm">arm</option>
            </select>
          </label>
          <label>
            GOMAXPROCS
            <input class="small" value={gomaxprocs} disabled={!live} placeholder="CPUs" inputMode="numeric" onInput={(e) => setGomaxprocs((e.target as HTMLInputElement).value)} aria-label="GOMAXPROCS (empty: the CPU count)" />
          </label>
          <label>
            seed
            <input class="small" value={seed} disabled={!live} inputMode="numeric" onInput={(e) => setSeed((e.target as HTMLInputElement).value)} aria-label="Seed of the runtime's fastrand" />
          </label>
          <button type="button" onClick={() => reload(editing || compileError ? draft : undefined)} disabled={working || !live} aria-label="Run again with these settings">
            ↻ rerun
          </button>
        </div>
      </header>
      <p class="status" role="status" aria-live="polite" data-insns={st?.insns} data-reason={st?.reason} data-busy={busy}>
        {closed ? 'disconnected from the server. ' : ''}
        {working ? `${busy}… ` : ''}
        {st
          ? `instruction ${st.insns}${program ? ` of ${program.end}` : ''} · ${st.reason} · thread ${st.thread.tid}${threadWho(st)} · ${st.where}`
          : ''}
        {program?.truncated ? ` · timeline: ${program.ending}` : ''}
      </p>
      {message ? (
        <p class="message" role="alert">
          {message}
        </p>
      ) : null}
      {timeline ? <Timeline data={timeline} cursor={st?.thread.clock} insns={st?.insns ?? 0} onJump={(insns, seq) => send(seq !== undefined ? { cmd: 'jump', insns, seq } : { cmd: 'jump', insns })} /> : null}
      <main class="grid">
        {program ? (
          <SourcePanel
            program={program}
            state={st}
            editing={editing}
            draft={draft}
            setDraft={setDraft}
            error={compileError}
            exported={exported}
            onEdit={() => {
              setDraft(compileError ? draft : program.source);
              setCompileError(undefined);
              setEditing(true);
            }}
            onRun={runEdited}
            onCancel={() => {
              setEditing(false);
              setCompileError(undefined);
              setDraft(program.source);
            }}
          />
        ) : (
          <section class="panel" />
        )}
        <SwitchPanel state={st} />
        <RegistersPanel state={st} />
        <StructsPanel state={st} />
        <StacksPanel state={st} />
        <QueuesPanel state={st} />
        <OutputPanel state={st} />
        <section class="panel help" aria-label="Keyboard shortcuts">
          <div class="panel-head">
            <h2>Keys</h2>
            <span class="hint">{switches.length} switches recorded</span>
          </div>
          <dl>
            {SHORTCUTS.map(([k, what]) => (
              <>
                <dt>
                  <kbd>{k}</kbd>
                </dt>
                <dd>{what}</dd>
              </>
            ))}
          </dl>
        </section>
      </main>
    </div>
  );
}
