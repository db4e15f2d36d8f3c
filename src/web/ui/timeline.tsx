// The timeline of Ms and Ps: a row per M and per P, a slice per goroutine run
// (and per spinning/idle span), instants for creations, parks, readies,
// steals...; the cursor at the current thread's clock. d3-scale maps virtual
// time to pixels; d3-zoom zooms (wheel, buttons, + and - keys) and pans
// (drag). A click on an item, or Enter on the item chosen with the arrow
// keys, jumps the run there.
import { scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import { zoom as d3zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3-zoom';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { TimelineData, TimelineInstant, TimelineSlice } from '../protocol.ts';

const ROW = 22;
const LABEL = 48;
const AXIS = 18;

export type Item = { kind: 'slice'; s: TimelineSlice; i: number } | { kind: 'instant'; s: TimelineInstant; i: number };

function hue(goid: number): number {
  return (goid * 137.508) % 360;
}

function itemLabel(it: Item): string {
  const s = it.s;
  const where = `on ${s.track} at ${s.ts.toFixed(3)} µs`;
  if (it.kind === 'slice') return `${s.name} ${where} for ${it.s.dur.toFixed(3)} µs${it.s.until ? ` (until ${it.s.until})` : ''}`;
  return `${s.name} ${where}`;
}

export function Timeline(props: { data: TimelineData; cursor?: number; insns: number; onJump: (insns: number, seq?: number) => void }) {
  const { data } = props;
  const svgRef = useRef<SVGSVGElement>(null);
  const zoomRef = useRef<ZoomBehavior<SVGSVGElement, unknown> | null>(null);
  const [width, setWidth] = useState(900);
  const [t, setT] = useState<ZoomTransform>(zoomIdentity);
  const [active, setActive] = useState(-1);
  const height = AXIS + data.tracks.length * ROW + 4;
  const end = Math.max(data.end, 1e-3);

  const items = useMemo<Item[]>(() => {
    const all: Item[] = [...data.slices.map((s, i) => ({ kind: 'slice' as const, s, i })), ...data.instants.map((s, i) => ({ kind: 'instant' as const, s, i }))];
    return all.sort((a, b) => a.s.ts - b.s.ts);
  }, [data]);

  useEffect(() => {
    const el = svgRef.current!;
    const ro = new ResizeObserver(() => setWidth(Math.max(300, el.clientWidth)));
    ro.observe(el);
    const z = d3zoom<SVGSVGElement, unknown>()
      .scaleExtent([1, 5000])
      .translateExtent([
        [LABEL, 0],
        [Math.max(300, el.clientWidth), height],
      ])
      .filter((ev: Event) => ev.type === 'wheel' || !(ev as MouseEvent).button)
      .on('zoom', (ev: { transform: ZoomTransform }) => setT(ev.transform));
    zoomRef.current = z;
    select(el).call(z);
    return () => {
      ro.disconnect();
      select(el).on('.zoom', null);
    };
  }, [height]);

  useEffect(() => {
    zoomRef.current?.translateExtent([
      [LABEL, 0],
      [width, height],
    ]);
  }, [width, height]);

  const base = scaleLinear().domain([0, end]).range([LABEL, width - 4]);
  const x = t.rescaleX(base);
  const row = new Map(data.tracks.map((tr, i) => [tr.id, i]));
  const y = (track: string) => AXIS + (row.get(track) ?? 0) * ROW;
  const zoomBy = (k: number) => {
    if (svgRef.current && zoomRef.current) select(svgRef.current).call(zoomRef.current.scaleBy, k);
  };
  const reset = () => {
    if (svgRef.current && zoomRef.current) select(svgRef.current).call(zoomRef.current.transform, zoomIdentity);
  };
  const jump = (it: Item) => {
    const s = it.s;
    if (s.insns !== undefined) props.onJump(s.insns, it.kind === 'slice' ? s.seq : undefined);
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      e.preventDefault();
      setActive((a) => Math.max(0, Math.min(items.length - 1, a + (e.key === 'ArrowRight' ? 1 : -1))));
    } else if (e.key === 'Enter' && active >= 0 && items[active]) {
      e.preventDefault();
      jump(items[active]!);
    } else if (e.key === '+' || e.key === '=') zoomBy(2);
    else if (e.key === '-') zoomBy(0.5);
  };
  const activeItem = active >= 0 ? items[active] : undefined;
  const ticks = x.ticks(Math.max(2, Math.floor(width / 110)));

  return (
    <section class="panel timeline" aria-label="Timeline of Ms, Ps and goroutines">
      <div class="panel-head">
        <h2>Timeline</h2>
        <span class="hint">virtual µs; wheel or +/- to zoom, drag to pan; click a slice or instant (or arrows + Enter) to jump there</span>
        <div class="tools">
          <button type="button" onClick={() => zoomBy(2)} aria-label="Zoom in the timeline">+</button>
          <button type="button" onClick={() => zoomBy(0.5)} aria-label="Zoom out the timeline">−</button>
          <button type="button" onClick={reset} aria-label="Reset the timeline zoom">reset</button>
        </div>
      </div>
      <div
        class="tl-wrap"
        tabIndex={0}
        role="listbox"
        aria-label="Timeline items: arrow keys choose, Enter jumps there"
        aria-activedescendant={activeItem ? `tl-${activeItem.kind}-${activeItem.i}` : undefined}
        onKeyDown={onKey}
      >
        <svg ref={svgRef} width="100%" height={height} class="tl" data-end={data.end}>
          <g class="axis">
            {ticks.map((v) => (
              <g key={v}>
                <line x1={x(v)} x2={x(v)} y1={AXIS - 4} y2={height} class="grid" />
                <text x={x(v) + 2} y={11}>
                  {v}
                </text>
              </g>
            ))}
          </g>
          {data.tracks.map((tr, i) => (
            <g key={tr.id}>
              <rect x={0} y={AXIS + i * ROW} width={width} height={ROW} class={i % 2 ? 'row odd' : 'row'} />
              <text x={4} y={AXIS + i * ROW + 15} class="track-label">
                {tr.label}
              </text>
            </g>
          ))}
          <g clip-path="url(#tl-clip)">
            <clipPath id="tl-clip">
              <rect x={LABEL} y={0} width={Math.max(0, width - LABEL)} height={height} />
            </clipPath>
            {data.slices.map((s, i) => {
              const x0 = x(s.ts);
              const w = Math.max(1.5, x(s.ts + s.dur) - x0);
              const cur = s.insns !== undefined && s.endInsns !== undefined && s.insns <= props.insns && props.insns < s.endInsns;
              const isActive = activeItem?.kind === 'slice' && activeItem.i === i;
              return (
                <g
                  key={`s${i}`}
                  id={`tl-slice-${i}`}
                  role="option"
                  aria-selected={isActive}
                  aria-label={itemLabel({ kind: 'slice', s, i })}
                  class={`slice ${s.cat}${cur ? ' current' : ''}${isActive ? ' active' : ''}`}
                  data-track={s.track}
                  data-goid={s.goid}
                  data-ts={s.ts}
                  data-dur={s.dur}
                  data-name={s.name}
                  data-insns={s.insns}
                  data-seq={s.seq}
                  onClick={() => jump({ kind: 'slice', s, i })}
                >
                  <title>{itemLabel({ kind: 'slice', s, i })}</title>
                  <rect x={x0} y={y(s.track) + 3} width={w} height={ROW - 6} rx={2} style={s.goid !== undefined ? `fill:hsl(${hue(s.goid)} 60% 62%)` : undefined} />
                  {w > 40 ? (
                    <text x={x0 + 3} y={y(s.track) + 15} class="slice-label">
                      {s.name}
                    </text>
                  ) : null}
                </g>
              );
            })}
            {data.instants.map((s, i) => {
              const cx = x(s.ts);
              const cy = y(s.track) + ROW - 5;
              const isActive = activeItem?.kind === 'instant' && activeItem.i === i;
              return (
                <g
                  key={`i${i}`}
                  id={`tl-instant-${i}`}
                  role="option"
                  aria-selected={isActive}
                  aria-label={itemLabel({ kind: 'instant', s, i })}
                  class={`instant${isActive ? ' active' : ''}`}
                  data-track={s.track}
                  data-ts={s.ts}
                  data-name={s.name}
                  onClick={() => jump({ kind: 'instant', s, i })}
                >
                  <title>{itemLabel({ kind: 'instant', s, i })}</title>
                  <path d={`M${cx} ${cy - 5} L${cx + 4} ${cy} L${cx} ${cy + 5} L${cx - 4} ${cy} Z`} />
                </g>
              );
            })}
            {props.cursor !== undefined ? <line class="cursor" x1={x(props.cursor)} x2={x(props.cursor)} y1={AXIS - 4} y2={height} /> : null}
          </g>
        </svg>
      </div>
      <p class="tl-active" aria-live="polite">
        {activeItem ? itemLabel(activeItem) : ''}
      </p>
    </section>
  );
}
