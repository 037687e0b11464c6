/**
 * A feed's build state: what the cache holds (generation, chunks, window, version), a build in
 * progress (resumable across invocations: a 50,000-issue feed may need more than one), and the
 * figures the feed page shows.
 */
import { isRecord } from '../guards';

export interface CacheInfo {
  gen: number;
  chunks: number;
  rows: number;
  defVersion: number;
  /** When the last full build finished. */
  builtAt: number;
  /** When the last refresh (full or incremental) started: the next one asks for changes since. */
  refreshedAt: number;
  /** When the cached content last changed: Last-Modified, DTSTAMP. */
  changedAt: number;
  /** Bumped on every change of the cached rows: part of every ETag. */
  version: number;
  fetchFrom: string;
  fetchTo: string;
  projects: Array<{ id: string; key: string }>;
  secured: string[];
}

export interface BuildProgress {
  gen: number;
  defVersion: number;
  startedAt: number;
  nextPageToken?: string;
  chunks: number;
  rows: number;
  requests: number;
  points: number;
  workMs: number;
  fetchFrom: string;
  fetchTo: string;
  projects: Array<{ id: string; key: string }>;
  secured: string[];
}

export interface FeedProblem {
  code: 'throttled' | 'jql' | 'owner_access' | 'unavailable' | 'too_large' | 'damaged';
  message: string;
  at: number;
  retryAt?: number;
}

export interface FeedState {
  current?: CacheInfo;
  building?: BuildProgress;
  lastBuild?: { kind: 'full' | 'incremental'; at: number; tookMs: number; requests: number; points: number; issues: number };
  lastServe?: { at: number; bytes: number; events: number; capped: boolean };
  problem?: FeedProblem;
  /** The site's base URL, asked once per full build (links in events). */
  siteUrl?: string;
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const projects = (v: unknown): Array<{ id: string; key: string }> =>
  Array.isArray(v) ? v.filter((p): p is { id: string; key: string } => isRecord(p) && typeof p.id === 'string' && typeof p.key === 'string').map((p) => ({ id: p.id, key: p.key })) : [];

/** Tolerant: a damaged part is dropped (a missing cache means a rebuild, never a wrong answer). */
export function readState(raw: unknown): FeedState {
  if (!isRecord(raw)) return {};
  const s: FeedState = {};
  const c = raw.current;
  if (isRecord(c) && num(c.gen) && num(c.chunks) && num(c.rows) && num(c.defVersion) && num(c.builtAt) && num(c.refreshedAt) && num(c.changedAt) && num(c.version) && typeof c.fetchFrom === 'string' && typeof c.fetchTo === 'string') {
    s.current = { gen: c.gen, chunks: c.chunks, rows: c.rows, defVersion: c.defVersion, builtAt: c.builtAt, refreshedAt: c.refreshedAt, changedAt: c.changedAt, version: c.version, fetchFrom: c.fetchFrom, fetchTo: c.fetchTo, projects: projects(c.projects), secured: strs(c.secured) };
  }
  const b = raw.building;
  if (isRecord(b) && num(b.gen) && num(b.defVersion) && num(b.startedAt) && num(b.chunks) && num(b.rows) && num(b.requests) && num(b.points) && num(b.workMs) && typeof b.fetchFrom === 'string' && typeof b.fetchTo === 'string') {
    s.building = { gen: b.gen, defVersion: b.defVersion, startedAt: b.startedAt, chunks: b.chunks, rows: b.rows, requests: b.requests, points: b.points, workMs: b.workMs, fetchFrom: b.fetchFrom, fetchTo: b.fetchTo, projects: projects(b.projects), secured: strs(b.secured), ...(typeof b.nextPageToken === 'string' ? { nextPageToken: b.nextPageToken } : {}) };
  }
  const l = raw.lastBuild;
  if (isRecord(l) && (l.kind === 'full' || l.kind === 'incremental') && num(l.at) && num(l.tookMs) && num(l.requests) && num(l.points) && num(l.issues)) s.lastBuild = { kind: l.kind, at: l.at, tookMs: l.tookMs, requests: l.requests, points: l.points, issues: l.issues };
  const v = raw.lastServe;
  if (isRecord(v) && num(v.at) && num(v.bytes) && num(v.events) && typeof v.capped === 'boolean') s.lastServe = { at: v.at, bytes: v.bytes, events: v.events, capped: v.capped };
  const p = raw.problem;
  if (isRecord(p) && typeof p.code === 'string' && typeof p.message === 'string' && num(p.at)) {
    s.problem = { code: p.code as FeedProblem['code'], message: p.message, at: p.at, ...(num(p.retryAt) ? { retryAt: p.retryAt } : {}) };
  }
  if (typeof raw.siteUrl === 'string') s.siteUrl = raw.siteUrl;
  return s;
}

export interface Marks {
  dirtyAt: number;
  deleted: Array<{ id: string; at: number }>;
}

export function readMarks(raw: unknown): Marks {
  if (!isRecord(raw)) return { dirtyAt: 0, deleted: [] };
  const deleted = Array.isArray(raw.deleted) ? raw.deleted.filter((d): d is { id: string; at: number } => isRecord(d) && typeof d.id === 'string' && num(d.at)) : [];
  return { dirtyAt: num(raw.dirtyAt) ? raw.dirtyAt : 0, deleted };
}
