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

export const HEADER = ['latency', 'scenario', 'by', 'render', 'first rows: from page navigation', 'from frame start', 'resolver calls (before rows / total)', 'Graph requests (before rows / total)', '$batch parts', 'JS gzipped'];

export function cells(r: Row): string[] {
  if (r.error || r.runs.length === 0) return [`${r.latencyMs} ms`, r.scenario, r.who, r.render, `not measured: ${r.error ?? 'no runs'}`, '', '', '', '', kb(r.jsGzBytes)];
  const placeholder = r.runs.some((m) => m.state === 'placeholder') ? ' [placeholder: "Not built yet."]' : '';
  return [
    `${r.latencyMs} ms`,
    r.scenario,
    r.who,
    r.render,
    `${millis(r.runs.map((m) => m.firstRowsMs))}${placeholder}`,
    millis(r.runs.map((m) => m.inFrameMs)),
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

export const PHASE_HEADER = ['latency', 'scenario', 'by', 'render', 'scripts ready', 'resolver answered', 'first Graph request', 'last Graph response', 'rows on screen'];

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
    at((m) => m.phases.scriptsReady),
    at((m) => m.phases.resolverDone),
    at((m) => m.phases.graphStart),
    at((m) => m.phases.graphDone),
    at((m) => m.inFrameMs),
  ];
}
