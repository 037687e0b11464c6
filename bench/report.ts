import type { Measurement } from './measure';

export type Render = 'cold' | 'warm';

export interface Row {
  latencyMs: number;
  scenario: string;
  /** `app` or `MGT`. */
  who: string;
  render: Render;
  runs: Measurement[];
  jsGzBytes?: number;
  /** Set when the scenario could not be measured. */
  error?: string;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** A count that varied between runs shows as `median (min–max)`. */
const count = (xs: number[]): string => {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? String(lo) : `${median(xs)} (${lo}–${hi})`;
};
/** `median (min–max)` in whole milliseconds. */
const millis = (ms: number[]): string => `${median(ms).toFixed(0)} ms (${Math.min(...ms).toFixed(0)}–${Math.max(...ms).toFixed(0)})`;
const kb = (bytes?: number) => (bytes === undefined ? '' : `${(bytes / 1024).toFixed(1)} KB`);

export const HEADER = ['latency', 'scenario', 'by', 'render', 'first rows: from page navigation', 'from frame start', 'first paint from frame start (the tab’s copy, where shown)', 'resolver calls (before rows / total)', 'Graph requests (before rows / total)', '$batch parts', 'JS gzipped'];

export function cells(r: Row): string[] {
  if (r.error || r.runs.length === 0) return [`${r.latencyMs} ms`, r.scenario, r.who, r.render, `not measured: ${r.error ?? 'no runs'}`, '', '', '', '', '', kb(r.jsGzBytes)];
  const copies = r.runs.filter((m) => m.fromCopy).length;
  const placeholder = r.runs.some((m) => m.state === 'placeholder') ? ' [placeholder: "Not built yet."]' : '';
  return [
    `${r.latencyMs} ms`,
    r.scenario,
    r.who,
    r.render,
    `${millis(r.runs.map((m) => m.firstRowsMs))}${placeholder}`,
    millis(r.runs.map((m) => m.inFrameMs)),
    copies === 0 ? '—' : `${millis(r.runs.map((m) => m.firstPaintInFrameMs))}${copies < r.runs.length ? ` (copy in ${copies} of ${r.runs.length})` : ''}`,
    `${count(r.runs.map((m) => m.resolverBeforeRows))} / ${count(r.runs.map((m) => m.resolverTotal))}`,
    `${count(r.runs.map((m) => m.graphBeforeRows))} / ${count(r.runs.map((m) => m.graphTotal))}`,
    count(r.runs.map((m) => m.batchParts)),
    kb(r.jsGzBytes),
  ];
}

export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function markdownTable(header: string[], rows: string[][]): string {
  const esc = (c: string) => c.replaceAll('|', '\\|');
  return [`| ${header.map(esc).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

export const PHASE_HEADER = ['latency', 'scenario', 'by', 'render', 'HTML in', 'scripts in', 'scripts ready', 'entry ran', 'context', 'resolver answered', 'token', 'Graph fetch called', 'first Graph request', 'last Graph response', 'rows on screen'];

/** Medians, in ms from the rendering frame's navigation start; `—` when it did not happen before the rows. */
export function phaseCells(r: Row): string[] | undefined {
  if (r.error || r.runs.length === 0) return undefined;
  const at = (pick: (m: Measurement) => number | undefined): string => {
    const xs = r.runs.map(pick).filter((x): x is number => x !== undefined);
    return xs.length * 2 > r.runs.length ? `${median(xs).toFixed(0)}` : '—';
  };
  return [
    `${r.latencyMs} ms`,
    r.scenario,
    r.who,
    r.render,
    at((m) => m.phases.htmlDone),
    at((m) => m.phases.bundleDone),
    at((m) => m.phases.scriptsReady),
    at((m) => m.phases.moduleRun),
    at((m) => m.phases.context),
    at((m) => m.phases.resolverDone),
    at((m) => m.phases.token),
    at((m) => m.phases.graphAsked),
    at((m) => m.phases.graphStart),
    at((m) => m.phases.graphDone),
    at((m) => m.inFrameMs),
  ];
}

/** The issue's goal against Microsoft Graph Toolkit, first rows measured from frame start: cold ≤ 1.0×, warm ≤ 1.25×. */
export const MGT_GOAL: Record<Render, number> = { cold: 1.0, warm: 1.25 };

/**
 * Which MGT page each app scenario is held against: its own where MGT has one (`mgt-file-list` for a
 * library, `mgt-file` for the Document macro); MGT has no SharePoint *list* component, so the two
 * lists are held against its nearest, `mgt-file-list` on the Documents library (a first page of rows).
 */
export function mgtPeerOf(scenario: string, mgtScenarios: string[]): { peer: string; own: boolean } | undefined {
  if (mgtScenarios.includes(scenario)) return { peer: scenario, own: true };
  const nearest = mgtScenarios.find((s) => s.startsWith('Documents library'));
  return nearest && !scenario.startsWith('Document (') ? { peer: nearest, own: false } : undefined;
}

export const MGT_RATIO_HEADER = [
  'latency', 'scenario', 'against MGT', 'cold: from frame start', 'warm, first paint: from frame start', 'warm, fresh rows: from frame start', 'cold: from navigation',
  'warm, first paint: from navigation', 'goal (cold ≤ 1.0×, warm ≤ 1.25×, from frame start)',
];

/**
 * App ÷ MGT, medians, per app scenario and latency. Cold, the app's figure is its first fresh rows (a new
 * browser has no copy). Warm, two figures: its first paint — the tab's copy of what it last showed the viewer
 * (static/shared/sharepoint/tab-copy.ts), as MGT's warm paint is its IndexedDB copy — and its fresh rows,
 * what Graph answers now, which replace the copy. The goal's warm verdict is on the first paint, with the fresh
 * figure beside it.
 */
export function mgtRatios(rows: Row[], latencies: number[]): { rows: string[][]; verdicts: string[] } {
  const out: string[][] = [];
  const verdicts: string[] = [];
  type Metric = 'firstRowsMs' | 'inFrameMs' | 'firstPaintMs' | 'firstPaintInFrameMs';
  const med = (r: Row | undefined, metric: Metric) => (r && r.runs.length && !r.error ? median(r.runs.map((m) => m[metric])) : NaN);
  const fmt = (q: number) => (Number.isFinite(q) ? `${q.toFixed(2)}×` : '—');
  for (const latencyMs of latencies) {
    const here = rows.filter((r) => r.latencyMs === latencyMs);
    const mgtScenarios = [...new Set(here.filter((r) => r.who === 'MGT').map((r) => r.scenario))];
    for (const scenario of [...new Set(here.filter((r) => r.who === 'app').map((r) => r.scenario))]) {
      const peer = mgtPeerOf(scenario, mgtScenarios);
      if (!peer) continue;
      const find = (who: string, s: string, render: Render) => here.find((r) => r.who === who && r.scenario === s && r.render === render);
      // MGT's first paint is its rows: warm, its cached copy.
      const q = (render: Render, app: Metric, mgt: Metric = app) => med(find('app', scenario, render), app) / med(find('MGT', peer.peer, render), mgt);
      const cold = q('cold', 'inFrameMs');
      const warm = q('warm', 'firstPaintInFrameMs', 'inFrameMs');
      const warmFresh = q('warm', 'inFrameMs');
      const met = (render: Render, v: number) => (!Number.isFinite(v) ? 'not measured' : v <= MGT_GOAL[render] ? 'met' : 'not met');
      const verdict = `cold ${fmt(cold)} ${met('cold', cold)}, warm ${fmt(warm)} ${met('warm', warm)} (fresh rows ${fmt(warmFresh)})`;
      const against = peer.own ? (scenario.startsWith('Document (') ? 'mgt-file, same file' : 'mgt-file-list, same library') : `mgt-file-list, ${peer.peer} (MGT has no list component)`;
      out.push([`${latencyMs} ms`, scenario, against, fmt(cold), fmt(warm), fmt(warmFresh), fmt(q('cold', 'firstRowsMs')), fmt(q('warm', 'firstPaintMs', 'firstRowsMs')), verdict]);
      verdicts.push(`${scenario} at ${latencyMs} ms vs ${against}: ${verdict}`);
    }
  }
  return { rows: out, verdicts };
}

/** Requests that ran one after another: a request that starts after every earlier one has ended opens a new round trip. */
export function roundTripsInARow(requests: Array<{ start: number; end: number }>): number {
  let trips = 0;
  let lastEnd = -Infinity;
  for (const r of [...requests].sort((a, b) => a.start - b.start)) {
    if (r.start >= lastEnd) trips++;
    lastEnd = Math.max(lastEnd, r.end);
  }
  return trips;
}
