// The linked views of one stop: source, current switch (stub listing and the
// go1.19 original), registers, G/M/P structs, stacks, run queues, output.
import { useEffect, useRef } from 'preact/hooks';
import type { ProgramInfo, StackView, StructView, ViewState } from '../protocol.ts';

export function SourcePanel(props: {
  program: ProgramInfo;
  state?: ViewState;
  editing: boolean;
  draft: string;
  setDraft: (s: string) => void;
  error?: { message: string; line?: number; col?: number };
  onEdit: () => void;
  onRun: () => void;
  onCancel: () => void;
  exported: boolean;
}) {
  const { state, error } = props;
  const text = error || props.editing ? props.draft : props.program.source;
  const lines = text.split('\n');
  const curRef = useRef<HTMLLIElement>(null);
  useEffect(() => {
    curRef.current?.scrollIntoView({ block: 'nearest' });
  }, [state?.goLine, error?.line]);
  return (
    <section class="panel source" aria-label="Go source">
      <div class="panel-head">
        <h2>{props.program.file}</h2>
        <span class="hint">{state?.goLine ? `line ${state.goLine} (g${state.goLineOf})` : 'not in Go code'}</span>
        <div class="tools">
          {props.editing ? (
            <>
              <button type="button" onClick={props.onRun} aria-label="Compile and run the edited program" aria-keyshortcuts="Control+Enter">
                compile &amp; run
              </button>
              <button type="button" onClick={props.onCancel} aria-label="Stop editing and go back to the loaded program">
                cancel
              </button>
            </>
          ) : (
            <button type="button" onClick={props.onEdit} disabled={props.exported} aria-label="Edit the program" title={props.exported ? 'editing needs the server' : undefined}>
              edit
            </button>
          )}
        </div>
      </div>
      {error ? (
        <p class="compile-error" role="alert" data-line={error.line}>
          {error.message}
        </p>
      ) : null}
      {props.editing ? (
        <textarea
          class="editor"
          aria-label="Program source"
          spellcheck={false}
          value={props.draft}
          onInput={(e) => props.setDraft((e.target as HTMLTextAreaElement).value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              props.onRun();
            }
          }}
        />
      ) : (
        <ol class="code" aria-label="Source lines">
          {lines.map((l, i) => {
            const n = i + 1;
            const cur = !error && state?.goLine === n;
            const bad = error?.line === n;
            return (
              <li key={n} ref={cur || bad ? curRef : undefined} class={`${cur ? 'current' : ''}${bad ? ' error' : ''}`} data-line={n} aria-current={cur ? 'true' : undefined} aria-invalid={bad ? 'true' : undefined}>
                <span class="ln">{n}</span>
                <code>{l || ' '}</code>
                {bad ? <span class="err-msg">{error!.message}</span> : null}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}

export function SwitchPanel(props: { state?: ViewState }) {
  const sw = props.state?.switch;
  if (!sw) {
    return (
      <section class="panel switch" aria-label="Current switch">
        <div class="panel-head">
          <h2>Switch</h2>
        </div>
        <p class="empty">No switch yet: run to the next switch (n).</p>
      </section>
    );
  }
  const who = sw.to !== undefined ? `g${sw.from ?? '?'} → g${sw.to}` : sw.from !== undefined ? `from g${sw.from}` : '';
  const onWhat = sw.m !== undefined ? ` on M${sw.m}${sw.p !== undefined ? `/P${sw.p}` : ''}` : '';
  return (
    <section class="panel switch" aria-label="Current switch">
      <div class="panel-head">
        <h2>
          Switch {sw.seq !== undefined ? `#${sw.seq} ` : ''}
          {sw.kind} {who}
          {onWhat}
        </h2>
        <span class="hint" data-where={sw.where}>
          {sw.count} instructions from instruction {sw.insns}; {sw.where === 'entry' ? 'at its entry' : sw.where === 'inside' ? 'inside the stub' : 'after it'}
        </span>
      </div>
      <div class="switch-body">
        <div class="listing-wrap">
        <table class="listing" aria-label={`${sw.stub} listing with its .s lines`}>
          <thead>
            <tr>
              <th scope="col">line</th>
              <th scope="col">address</th>
              <th scope="col">instruction</th>
              <th scope="col">.s source</th>
            </tr>
          </thead>
          <tbody>
            {sw.listing.flatMap((l) => {
              const rows = l.insns.length ? l.insns : [undefined];
              return rows.map((ins, k) => (
                <tr key={`${l.file}:${l.line}:${k}`} class={`${ins?.current ? 'current' : ''}${ins?.executed ? ' executed' : ''}`} aria-current={ins?.current ? 'step' : undefined}>
                  <td class="ln">{k === 0 ? l.line : ''}</td>
                  <td>
                    <code>{ins?.addr ?? ''}</code>
                  </td>
                  <td>
                    <code>{ins?.text ?? ''}</code>
                  </td>
                  <td>
                    <code>{k === 0 ? l.text.trim() : ''}</code>
                  </td>
                </tr>
              ));
            })}
          </tbody>
        </table>
        </div>
        <div class="original" aria-label="go1.19 original">
          {sw.original && 'lines' in sw.original ? (
            <>
              <h3>{sw.original.title}</h3>
              <pre>{sw.original.lines.join('\n')}</pre>
            </>
          ) : (
            <p class="empty">{sw.original?.missing ?? ''}</p>
          )}
        </div>
      </div>
      {sw.gobuf ? (
        <table class="gobuf" aria-label="gobuf at entry and exit">
          <caption>gobuf (gogo's argument) at entry and exit</caption>
          <thead>
            <tr>
              <th scope="col">field</th>
              <th scope="col">entry</th>
              <th scope="col">exit</th>
            </tr>
          </thead>
          <tbody>
            {sw.gobuf.map((f) => (
              <tr key={f.field} class={f.entry !== f.exit ? 'changed' : ''}>
                <th scope="row">{f.field}</th>
                <td>
                  <code>{f.entry}</code>
                </td>
                <td>
                  <code>{f.exit}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

export function RegistersPanel(props: { state?: ViewState }) {
  const st = props.state;
  const sw = st?.switch;
  return (
    <section class="panel registers" aria-label="Registers">
      <div class="panel-head">
        <h2>Registers</h2>
        <span class="hint">{sw?.seq !== undefined ? `switch #${sw.seq}: entry → exit; now: thread ${st!.thread.tid}` : `now: thread ${st?.thread.tid ?? ''}`}</span>
      </div>
      <table class="regs" data-seq={sw?.seq}>
        <thead>
          <tr>
            <th scope="col">reg</th>
            <th scope="col">switch entry</th>
            <th scope="col">switch exit</th>
            <th scope="col">now</th>
          </tr>
        </thead>
        <tbody>
          {(st?.registers ?? []).map((r) => (
            <tr key={r.name} data-reg={r.name}>
              <th scope="row">{r.name}</th>
              <td class={`entry${r.changed ? ' changed' : ''}`}>
                <code>{r.entry ?? ''}</code>
              </td>
              <td class={`exit${r.changed ? ' changed' : ''}`}>
                <code>{r.exit ?? ''}</code>
              </td>
              <td class={`now${r.changedNow ? ' changed-now' : ''}`}>
                <code>{r.now ?? ''}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function StructTable(props: { s: StructView; open: boolean }) {
  const { s } = props;
  return (
    <details open={props.open} class="struct">
      <summary>
        {s.title} <code>{s.struct}</code> at <code>{s.addr}</code>
      </summary>
      <table aria-label={`${s.struct} ${s.title}`}>
        <thead>
          <tr>
            <th scope="col">offset</th>
            <th scope="col">field</th>
            <th scope="col">type</th>
            <th scope="col">value</th>
          </tr>
        </thead>
        <tbody>
          {s.fields.map((f) => (
            <tr key={f.name}>
              <td class="num">{f.offset}</td>
              <th scope="row">{f.name}</th>
              <td class="type">{f.type}</td>
              <td>
                <code>{f.value}</code>
                {f.note ? <span class="note"> {f.note}</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

export function StructsPanel(props: { state?: ViewState }) {
  return (
    <section class="panel structs" aria-label="G, M and P at their go1.19 offsets">
      <div class="panel-head">
        <h2>G, M, P</h2>
        <span class="hint">go1.19 offsets</span>
      </div>
      {(props.state?.structs ?? []).map((s, i) => (
        <StructTable key={s.title} s={s} open={i === 0} />
      ))}
    </section>
  );
}

function StackTable(props: { s: StackView }) {
  const { s } = props;
  return (
    <details open class="stack">
      <summary>
        {s.title}: SP <code>{s.sp}</code>, stack [<code>{s.lo}</code>, <code>{s.hi}</code>)
      </summary>
      <table aria-label={`stack of ${s.title}`}>
        <thead>
          <tr>
            <th scope="col">address</th>
            <th scope="col">word</th>
            <th scope="col">what</th>
          </tr>
        </thead>
        <tbody>
          {s.words.map((w) => (
            <tr key={w.addr} class={w.frame ? 'frame' : ''}>
              <td>
                <code>{w.addr}</code>
              </td>
              <td>
                <code>{w.value}</code>
              </td>
              <td>{w.marks.join('; ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

export function StacksPanel(props: { state?: ViewState }) {
  return (
    <section class="panel stacks" aria-label="Goroutine stacks">
      <div class="panel-head">
        <h2>Stacks</h2>
        <span class="hint">from SP up; frames marked</span>
      </div>
      {(props.state?.stacks ?? []).map((s) => (
        <StackTable key={s.title} s={s} />
      ))}
    </section>
  );
}

export function QueuesPanel(props: { state?: ViewState }) {
  const q = props.state?.queues;
  const gs = props.state?.goroutines ?? [];
  return (
    <section class="panel queues" aria-label="Run queues and goroutines">
      <div class="panel-head">
        <h2>Run queues</h2>
      </div>
      <table aria-label="Ps: status, M, runnext and local run queue">
        <thead>
          <tr>
            <th scope="col">P</th>
            <th scope="col">status</th>
            <th scope="col">M</th>
            <th scope="col">runnext</th>
            <th scope="col">runq</th>
          </tr>
        </thead>
        <tbody>
          {(q?.ps ?? []).map((p) => (
            <tr key={p.id} data-p={p.id}>
              <th scope="row">P{p.id}</th>
              <td>{p.status}</td>
              <td>{p.m}</td>
              <td>{p.runnext !== undefined ? `g${p.runnext}` : '-'}</td>
              <td>{p.runq.length ? p.runq.map((g) => `g${g}`).join(' ') : '-'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="global">global run queue: {q?.global.length ? q.global.map((g) => `g${g}`).join(' ') : 'empty'}</p>
      <h3>Goroutines</h3>
      <table aria-label="Goroutines">
        <thead>
          <tr>
            <th scope="col">goid</th>
            <th scope="col">status</th>
            <th scope="col">M</th>
            <th scope="col">where</th>
          </tr>
        </thead>
        <tbody>
          {gs.map((g) => (
            <tr key={g.goid}>
              <th scope="row">g{g.goid}</th>
              <td>{g.status}</td>
              <td>{g.m !== undefined ? `M${g.m}` : '-'}</td>
              <td>
                <code>{g.where}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function OutputPanel(props: { state?: ViewState }) {
  const ref = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.scrollTop = ref.current.scrollHeight;
  }, [props.state?.stdout]);
  return (
    <section class="panel output" aria-label="Program output">
      <div class="panel-head">
        <h2>Output</h2>
        {props.state?.endText ? <span class="hint">{props.state.endText}</span> : null}
      </div>
      <pre ref={ref} tabIndex={0} aria-label="Program output so far">
        {props.state?.stdout ?? ''}
      </pre>
    </section>
  );
}
