// How the page talks to a run: a WebSocket to the server (`gogo-emu web`),
// or the frames of an exported run (`--export`), replayed in the page.
import type { Command, ExportData, Reply, ViewState } from '../protocol.ts';

export interface Transport {
  send(c: Command): void;
  /** commands this transport cannot do (an exported run has no live session) */
  readonly exported: boolean;
}

export function wsTransport(onReply: (r: Reply) => void, onClose: () => void): Transport {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  const ws = new WebSocket(url);
  const pending: Command[] = [];
  ws.onopen = () => {
    for (const c of pending.splice(0)) ws.send(JSON.stringify(c));
  };
  ws.onmessage = (ev) => onReply(JSON.parse(String(ev.data)) as Reply);
  ws.onclose = onClose;
  return {
    exported: false,
    send(c) {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(c));
      else pending.push(c);
    },
  };
}

/** Replays an exported run: every command moves between its recorded frames. */
export function staticTransport(data: ExportData, onReply: (r: Reply) => void): Transport {
  const frames = data.frames;
  let at = 0;
  const show = (i: number) => {
    at = Math.max(0, Math.min(frames.length - 1, i));
    const f = frames[at]!;
    setTimeout(() => onReply({ type: 'state', state: f }), 0);
  };
  const isEntry = (f: ViewState) => f.switch !== undefined && f.switch.where === 'entry' && f.switch.insns === f.insns;
  setTimeout(() => onReply({ type: 'program', program: data.program, timeline: data.timeline, switches: data.switches }), 0);
  show(0);
  return {
    exported: true,
    send(c) {
      switch (c.cmd) {
        case 'run':
          return show(frames.length - 1);
        case 'restart':
          return show(0);
        case 'nextSwitch': {
          for (let i = at + 1; i < frames.length; i++) {
            const f = frames[i]!;
            if (!isEntry(f)) continue;
            const sw = f.switch!;
            if (c.kind && sw.kind !== c.kind) continue;
            if (c.goid !== undefined && sw.from !== c.goid && sw.to !== c.goid) continue;
            return show(i);
          }
          return show(frames.length - 1);
        }
        case 'backSwitch':
          return show(at - 1);
        case 'jump': {
          if (c.seq !== undefined) {
            const i = frames.findIndex((f) => isEntry(f) && f.switch!.seq === c.seq);
            if (i >= 0) return show(i);
          }
          let best = 0;
          frames.forEach((f, i) => {
            if (f.insns <= c.insns) best = i;
          });
          return show(best);
        }
        default:
          setTimeout(() => onReply({ type: 'error', message: 'this is an exported run: stepping by instruction and editing need the server (gogo-emu web prog.go)' }), 0);
      }
    },
  };
}
