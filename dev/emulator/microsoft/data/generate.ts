import type { ColumnFixture, FileFixture, FilesGenerator, ItemFixture, ItemsGenerator, Restriction } from '../fixture';
import { isoSeconds, prng } from './ids';

// Generators turn a short description in the fixture into ordinary fixture records, so big lists
// and libraries go through exactly the same builder as hand-written ones.

const WORDS = [
  'alpha', 'budget', 'customer', 'delivery', 'estimate', 'forecast', 'growth', 'harbour', 'invoice',
  'journey', 'kickoff', 'ledger', 'milestone', 'north', 'onboarding', 'pipeline', 'quarter', 'review',
  'supplier', 'timeline', 'update', 'vendor', 'workshop', 'yield', 'zone',
];

const pad = (n: number, count: number): string => String(n).padStart(String(count).length, '0');

const fill = (pattern: string, n: number, count: number): string => pattern.replaceAll('{n}', pad(n, count));

const restrictionFor = (n: number, rules: readonly Restriction[] | undefined): Restriction | undefined =>
  rules?.find((r) => n >= (r.offset ?? r.every) && (n - (r.offset ?? r.every)) % r.every === 0);

type Rand = () => number;

const pick = <T>(rand: Rand, xs: readonly T[]): T | undefined => xs[Math.floor(rand() * xs.length)];

const sentence = (rand: Rand, words: number): string => {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(pick(rand, WORDS) ?? 'note');
  const s = out.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1) + '.';
};

const valueFor = (
  col: ColumnFixture, n: number, rand: Rand, gen: ItemsGenerator, since: number, lookupCount: (list: string) => number,
): unknown => {
  switch (col.type) {
    case 'text': return `${col.displayName ?? col.name} ${pick(rand, WORDS)} ${n}`;
    case 'note': return sentence(rand, 8);
    case 'number': return Math.floor(rand() * 100) + 1;
    case 'currency': return Math.round(rand() * 1_000_000) / 100;
    case 'dateTime': {
      const t = since + n * 3_600_000 + Math.floor(rand() * 30) * 86_400_000;
      return col.dateOnly ? isoSeconds(t - (t % 86_400_000)) : isoSeconds(t);
    }
    case 'boolean': return rand() < 0.5;
    case 'choice': return pick(rand, col.choices ?? []);
    case 'personOrGroup': return pick(rand, gen.people);
    case 'lookup': {
      const count = col.lookup ? lookupCount(col.lookup.list) : 0;
      return count > 0 ? Math.floor(rand() * count) + 1 : undefined;
    }
    case 'hyperlinkOrPicture': return { Url: `https://contoso.com/records/${n}`, Description: `Record ${n}` };
    case 'calculated': return undefined;
  }
};

/** The demo's calculated columns band an amount; the value is what SharePoint would have computed. */
const band = (fields: Record<string, unknown>, columns: readonly ColumnFixture[]): string | undefined => {
  const amount = columns.find((c) => c.type === 'currency' || c.type === 'number');
  const v = amount ? fields[amount.name] : undefined;
  if (typeof v !== 'number') return undefined;
  return v > 5000 ? 'High' : v > 1000 ? 'Medium' : 'Low';
};

export const generateItems = (
  gen: ItemsGenerator, columns: readonly ColumnFixture[], firstId: number, lookupCount: (list: string) => number,
): ItemFixture[] => {
  const rand = prng(gen.seed);
  const since = Date.parse(gen.since);
  const items: ItemFixture[] = [];
  for (let n = 1; n <= gen.count; n++) {
    const fields: Record<string, unknown> = { Title: fill(gen.title, n, gen.count) };
    for (const col of columns) {
      if (col.name === 'Title') continue;
      const v = col.type === 'calculated' ? band(fields, columns) : valueFor(col, n, rand, gen, since, lookupCount);
      if (v !== undefined) fields[col.name] = v;
    }
    const created = since + n * 60_000;
    const restricted = restrictionFor(n, gen.restrict);
    items.push({
      id: firstId + n - 1,
      fields,
      author: pick(rand, gen.people),
      editor: pick(rand, gen.people),
      created: isoSeconds(created),
      modified: isoSeconds(created + Math.floor(rand() * 90) * 86_400_000),
      ...(restricted ? { readers: restricted.readers } : {}),
    });
  }
  return items;
};

export const generateFiles = (gen: FilesGenerator): FileFixture[] => {
  const rand = prng(gen.seed);
  const since = Date.parse(gen.since);
  const files: FileFixture[] = [];
  for (let n = 1; n <= gen.count; n++) {
    const folder = fill(gen.folderName, ((n - 1) % gen.folders) + 1, gen.folders);
    const ext = gen.extensions[(n - 1) % gen.extensions.length] ?? 'txt';
    const created = since + n * 3_600_000;
    const restricted = restrictionFor(n, gen.restrict);
    files.push({
      path: `${folder}/${fill(gen.fileName, n, gen.count)}.${ext}`,
      size: 2_048 + Math.floor(rand() * 4_000_000),
      author: pick(rand, gen.people),
      editor: pick(rand, gen.people),
      created: isoSeconds(created),
      modified: isoSeconds(created + Math.floor(rand() * 400) * 86_400_000),
      text: sentence(rand, 24),
      ...(restricted ? { readers: restricted.readers } : {}),
    });
  }
  return files;
};
