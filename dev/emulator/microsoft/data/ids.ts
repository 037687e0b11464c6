import { createHash } from 'node:crypto';

// Every id the emulator invents is derived from stable names, so a restart (or another
// developer's machine) yields the same ids for the same fixture.

const digest = (...parts: string[]): Buffer => createHash('sha256').update(parts.join('\u0000')).digest();

/**
 * cyrb128: a non-cryptographic 128-bit string hash. Ids only need to be stable and distinct, and
 * the 12,000 generated entries of the demo tenant would spend most of the start-up in sha256.
 */
const hash128 = (s: string): [number, number, number, number] => {
  let h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762;
  for (let i = 0; i < s.length; i++) {
    const k = s.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
};

const hex128 = (parts: string[]): string =>
  hash128(parts.join('\u0000')).map((n) => n.toString(16).padStart(8, '0')).join('');

export const stableGuid = (...parts: string[]): string => {
  const h = hex128(parts);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** SharePoint drive item ids look like `01` followed by 32 base32 characters. */
export const driveItemId = (...parts: string[]): string => {
  const words = hash128(parts.join('\u0000'));
  const salt = hash128(parts.join('\u0001'));
  let out = '01';
  for (let i = 0; i < 32; i++) {
    const w = (i < 16 ? words : salt)[(i % 16) >> 2] ?? 0;
    out += BASE32[(w >>> ((i % 4) * 5)) & 31];
  }
  return out;
};

/** Drive ids are `b!` + base64url of the site and list GUIDs, as SharePoint builds them. */
export const driveId = (siteCollectionId: string, listId: string): string => {
  const hex = (siteCollectionId + listId).replaceAll('-', '');
  return 'b!' + Buffer.from(hex, 'hex').toString('base64url');
};

/** Exchange-style opaque ids (`AAMkA…` for REST ids, `AAkAL…` for immutable ids). */
export const exchangeId = (prefix: string, ...parts: string[]): string =>
  prefix + digest(...parts).toString('base64url').slice(0, 60) + 'AAA=';

/** Mulberry32: small, fast and deterministic; Math.random would make the fixture differ per run. */
export const prng = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const RELATIVE = /^([+-]\d+)([dhm])(?: (\d\d):(\d\d))?$/;

/** Resolves a fixture `When` against the start day (ms at midnight UTC). */
export const resolveWhen = (when: string, startDay: number): number => {
  const m = RELATIVE.exec(when.trim());
  if (!m) {
    const t = Date.parse(when);
    if (Number.isNaN(t)) throw new Error(`Fixture date not understood: ${when}`);
    return t;
  }
  const n = Number(m[1]);
  const unit = m[2] === 'd' ? 86_400_000 : m[2] === 'h' ? 3_600_000 : 60_000;
  const time = m[3] !== undefined ? Number(m[3]) * 3_600_000 + Number(m[4]) * 60_000 : 0;
  return startDay + n * unit + time;
};

export const startOfUtcDay = (ms: number): number => ms - (ms % 86_400_000);

/** Graph writes instants without milliseconds: `2024-05-01T07:00:00Z`. */
export const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
