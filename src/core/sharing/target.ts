/**
 * Where a share is shown: a Jira issue (the issue panel) or a Confluence page (the "Microsoft 365
 * item" macro). Stored flat next to the share's other ids, told apart by `product`; records written
 * before Confluence existed have no `product` and are Jira's.
 *
 * Each target has its own check, asked of its product as the viewer: Jira's `GET issue` for an
 * issue, Confluence's `GET /wiki/api/v2/pages/{id}` ("Permission to view the page and its
 * corresponding space", Confluence REST v2 OpenAPI, Page: Get page by id) for a page.
 */
import { isRecord, own } from '../guards';

export type ShareProduct = 'jira' | 'confluence';

export interface IssueTarget {
  product: 'jira';
  issueId: string;
  projectId: string;
}

export interface PageTarget {
  product: 'confluence';
  pageId: string;
  spaceId: string;
}

export type ShareTarget = IssueTarget | PageTarget;

/** Jira issue and project ids, Confluence page and space ids: positive longs. */
export const PRODUCT_ID = /^[1-9]\d{0,17}$/;
export const PAGE_ID = PRODUCT_ID;

const id = (o: Record<string, unknown>, k: string): string | undefined => {
  const v = own(o, k);
  return typeof v === 'string' && PRODUCT_ID.test(v) ? v : undefined;
};

/**
 * A stored record's target, or undefined when it is malformed. No `product` means Jira (the records
 * the issue panel wrote before pages could hold shares). A record naming both an issue and a page is
 * damaged and skipped, never guessed at.
 */
export function readTarget(raw: unknown): ShareTarget | undefined {
  if (!isRecord(raw)) return undefined;
  const product = own(raw, 'product');
  if (product === undefined || product === 'jira') {
    const issueId = id(raw, 'issueId');
    const projectId = id(raw, 'projectId');
    if (!issueId || !projectId || own(raw, 'pageId') !== undefined || own(raw, 'spaceId') !== undefined) return undefined;
    return { product: 'jira', issueId, projectId };
  }
  if (product === 'confluence') {
    const pageId = id(raw, 'pageId');
    const spaceId = id(raw, 'spaceId');
    if (!pageId || !spaceId || own(raw, 'issueId') !== undefined || own(raw, 'projectId') !== undefined) return undefined;
    return { product: 'confluence', pageId, spaceId };
  }
  return undefined;
}

export const isIssueTarget = <T extends { product: ShareProduct }>(t: T): t is Extract<T, { product: 'jira' }> => t.product === 'jira';
export const isPageTarget = <T extends { product: ShareProduct }>(t: T): t is Extract<T, { product: 'confluence' }> => t.product === 'confluence';

/** The target's own fields, e.g. to copy onto a new record. */
export const targetOf = (s: ShareTarget): ShareTarget => (s.product === 'jira' ? { product: 'jira', issueId: s.issueId, projectId: s.projectId } : { product: 'confluence', pageId: s.pageId, spaceId: s.spaceId });

/** Whether a share is at this place (the same issue, or the same page). */
export const samePlace = (s: ShareTarget, t: ShareTarget): boolean => (s.product === 'jira' ? t.product === 'jira' && s.issueId === t.issueId : t.product === 'confluence' && s.pageId === t.pageId);

/** One string per place, for grouping and counting ("on 3 issues and 1 page"). */
export const placeKey = (s: ShareTarget): string => (s.product === 'jira' ? `jira:issue:${s.issueId}` : `confluence:page:${s.pageId}`);

/** At most this many shares per page (as per issue): enough for a page of items, bounded for the by-page query. */
export const MAX_SHARES_PER_PAGE = 20;
