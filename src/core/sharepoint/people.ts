import { isRecord, nonEmptyString as str } from '../guards';
import type { Cell } from './cells';
import type { GraphRequest } from './odata';
import type { BatchResult } from './requests';
import { userInfoRequest } from './requests';
import type { PersonRef } from './rows';
import { stripControls } from './html-text';

/**
 * People known only by id. Graph answers a single-person column as `<Column>LookupId` alone: the id of
 * the person's item in the site's hidden User Information List (fieldValueSet: "the server returns a
 * 'LookupId' field … referencing the listItem targeted in the lookup"; learn.microsoft.com/graph/api/
 * resources/fieldvalueset). The UI reads those items, one `$batch` of at most 20 per page of rows
 * (learn.microsoft.com/graph/json-batching: "JSON batch requests are currently limited to 20 individual
 * requests"), after the rows have painted; this file decides which ids to ask for and what the answers mean.
 */

/** What a person's cell says when SharePoint would not tell this viewer who it is. Never the raw id. */
export const UNKNOWN_PERSON = 'Unknown person';
export const PEOPLE_BATCH_MAX = 20;

/** What the frame knows about one id: the person, or that the lookup failed or was refused. */
export type PersonLookup = PersonRef | 'unknown';
export type PeopleCache = ReadonlyMap<string, PersonLookup>;

// A User Information List item id: a positive integer, so it can go into a URL segment as is.
const LOOKUP_ID = /^[1-9]\d{0,9}$/;

/** The distinct ids the shown cells could not name yet, in the order they appear. */
export function unresolvedPersonIds(rows: ReadonlyArray<{ cells: readonly Cell[] }>): string[] {
  const out = new Set<string>();
  for (const r of rows) {
    for (const c of r.cells) {
      if (c.kind === 'person') for (const id of c.unresolvedIds ?? []) out.add(id);
    }
  }
  return [...out];
}

/**
 * Which of `ids` to look up now: not yet known, not already asked for. Ids that cannot be an item id
 * are `unknown` straight away (no request could name them).
 */
export function planPeopleLookup(ids: readonly string[], known: PeopleCache, inFlight: ReadonlySet<string>): { request: string[]; unknown: string[] } {
  const request: string[] = [];
  const unknown: string[] = [];
  for (const id of new Set(ids)) {
    if (known.has(id) || inFlight.has(id)) continue;
    if (LOOKUP_ID.test(id)) request.push(id);
    else unknown.push(id);
  }
  return { request, unknown };
}

/** The `$batch` bodies for `ids`: parts named by the id, at most 20 to a batch. */
export function peopleBatches(siteId: string, ids: readonly string[]): Array<Record<string, GraphRequest>> {
  const out: Array<Record<string, GraphRequest>> = [];
  for (let i = 0; i < ids.length; i += PEOPLE_BATCH_MAX) {
    out.push(Object.fromEntries(ids.slice(i, i + PEOPLE_BATCH_MAX).map((id) => [id, userInfoRequest(siteId, id)])));
  }
  return out;
}

/** One User Information List item → the person (`Title` is the name, `EMail` the address). */
export function readUserInfo(body: unknown): PersonRef | undefined {
  const fields = isRecord(body) && isRecord(body['fields']) ? body['fields'] : undefined;
  const name = fields ? str(fields['Title']) : undefined;
  if (name === undefined || stripControls(name).trim() === '') return undefined;
  const p: PersonRef = { name: stripControls(name).trim() };
  const email = fields ? str(fields['EMail']) : undefined;
  if (email !== undefined) p.email = email;
  return p;
}

/**
 * The answers of one batch for `ids`. Anything but a readable 200 — 404 (trimmed: the viewer may not read
 * the list, or the person is gone), 403, a missing part, or no batch at all (`parts` undefined) — is
 * `unknown`, so a cell never waits forever and never shows the id.
 */
export function readPeopleBatch(ids: readonly string[], parts: Readonly<Record<string, BatchResult | undefined>> | undefined): Map<string, PersonLookup> {
  const out = new Map<string, PersonLookup>();
  for (const id of ids) {
    const part = parts?.[id];
    const person = part !== undefined && part.status >= 200 && part.status < 300 ? readUserInfo(part.body) : undefined;
    out.set(id, person ?? 'unknown');
  }
  return out;
}

/** The `resolvePerson` a format context takes: known people by name, failed ones as {@link UNKNOWN_PERSON}. */
export function personResolver(known: PeopleCache): (lookupId: string) => PersonRef | undefined {
  return (id) => {
    const p = known.get(id);
    if (p === undefined) return undefined;
    return p === 'unknown' ? { name: UNKNOWN_PERSON } : p;
  };
}
