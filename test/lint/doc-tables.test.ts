import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The Markdown tables a reader relies on: the README's performance figures are copied by hand from
 * `npm run bench`'s `bench/RESULTS.md`, and once a whole table's rows were replaced by another table's that
 * began with the same cells (a 15-cell timeline under a 10-column header). These checks catch that.
 */
const ROOT = join(import.meta.dirname, '../..');
const DOCS = ['README.md', 'bench/RESULTS.md', 'dev/host/README.md', 'dev/host/kvs/README.md', 'dev/host/events/README.md', 'dev/host/products/README.md', 'dev/emulator/microsoft/README.md', 'src/core/sharepoint/README.md', 'src/adapters/graph/README.md'];

interface Table { line: number; header: string[]; rows: Array<{ line: number; cells: string[] }> }

/** Cells of one table line: split on `|` outside code spans, an escaped `\|` kept in its cell. */
function cells(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let code = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line.charAt(i);
    if (ch === '\\' && line.charAt(i + 1) === '|') {
      cur += '|';
      i++;
    } else if (ch === '`') {
      code = !code;
      cur += ch;
    } else if (ch === '|' && !code) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  // A table line starts and ends with a pipe: drop the empty ends.
  return out.slice(1, -1);
}

function tables(markdown: string): Table[] {
  const lines = markdown.split('\n');
  const at = (i: number) => lines[i] ?? '';
  const found: Table[] = [];
  let fence = false;
  for (let i = 0; i < lines.length; i++) {
    if (at(i).startsWith('```')) fence = !fence;
    if (fence || !at(i).startsWith('|') || !/^\|(\s*:?-+:?\s*\|)+\s*$/.test(at(i + 1))) continue;
    const table: Table = { line: i + 1, header: cells(at(i)), rows: [] };
    let j = i + 2;
    for (; j < lines.length && at(j).startsWith('|'); j++) table.rows.push({ line: j + 1, cells: cells(at(j)) });
    found.push(table);
    i = j - 1;
  }
  return found;
}

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

describe('the tables readers rely on', () => {
  it('finds a row wider than its header, and reads code spans and escaped pipes as one cell', () => {
    const t = tables('| a | b |\n|---|---|\n| 1 | `x | y` |\n| 2 | p \\| q |\n| 3 | 4 | 5 |\n')[0]!;
    expect(t.header).toEqual(['a', 'b']);
    expect(t.rows.map((r) => r.cells.length)).toEqual([2, 2, 3]);
  });

  it.each(DOCS)('every row of every table in %s is as wide as its header', (path) => {
    const wrong = tables(read(path)).flatMap((t) => t.rows.filter((r) => r.cells.length !== t.header.length).map((r) => `${path}:${r.line}: ${r.cells.length} cells under a ${t.header.length}-column header (line ${t.line})`));
    expect(wrong).toEqual([]);
  });

  it('the README shows the benchmark run bench/RESULTS.md records, row for row, where the two share a table', () => {
    const results = tables(read('bench/RESULTS.md'));
    const readme = tables(read('README.md'));
    const shared = readme.filter((t) => results.some((r) => r.header.join('|') === t.header.join('|')));
    // The first-rows table, the MGT ratios and the whole-list search are in both.
    expect(shared.length).toBeGreaterThanOrEqual(3);
    for (const t of shared) {
      const r = results.find((x) => x.header.join('|') === t.header.join('|'))!;
      expect(t.rows.map((x) => x.cells), `README.md:${t.line}`).toEqual(r.rows.map((x) => x.cells));
    }
  });
});
