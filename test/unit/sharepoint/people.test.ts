import { describe, expect, it } from 'vitest';
import { createFormatContext, formatCell } from '../../../src/core/sharepoint/cells';
import type { ColumnRef } from '../../../src/core/sharepoint/columns';
import {
  PEOPLE_BATCH_MAX,
  peopleBatches,
  personResolver,
  planPeopleLookup,
  readPeopleBatch,
  UNKNOWN_PERSON,
  unresolvedPersonIds,
  type PersonLookup,
} from '../../../src/core/sharepoint/people';
import { batchBody } from '../../../src/core/sharepoint/requests';
import { rowFromListItem } from '../../../src/core/sharepoint/rows';

const SITE = 'contoso.sharepoint.com,8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a,e4d3c2b1-a0f9-4e8d-8c7b-6a5f4e3d2c1b';
const owner: ColumnRef = { name: 'Owner', displayName: 'Owner', type: 'person' };
const helpers: ColumnRef = { name: 'Helpers', displayName: 'Helpers', type: 'person', format: { multi: true } };
const title: ColumnRef = { name: 'Title', displayName: 'Title', type: 'title' };

const rowView = (fields: Record<string, unknown>, known: ReadonlyMap<string, PersonLookup> = new Map()) => {
  const ctx = createFormatContext({ locale: 'en-US', timeZone: 'UTC', resolvePerson: personResolver(known) });
  const row = rowFromListItem({ id: '1', fields })!;
  return { cells: [title, owner, helpers].map((c) => formatCell(c, row, ctx)) };
};
const userInfo = (name: string, email?: string) => ({ status: 200, headers: {}, body: { id: '1', fields: { Title: name, ...(email ? { EMail: email } : {}) } } });

describe('which people a page still needs', () => {
  it('collects the distinct ids of single- and multi-person cells, in order, once each', () => {
    const rows = [
      rowView({ Title: 'A', OwnerLookupId: '7' }),
      rowView({ Title: 'B', OwnerLookupId: '8', Helpers: [{ LookupId: 7 }, { LookupId: 12, LookupValue: 'Named Already' }] }),
      rowView({ Title: 'C', OwnerLookupId: '7' }),
    ];
    expect(unresolvedPersonIds(rows)).toEqual(['7', '8']);
  });

  it('ids already known (named or unknown) are not collected again', () => {
    const known = new Map<string, PersonLookup>([['7', { name: 'Bob Brown' }], ['8', 'unknown']]);
    expect(unresolvedPersonIds([rowView({ OwnerLookupId: '7' }, known), rowView({ OwnerLookupId: '8' }, known)])).toEqual([]);
  });

  it('asks only for ids neither known nor already asked for; ids no item can have are unknown without a request', () => {
    const known = new Map<string, PersonLookup>([['7', { name: 'Bob Brown' }]]);
    expect(planPeopleLookup(['7', '8', '9', '8', 'x/../../me', '0', '-1'], known, new Set(['9']))).toEqual({
      request: ['8'],
      unknown: ['x/../../me', '0', '-1'],
    });
  });
});

describe('one $batch per page, at most 20 parts each', () => {
  it('a page of 45 people is three batches (20, 20, 5) of User Information List reads named by the id', () => {
    const ids = Array.from({ length: 45 }, (_, i) => String(i + 1));
    const batches = peopleBatches(SITE, ids);
    expect(batches.map((b) => Object.keys(b).length)).toEqual([PEOPLE_BATCH_MAX, PEOPLE_BATCH_MAX, 5]);
    expect(batches.flatMap((b) => Object.keys(b))).toEqual(ids);
    // The core's own batch builder accepts each (it refuses a 21st part).
    for (const b of batches) expect(() => batchBody(b)).not.toThrow();
    expect(batches[0]?.['3']).toEqual({
      method: 'GET',
      path: `/sites/${SITE}/lists/User%20Information%20List/items/3?$expand=fields($select=Title,EMail)`,
    });
  });

  it('a page with no unknown people sends nothing', () => {
    expect(peopleBatches(SITE, [])).toEqual([]);
  });
});

describe('what the answers mean', () => {
  it('a readable item names the person; 404, 403, a missing part or a nameless item are unknown', () => {
    const found = readPeopleBatch(['7', '8', '9', '10', '11'], {
      '7': userInfo('Bob Brown', 'bob@contoso.com'),
      '8': { status: 404, headers: {}, body: { error: { code: 'itemNotFound' } } },
      '9': { status: 403, headers: {}, body: { error: { code: 'accessDenied' } } },
      '11': userInfo('  '),
    });
    expect(Object.fromEntries(found)).toEqual({
      '7': { name: 'Bob Brown', email: 'bob@contoso.com' },
      '8': 'unknown',
      '9': 'unknown',
      '10': 'unknown',
      '11': 'unknown',
    });
  });

  it('a failed batch (no parts at all) leaves every id unknown rather than waiting', () => {
    expect([...readPeopleBatch(['7', '8'], undefined).values()]).toEqual(['unknown', 'unknown']);
  });

  it('cells show the names, and a neutral label, never the id, for people SharePoint would not name', () => {
    const known = new Map<string, PersonLookup>([['7', { name: 'Bob Brown', email: 'bob@contoso.com' }], ['8', 'unknown']]);
    const [, one, many] = rowView({ OwnerLookupId: '8', Helpers: [{ LookupId: 7 }, { LookupId: 8 }] }, known).cells;
    expect(one).toEqual({ kind: 'person', text: UNKNOWN_PERSON, people: [{ name: UNKNOWN_PERSON }] });
    expect(many?.text).toBe(`Bob Brown; ${UNKNOWN_PERSON}`);
    expect(`${one?.text} ${many?.text}`).not.toMatch(/\d/);
  });

  it('before the answer, the cell has no text and still carries the id for the lookup', () => {
    const [, one] = rowView({ OwnerLookupId: '7' }).cells;
    expect(one).toEqual({ kind: 'person', text: '', people: [], unresolvedIds: ['7'] });
  });
});
