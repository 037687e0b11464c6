/**
 * `npx tsx bench/week-grid.ts` — the shared calendar's week grid (static/shared/sharing/item-views.tsx,
 * `CalendarWeek`) rendering 300 events in Chromium, with the data already in the page: the time of
 * Preact's render call (script), and of the render plus the style and layout it forces (script + layout).
 * Issue 10's goal: the week grid of 300 events in one frame (under 16 ms of script after data).
 *
 * Two calendars, both built here (no emulator needed: the figure is the browser's work only):
 * - **worst case**: all 300 events in the one week shown (with overlaps, all-day ones, private busy blocks);
 * - **30 days**: 300 events over a 30-day window (about 70 in the week shown), as the issue's benchmark.
 *
 *   npx tsx bench/week-grid.ts            # 25 measured renders per calendar after 3 warm-ups
 *   npx tsx bench/week-grid.ts --runs 50
 *
 * Prints the figures (no pass/fail): record them in README's Performance section by hand.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import type { CalendarBlock, CalendarView } from '../src/contracts/sharing';
import { launchChromium } from '../test/support/browser';
import { ROOT } from '../test/support/host';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '25' } } });
const RUNS = Math.max(1, Number(values.runs) || 25);
const ZONE = 'Europe/Berlin';
const SHOW: CalendarBlock['showAs'][] = ['busy', 'busy', 'busy', 'tentative', 'oof', 'free', 'workingElsewhere'];

/** 300 events from `startMs` over `days` days: working-hour meetings of 15–120 min, some overlapping, 5% all-day, 10% private. */
function calendar(startMs: number, days: number): CalendarView {
  const blocks: CalendarBlock[] = [];
  let seed = 7;
  const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  for (let i = 0; i < 300; i++) {
    const day = Math.floor(rnd() * days);
    const allDay = rnd() < 0.05;
    const dayStart = startMs + day * 86_400_000;
    const start = allDay ? dayStart : dayStart + (7 * 60 + Math.floor(rnd() * 44) * 15) * 60_000;
    const end = allDay ? start + 86_400_000 : start + (1 + Math.floor(rnd() * 8)) * 15 * 60_000;
    const b: CalendarBlock = { start: new Date(start).toISOString(), end: new Date(end).toISOString(), isAllDay: allDay, showAs: SHOW[i % SHOW.length] ?? 'busy' };
    if (rnd() < 0.1) b.private = true;
    else Object.assign(b, { subject: `Planning session ${String(i)} with the platform team`, ...(i % 3 === 0 ? { location: 'Room 4.12' } : {}), ...(i % 4 === 0 ? { isOnlineMeeting: true } : {}) });
    blocks.push(b);
  }
  blocks.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return { window: days === 7 ? 'this-week' : 'next-30d', start: new Date(startMs).toISOString(), end: new Date(startMs + days * 86_400_000).toISOString(), freeBusyOnly: false, blocks, truncated: false };
}

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length - 1) * p))] ?? NaN;

async function main() {
  const bundle = await build({
    stdin: {
      contents: `import { h, render } from 'preact';
import { CalendarWeek } from './static/shared/sharing/item-views';
window.renderWeek = (view) => {
  const root = document.getElementById('root');
  render(null, root);
  const t0 = performance.now();
  render(h(CalendarWeek, { view }), root);
  const t1 = performance.now();
  void root.getBoundingClientRect().height;
  void root.querySelector('.week-block:last-child')?.offsetTop;
  const t2 = performance.now();
  return { script: t1 - t0, withLayout: t2 - t0, blocks: root.querySelectorAll('.week-block').length, columns: root.querySelectorAll('.week-day').length };
};`,
      resolveDir: ROOT,
      loader: 'tsx',
    },
    bundle: true,
    write: false,
    format: 'iife',
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const css = readFileSync(join(ROOT, 'static/shared/sharing/sharing.css'), 'utf8');
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ timezoneId: ZONE, viewport: { width: 900, height: 800 } });
    const page = await context.newPage();
    await page.setContent(`<!doctype html><html><head><style>${css}</style></head><body><div id="root"></div></body></html>`);
    await page.addScriptTag({ content: bundle.outputFiles[0]?.text ?? '' });
    // A Monday 00:00 in the viewer's zone (Berlin, UTC+1 in winter).
    const monday = Date.parse('2026-12-06T23:00:00Z');
    const cases: Array<[string, CalendarView]> = [['300 events in the week shown (worst case)', calendar(monday, 7)], ['300 events over 30 days (first week shown)', calendar(monday, 30)]];
    console.log(`Week grid render in Chromium (${ZONE}), ${String(RUNS)} runs after 3 warm-ups; data already in the page`);
    for (const [name, view] of cases) {
      const results: Array<{ script: number; withLayout: number; blocks: number; columns: number }> = [];
      for (let i = 0; i < RUNS + 3; i++) {
        const r = await page.evaluate((v) => (window as unknown as { renderWeek: (x: unknown) => { script: number; withLayout: number; blocks: number; columns: number } }).renderWeek(v), view);
        if (i >= 3) results.push(r);
      }
      const script = results.map((r) => r.script);
      const layout = results.map((r) => r.withLayout);
      const f = (n: number) => n.toFixed(1);
      console.log(`- ${name}: ${String(results[0]?.blocks)} blocks in ${String(results[0]?.columns)} columns · script median ${f(pct(script, 0.5))} ms, p90 ${f(pct(script, 0.9))} ms · script + style/layout median ${f(pct(layout, 0.5))} ms, p90 ${f(pct(layout, 0.9))} ms`);
    }
  } finally {
    await browser.close();
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
