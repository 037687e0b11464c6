/**
 * The JQL a feed runs: the owner's query, limited to the feed's project and to a date window, so it
 * is always bounded (Jira's /search/jql refuses unbounded JQL). Incremental refreshes add
 * `updated >= -Nm`, relative so that Jira's clock and time zone decide, not ours.
 */
import type { DateSpec, FeedDefinition } from './model';
import { jqlFieldName } from './model';

/** A JQL string literal: quotes and backslashes escaped. */
export const jqlString = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * Issues with an event in [from, to] (`YYYY-MM-DD`, inclusive): a single date inside it, or a
 * start/end pair that overlaps it (either end may be empty; comparisons with an empty field are false).
 */
export function windowClause(dates: DateSpec, from: string, to: string): string {
  const a = jqlString(from);
  const b = jqlString(to);
  if (dates.kind === 'single') {
    const f = jqlFieldName(dates.field.id);
    return `${f} >= ${a} AND ${f} <= ${b}`;
  }
  const s = jqlFieldName(dates.start.id);
  const e = jqlFieldName(dates.end.id);
  return `((${s} <= ${b} AND ${e} >= ${a}) OR (${s} >= ${a} AND ${s} <= ${b}) OR (${e} >= ${a} AND ${e} <= ${b}))`;
}

/** The feed's own JQL inside a window: what a build fetches and what a subscriber's text fetch repeats. */
export function feedJql(def: Pick<FeedDefinition, 'projectKey' | 'jql' | 'dates'>, from: string, to: string): string {
  const parts: string[] = [];
  if (def.projectKey) parts.push(`project = ${jqlString(def.projectKey)}`);
  if (def.jql.trim()) parts.push(`(${def.jql.trim()})`);
  parts.push(`(${windowClause(def.dates, from, to)})`);
  return parts.join(' AND ');
}

/** Issues of the feed changed in the last `minutes` minutes. */
export const changedJql = (feed: string, minutes: number): string => `${feed} AND updated >= "-${minutes}m"`;

/**
 * Issues of the feed's projects changed in the last `minutes` minutes that the feed no longer holds
 * (status moved out of the JQL, date moved out of the window): their cached rows are dropped.
 */
export const leftJql = (feed: string, projectKeys: string[], minutes: number): string =>
  `project in (${projectKeys.map(jqlString).join(', ')}) AND updated >= "-${minutes}m" AND NOT (${feed})`;

/** The fields a build asks for: dates, what the access rule filters on, and versions — no text. */
export function buildFields(def: Pick<FeedDefinition, 'dates' | 'access'>): string[] {
  const out = new Set<string>(['updated', 'project', 'security']);
  if (def.dates.kind === 'single') out.add(def.dates.field.id);
  else {
    out.add(def.dates.start.id);
    out.add(def.dates.end.id);
  }
  if (def.access.kind === 'userField') out.add(def.access.field);
  return [...out];
}
