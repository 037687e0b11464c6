/**
 * Keeping shares under control: a person's own list of what they shared ("My shares": change the
 * audience or the end date, remove one or all, see who opened each), handing shares over to a
 * colleague, a project admin's narrowing of the site's sharing rules, and the scheduled run that
 * deletes ended shares and old opens.
 *
 * Same security model as the issue panel (./service.ts): the caller is the invocation's accountId;
 * a share id from a payload is only ever acted on when the stored share is the caller's own (another
 * person's share answers exactly like one that does not exist); places are described as far as the
 * caller may view them, asked of the product as the caller; names are read at display time.
 */
import { fail, failWith, ok, type Result } from '../result';
import type { AppSettings } from '../settings/model';
import { SHARE_SCOPES } from '../settings/model';
import { decide } from './policy';
import { isMailKind, linkOf, type LinkRecord, type ShareKind, type ShareRecord, type ShareScope } from './model';
import { placeKey, type ShareTarget } from './target';
import { parseProjectKinds, policiesFor, policyFor, scopeNow, type KindPolicy, type ProjectKindRule, type ProjectSharingPolicy, type SharingKindName } from './kind-policy';
import { endDate, endDateForScope, hasEnded } from './lifecycle';
import { openCutoff, openOf, OPENS_READ_MAX, summarise, type OpenRecord, type OpensSummary } from './opens';
import { handOverItem, NOT_TRANSFERABLE_WORDS, OFFER_MAX_SHARES, offerCutoff, offerLapsed, offerShareIds, type ItemToHandOver, type NewOwnerView, type NotTransferable, type OfferRecord, type SharerItem } from './handover';
import { isOtherShare, mayReadKind, type MailShare, type OtherShareRecord } from './items';
import type { ConnectionInfo } from './ports';

export interface OwnShareStore {
  bySharer(accountId: string): Promise<ShareRecord[]>;
  get(shareId: string): Promise<ShareRecord | undefined>;
  put(share: ShareRecord): Promise<void>;
  delete(shareId: string): Promise<void>;
  /** Shares whose end date is before `iso` (one page; the run repeats). */
  endedBefore(iso: string, limit: number): Promise<ShareRecord[]>;
}

export interface OpenStore {
  /** One storage request for all of a view's opens. */
  putMany(opens: readonly OpenRecord[]): Promise<void>;
  byShare(shareId: string, limit: number): Promise<{ opens: OpenRecord[]; more: boolean }>;
  byViewer(accountId: string): Promise<OpenRecord[]>;
  olderThan(iso: string, limit: number): Promise<OpenRecord[]>;
  delete(openId: string): Promise<void>;
}

export interface OfferStore {
  put(o: OfferRecord): Promise<void>;
  get(offerId: string): Promise<OfferRecord | undefined>;
  byTo(accountId: string): Promise<OfferRecord[]>;
  byFrom(accountId: string): Promise<OfferRecord[]>;
  olderThan(iso: string, limit: number): Promise<OfferRecord[]>;
  delete(offerId: string): Promise<void>;
}

export interface ProjectPolicyStore {
  get(projectId: string): Promise<ProjectSharingPolicy | undefined>;
  put(p: ProjectSharingPolicy): Promise<void>;
}

/** The products, asked as the caller (except `refreshMirror`, as the app). */
export interface PlacesPort {
  /** Label and address of each place the caller may still view (an issue key, a page), by `placeKey`. */
  describe(accountId: string, targets: readonly ShareTarget[]): Promise<Map<string, { label: string; url: string }>>;
  canView(accountId: string, target: ShareTarget): Promise<boolean>;
  names(accountId: string, accountIds: readonly string[]): Promise<Map<string, string>>;
  /** People the caller may look up, by the start of a name or e-mail (Atlassian's user search). */
  searchPeople(accountId: string, query: string): Promise<Array<{ accountId: string; name: string }>>;
  /** ADMINISTER_PROJECTS on the project (or Jira admin), for the caller. */
  isProjectAdmin(accountId: string, projectId: string): Promise<boolean>;
  /** Re-writes the issues' JQL mirrors from the store (best effort). */
  refreshMirror(issueIds: readonly string[]): Promise<void>;
}

export interface HandoverMailbox {
  connection(accountId: string): Promise<ConnectionInfo | undefined>;
  /** Message-IDs found in the account's own mailbox, read with its token: their ids there. */
  find(accountId: string, internetMessageIds: readonly string[]): Promise<Result<Map<string, { messageId: string; conversationId: string }>>>;
}

/** What one offered event or calendar is asked of the sharer's Microsoft 365 at accept time. */
export type SharerWant = { key: string; kind: 'event'; eventId: string } | { key: string; kind: 'calendar'; calendarId: string };

/** Hand-over's calendar, event and chat lookups (Graph, in ../../adapters/graph/handover-items.ts). */
export interface HandoverItemsPort {
  /**
   * As the sharer: each event's iCalUId, each calendar's name and owner, by `key` (`{ unavailable: 'gone' }`
   * for one that no longer exists, `'sharer'` for one their token may not read). Kept for one decision, never stored.
   */
  sharerItems(accountId: string, wants: readonly SharerWant[]): Promise<Result<Map<string, SharerItem>>>;
  /** As the new owner: the chats that answer them, their events with these iCalUIds, their calendars (when asked). */
  newOwnerView(accountId: string, want: { chatIds: readonly string[]; iCalUIds: readonly string[]; calendars: boolean }): Promise<Result<NewOwnerView>>;
}

export interface MySharesDeps {
  shares: OwnShareStore;
  links: { put(l: LinkRecord): Promise<void>; delete(linkId: string): Promise<void> };
  opens: OpenStore;
  offers: OfferStore;
  projects: ProjectPolicyStore;
  places: PlacesPort;
  mail: HandoverMailbox;
  items: HandoverItemsPort;
  settings: { current(): Promise<AppSettings> };
  randomToken(bytes: number): string;
  now?: () => Date;
}

export interface MyShareView {
  shareId: string;
  kind: ShareKind;
  scope: ShareScope;
  /** The scope in force now (narrower when the admin or the project stopped allowing the chosen one). */
  effectiveScope: ShareScope;
  sharedAt: string;
  expiresAt?: string;
  ended: boolean;
  /** Where it is shown; `label`/`url` only when the caller may still view the place. */
  place: { product: 'jira' | 'confluence'; id: string; label?: string; url?: string };
  /** The audiences the caller may pick for it now. */
  allowedScopes: ShareScope[];
  canChangeScope: boolean;
  publicMaxDays?: number;
  /** A pending hand-over that includes it. */
  offeredTo?: { offerId: string; accountId: string; name: string };
}

export interface OfferView {
  offerId: string;
  from: { accountId: string; name: string };
  to: { accountId: string; name: string };
  createdAt: string;
  items: Array<{ shareId: string; kind: ShareKind; place: MyShareView['place'] }>;
}

export interface MySharesView {
  items: MyShareView[];
  offersToMe: OfferView[];
  offersByMe: OfferView[];
}

export interface HandoverOutcome {
  transferred: Array<{ shareId: string; kind: ShareKind; place: MyShareView['place'] }>;
  notTransferable: Array<{ shareId: string; kind: ShareKind; place: MyShareView['place']; why: NotTransferable; message: string }>;
}

const targetOf = (s: ShareRecord): ShareTarget => (s.product === 'jira' ? { product: 'jira', issueId: s.issueId, projectId: s.projectId } : { product: 'confluence', pageId: s.pageId, spaceId: s.spaceId });
const placeId = (s: ShareRecord): string => (s.product === 'jira' ? s.issueId : s.pageId);
const issueIdsOf = (list: readonly ShareRecord[]): string[] => [...new Set(list.flatMap((s) => (s.product === 'jira' ? [s.issueId] : [])))];

/** The rules in force, one project policy read per project. */
function policyCache(d: MySharesDeps, settings: AppSettings) {
  const projects = new Map<string, Promise<ProjectSharingPolicy | undefined>>();
  return async (s: { kind: ShareKind } & ShareTarget): Promise<KindPolicy> => {
    const pid = s.product === 'jira' ? s.projectId : undefined;
    let p: Promise<ProjectSharingPolicy | undefined> | undefined;
    if (pid !== undefined) {
      p = projects.get(pid);
      if (!p) projects.set(pid, (p = d.projects.get(pid)));
    }
    return policyFor(settings, p ? await p : undefined, s.kind);
  };
}

export function mySharesService(d: MySharesDeps) {
  const now = d.now ?? (() => new Date());

  /** The caller's own share, or NOT_FOUND exactly as for one that does not exist. */
  async function own(accountId: string, shareId: string): Promise<Result<ShareRecord>> {
    const s = await d.shares.get(shareId);
    return s?.sharerAccountId === accountId ? ok(s) : failWith('NOT_FOUND', 'share_not_found');
  }

  async function forget(s: ShareRecord): Promise<void> {
    await d.shares.delete(s.shareId);
    await d.links.delete(s.shareId);
    const { opens } = await d.opens.byShare(s.shareId, 1000);
    await Promise.all(opens.map((o) => d.opens.delete(o.openId)));
  }

  function offerViews(offers: readonly OfferRecord[], places: Map<string, { label: string; url: string }>, names: Map<string, string>, byId: Map<string, ShareRecord>): OfferView[] {
    return offers.map((o) => ({
      offerId: o.offerId,
      from: { accountId: o.fromAccountId, name: names.get(o.fromAccountId) ?? 'a former user' },
      to: { accountId: o.toAccountId, name: names.get(o.toAccountId) ?? 'a former user' },
      createdAt: o.createdAt,
      items: offerShareIds(o).flatMap((id) => {
        const s = byId.get(id);
        return s?.sharerAccountId === o.fromAccountId ? [{ shareId: id, kind: s.kind, place: placeView(s, places) }] : [];
      }),
    }));
  }

  const placeView = (s: ShareRecord, places: Map<string, { label: string; url: string }>): MyShareView['place'] => {
    const p = places.get(placeKey(targetOf(s)));
    return { product: s.product, id: placeId(s), ...(p ? { label: p.label, url: p.url } : {}) };
  };

  async function list(accountId: string): Promise<Result<MySharesView>> {
    const at = now();
    const [mine, settings, toMe, byMe] = await Promise.all([d.shares.bySharer(accountId), d.settings.current(), d.offers.byTo(accountId), d.offers.byFrom(accountId)]);
    const liveTo = toMe.filter((o) => !offerLapsed(o, at) && o.toAccountId === accountId);
    const liveBy = byMe.filter((o) => !offerLapsed(o, at) && o.fromAccountId === accountId);
    // The offered shares of others are read by id, and shown only while they are still the offerer's.
    const others = (await Promise.all(liveTo.flatMap((o) => offerShareIds(o)).slice(0, OFFER_MAX_SHARES).map((id) => d.shares.get(id)))).filter((s): s is ShareRecord => s !== undefined);
    const byId = new Map([...mine, ...others].map((s) => [s.shareId, s]));
    const pol = policyCache(d, settings);
    const people = [...new Set([...liveTo.map((o) => o.fromAccountId), ...liveBy.map((o) => o.toAccountId)])];
    const [places, names, policies] = await Promise.all([
      d.places.describe(accountId, dedupeTargets([...mine, ...others])),
      people.length ? d.places.names(accountId, people) : Promise.resolve(new Map<string, string>()),
      Promise.all(mine.map((s) => pol(s))),
    ]);
    const offered = new Map<string, OfferRecord>();
    for (const o of liveBy) for (const id of offerShareIds(o)) offered.set(id, o);
    const items = mine.map((s, i): MyShareView => {
      const p = policies[i] as KindPolicy;
      const o = offered.get(s.shareId);
      return {
        shareId: s.shareId,
        kind: s.kind,
        scope: s.scope,
        effectiveScope: scopeNow(s.scope, p.allowedScopes),
        sharedAt: s.createdAt,
        ...(s.expiresAt !== undefined ? { expiresAt: s.expiresAt } : {}),
        ended: hasEnded(s, at),
        place: placeView(s, places),
        allowedScopes: p.on ? p.allowedScopes : [],
        canChangeScope: p.on && !hasEnded(s, at),
        ...(p.publicMaxDays !== undefined ? { publicMaxDays: p.publicMaxDays } : {}),
        ...(o ? { offeredTo: { offerId: o.offerId, accountId: o.toAccountId, name: names.get(o.toAccountId) ?? 'a former user' } } : {}),
      };
    });
    items.sort((a, b) => (a.sharedAt < b.sharedAt ? 1 : a.sharedAt > b.sharedAt ? -1 : 0));
    return ok({ items, offersToMe: offerViews(liveTo, places, names, byId), offersByMe: offerViews(liveBy, places, names, byId) });
  }

  /** A new audience for one of the caller's shares, checked against the rules in force for its kind and place. */
  async function setScope(accountId: string, input: { shareId: string; scope: ShareScope }): Promise<Result<{ scope: ShareScope; expiresAt?: string }>> {
    const s = await own(accountId, input.shareId);
    if (!s.ok) return s;
    const share = s.value;
    const at = now();
    if (hasEnded(share, at)) return failWith('BAD_REQUEST', 'share_ended');
    const [settings, view] = await Promise.all([d.settings.current(), d.places.canView(accountId, targetOf(share))]);
    const p = await policyCache(d, settings)(share);
    const o = decide({ action: 'changeScope', loggedIn: true, mayViewIssue: view, featureOn: p.on, isSharer: true, isProjectAdmin: false, scope: scopeNow(share.scope, p.allowedScopes), targetAllowed: p.allowedScopes.includes(input.scope) });
    if (!o.allow) return failWith(o.code, o.reason);
    const expiresAt = endDateForScope(share.expiresAt, input.scope, p, at);
    const next = { ...share, scope: input.scope };
    if (expiresAt !== undefined) next.expiresAt = expiresAt;
    await d.shares.put(next);
    if (share.product === 'jira') await d.places.refreshMirror([share.issueId]);
    return ok({ scope: input.scope, ...(expiresAt !== undefined ? { expiresAt } : {}) });
  }

  /** A new end date (or none: `null`) for one of the caller's shares. */
  async function setExpiry(accountId: string, input: { shareId: string; expiresAt: string | null }): Promise<Result<{ expiresAt?: string }>> {
    const s = await own(accountId, input.shareId);
    if (!s.ok) return s;
    const share = s.value;
    const at = now();
    if (hasEnded(share, at)) return failWith('BAD_REQUEST', 'share_ended');
    const settings = await d.settings.current();
    const p = await policyCache(d, settings)(share);
    const e = endDate(input.expiresAt, scopeNow(share.scope, p.allowedScopes), p, at);
    if (!e.ok) return e;
    const next = { ...share };
    delete next.expiresAt;
    if (e.value !== undefined) next.expiresAt = e.value;
    await d.shares.put(next);
    return ok(e.value !== undefined ? { expiresAt: e.value } : {});
  }

  async function remove(accountId: string, shareId: string): Promise<Result<{ removed: number }>> {
    const s = await own(accountId, shareId);
    if (!s.ok) return s;
    await forget(s.value);
    await d.places.refreshMirror(issueIdsOf([s.value]));
    return ok({ removed: 1 });
  }

  /** Every share of the caller, wherever it is (they may remove them even where they can no longer look). */
  async function removeAll(accountId: string): Promise<Result<{ removed: number }>> {
    const mine = await d.shares.bySharer(accountId);
    for (const s of mine) if (s.sharerAccountId === accountId) await forget(s);
    for (const o of await d.offers.byFrom(accountId)) if (o.fromAccountId === accountId) await d.offers.delete(o.offerId);
    await d.places.refreshMirror(issueIdsOf(mine));
    return ok({ removed: mine.length });
  }

  /** Who opened one of the caller's shares in the last 90 days: counts, names read now. */
  async function opens(accountId: string, shareId: string): Promise<Result<Omit<OpensSummary, 'people'> & { people: Array<{ accountId: string; name: string; count: number; lastAt: string }> }>> {
    const s = await own(accountId, shareId);
    if (!s.ok) return s;
    const { opens: list, more } = await d.opens.byShare(shareId, OPENS_READ_MAX);
    const sum = summarise(list.filter((o) => o.shareId === shareId), now(), more);
    const names = sum.people.length ? await d.places.names(accountId, sum.people.map((p) => p.accountId)) : new Map<string, string>();
    return ok({ ...sum, people: sum.people.map((p) => ({ ...p, name: names.get(p.accountId) ?? 'a former user' })) });
  }

  /** Records who opened which shown item (best effort: a failed write never fails the view). */
  async function recordOpens(viewerAccountId: string | undefined, shown: ReadonlyArray<{ shareId: string; sharerAccountId: string }>): Promise<void> {
    const at = now();
    const records = shown.map((s) => openOf(s, viewerAccountId, at, () => d.randomToken(9))).filter((o): o is OpenRecord => o !== undefined);
    if (records.length) await d.opens.putMany(records).catch(() => undefined);
  }

  async function searchPeople(accountId: string, query: string): Promise<Result<Array<{ accountId: string; name: string }>>> {
    const q = query.trim();
    if (q.length < 2) return ok([]);
    return ok((await d.places.searchPeople(accountId, q)).filter((p) => p.accountId !== accountId).slice(0, 10));
  }

  /** Offers some of the caller's shares to a colleague, who must accept. */
  async function offer(accountId: string, input: { toAccountId: string; shareIds: readonly string[] }): Promise<Result<{ offerId: string }>> {
    if (input.toAccountId === accountId) return failWith('BAD_REQUEST', 'handover_to_self');
    const ids = [...new Set(input.shareIds)];
    if (ids.length === 0 || ids.length > OFFER_MAX_SHARES) return failWith('BAD_REQUEST', 'bad_payload');
    const at = now();
    const shares = await Promise.all(ids.map((id) => d.shares.get(id)));
    if (shares.some((s) => s?.sharerAccountId !== accountId)) return failWith('NOT_FOUND', 'share_not_found');
    if (shares.some((s) => s && hasEnded(s, at))) return failWith('BAD_REQUEST', 'share_ended');
    const names = await d.places.names(accountId, [input.toAccountId]);
    if (!names.has(input.toAccountId) || names.get(input.toAccountId) === 'Former user') return failWith('NOT_FOUND', 'person_not_found');
    const record: OfferRecord = { offerId: d.randomToken(16), fromAccountId: accountId, toAccountId: input.toAccountId, shareIds: ids.join(' '), createdAt: at.toISOString() };
    await d.offers.put(record);
    return ok({ offerId: record.offerId });
  }

  /** The recipient refuses, or the offerer withdraws; anyone else is told it does not exist. */
  async function refuse(accountId: string, offerId: string): Promise<Result<{ refused: true }>> {
    const o = await d.offers.get(offerId);
    if (!o || (o.toAccountId !== accountId && o.fromAccountId !== accountId)) return failWith('NOT_FOUND', 'offer_not_found');
    await d.offers.delete(o.offerId);
    return ok({ refused: true });
  }

  /**
   * The recipient accepts: each offered share that is still the offerer's, on a place the recipient
   * may view, of a kind that is on there, and that the recipient can read in their own Microsoft 365
   * (./handover.ts: a mail in their mailbox, a chat they are in, a meeting in their calendar, a calendar
   * shared with them) becomes theirs — read from then on with their token, under their ids. The rest
   * stay with the offerer. Everything is looked up before anything changes: a lookup that fails (Microsoft
   * busy) fails the whole accept and the offer stays open.
   */
  async function accept(accountId: string, offerId: string): Promise<Result<HandoverOutcome>> {
    const o = await d.offers.get(offerId);
    const at = now();
    if (o?.toAccountId !== accountId || offerLapsed(o, at)) return failWith('NOT_FOUND', 'offer_not_found');
    const conn = await d.mail.connection(accountId);
    if (!conn) return failWith('MS_SIGN_IN_REQUIRED', 'not_connected');
    const settings = await d.settings.current();
    const pol = policyCache(d, settings);
    const shares = (await Promise.all(offerShareIds(o).map((id) => d.shares.get(id)))).filter((s): s is ShareRecord => s !== undefined);
    const places = await d.places.describe(accountId, dedupeTargets(shares));
    const out: HandoverOutcome = { transferred: [], notTransferable: [] };
    const refuseItem = (s: ShareRecord, why: NotTransferable) => out.notTransferable.push({ shareId: s.shareId, kind: s.kind, place: placeView(s, places), why, message: NOT_TRANSFERABLE_WORDS[why] });
    const mails: MailShare[] = [];
    const others: OtherShareRecord[] = [];
    for (const s of shares) {
      if (s.sharerAccountId !== o.fromAccountId) refuseItem(s, 'no_longer_theirs');
      else if (hasEnded(s, at)) refuseItem(s, 'ended');
      else if (!places.has(placeKey(targetOf(s)))) refuseItem(s, 'cannot_view_place');
      else if (!(await pol(s)).on) refuseItem(s, 'feature_off');
      else if (isOtherShare(s)) others.push(s);
      else mails.push(s);
    }
    // The new owner's permissions first: without them nothing could be looked up, and the offer stays open.
    if (mails.length > 0 && !conn.scopes.some((x) => /^(mail\.read|mail\.readwrite)$/i.test(x.split('/').pop() ?? ''))) return failWith('MS_SIGN_IN_REQUIRED', 'mail_permission_missing');
    if (others.some((s) => s.kind !== 'chat') && !mayReadKind('calendar', conn.scopes)) return failWith('MS_SIGN_IN_REQUIRED', 'handover_calendar_permission_missing');
    if (others.some((s) => s.kind === 'chat') && !mayReadKind('chat', conn.scopes)) return failWith('MS_SIGN_IN_REQUIRED', 'handover_chat_permission_missing');

    const found = mails.length > 0 ? await d.mail.find(accountId, mails.map((s) => s.internetMessageId)) : ok(new Map<string, { messageId: string; conversationId: string }>());
    if (!found.ok) return found;
    const decided = await decideOthers(accountId, o.fromAccountId, others);
    if (!decided.ok) return decided;

    const moved: ShareRecord[] = [];
    const mine = { sharerAccountId: accountId, msUserId: conn.oid, msTenantId: conn.tid };
    for (const s of mails) {
      const f = found.value.get(s.internetMessageId);
      if (!f) refuseItem(s, 'not_in_your_mailbox');
      else moved.push({ ...s, ...mine, messageId: f.messageId, conversationId: f.conversationId });
    }
    for (const s of others) {
      const r = decided.value.get(s.shareId) ?? { why: 'sharer_unavailable' as const };
      if ('why' in r) refuseItem(s, r.why);
      else moved.push({ ...s, ...mine, ...(r.move.kind === 'chat' ? { chatId: r.move.chatId } : r.move.kind === 'event' ? { eventId: r.move.eventId } : { calendarId: r.move.calendarId }) });
    }
    for (const next of moved) {
      await d.shares.put(next);
      // The previous owner's view history is theirs: it does not move with the item.
      const { opens: old } = await d.opens.byShare(next.shareId, 1000);
      await Promise.all(old.map((x) => d.opens.delete(x.openId)));
      if (next.product === 'jira' && isMailKind(next.kind) && settings.features.linkStore) {
        const key = places.get(placeKey(targetOf(next)))?.label;
        await d.links.delete(next.shareId);
        if (key !== undefined) await d.links.put(linkOf(next as Parameters<typeof linkOf>[0], key));
      }
      out.transferred.push({ shareId: next.shareId, kind: next.kind, place: placeView(next, places) });
    }
    await d.offers.delete(o.offerId);
    await d.places.refreshMirror(issueIdsOf(shares));
    return ok(out);
  }

  /**
   * Calendars, events and chats: what the sharer's Microsoft 365 says of each (events and calendars only,
   * read as the sharer with the account each was shared from) and what the new owner's answers, then the
   * pure per-item decision (./handover.ts `handOverItem`).
   */
  async function decideOthers(accountId: string, fromAccountId: string, others: readonly OtherShareRecord[]): Promise<Result<Map<string, ReturnType<typeof handOverItem>>>> {
    const outcome = new Map<string, ReturnType<typeof handOverItem>>();
    if (others.length === 0) return ok(outcome);
    const sharerFacts = new Map<string, SharerItem>();
    const fromSharer = others.filter((s): s is Exclude<OtherShareRecord, { kind: 'chat' }> => s.kind !== 'chat');
    if (fromSharer.length > 0) {
      const from = await d.mail.connection(fromAccountId);
      const same = (s: ShareRecord) => from?.oid.toLowerCase() === s.msUserId.toLowerCase() && from.tid.toLowerCase() === s.msTenantId.toLowerCase() && mayReadKind('calendar', from.scopes);
      const wants = fromSharer.filter(same).map((s): SharerWant => (s.kind === 'event' ? { key: s.shareId, kind: 'event', eventId: s.eventId } : { key: s.shareId, kind: 'calendar', calendarId: s.calendarId }));
      if (wants.length > 0) {
        const r = await d.items.sharerItems(fromAccountId, wants);
        if (!r.ok && r.error.code !== 'MS_SIGN_IN_REQUIRED' && r.error.code !== 'MS_CONSENT_REQUIRED') return r;
        if (r.ok) for (const [k, v] of r.value) sharerFacts.set(k, v);
      }
    }
    const iCalUIds = [...new Set([...sharerFacts.values()].flatMap((f) => ('kind' in f && f.kind === 'event' ? [f.iCalUId] : [])))];
    const view = await d.items.newOwnerView(accountId, {
      chatIds: [...new Set(others.flatMap((s) => (s.kind === 'chat' ? [s.chatId] : [])))],
      iCalUIds,
      calendars: [...sharerFacts.values()].some((f) => 'kind' in f && f.kind === 'calendar'),
    });
    if (!view.ok) return view;
    for (const s of others) {
      const item: ItemToHandOver = s.kind === 'chat' ? { kind: 'chat', chatId: s.chatId } : s.kind === 'event' ? { kind: 'event', eventId: s.eventId } : { kind: 'calendar', calendarId: s.calendarId };
      outcome.set(s.shareId, handOverItem(item, sharerFacts.get(s.shareId), view.value));
    }
    return ok(outcome);
  }

  /** The project's rules for its Sharing tab: the site's, the project's choices, and the result. Project admins only. */
  async function projectPolicy(accountId: string, projectId: string): Promise<Result<ProjectPolicyView>> {
    if (!(await d.places.isProjectAdmin(accountId, projectId))) return failWith('FORBIDDEN', 'not_project_admin_sharing');
    const [settings, stored] = await Promise.all([d.settings.current(), d.projects.get(projectId)]);
    const project = stored?.projectId === projectId ? stored : undefined;
    return ok({ projectId, site: policiesFor(settings, undefined), project: project?.kinds ?? {}, effective: policiesFor(settings, project), scopes: [...SHARE_SCOPES] });
  }

  async function setProjectPolicy(accountId: string, projectId: string, kinds: unknown): Promise<Result<ProjectPolicyView>> {
    if (!(await d.places.isProjectAdmin(accountId, projectId))) return failWith('FORBIDDEN', 'not_project_admin_sharing');
    const parsed = parseProjectKinds(kinds);
    if (!parsed.ok) return parsed;
    await d.projects.put({ projectId, kinds: parsed.value, updatedAt: now().toISOString(), updatedBy: accountId });
    return projectPolicy(accountId, projectId);
  }

  /**
   * The scheduled run: deletes ended shares (with their links and opens), opens older than 90 days and
   * lapsed offers — at most `budget` records of each per run, so a run stays within its time.
   */
  async function expire(budget = 500): Promise<{ shares: number; opens: number; offers: number }> {
    const at = now();
    const ended = (await d.shares.endedBefore(at.toISOString(), budget)).filter((s) => hasEnded(s, at));
    for (const s of ended) await forget(s);
    if (ended.length) await d.places.refreshMirror(issueIdsOf(ended));
    const old = await d.opens.olderThan(openCutoff(at), budget);
    for (const o of old) await d.opens.delete(o.openId);
    const lapsed = (await d.offers.olderThan(offerCutoff(at), budget)).filter((o) => offerLapsed(o, at));
    for (const o of lapsed) await d.offers.delete(o.offerId);
    return { shares: ended.length, opens: old.length, offers: lapsed.length };
  }

  return { list, setScope, setExpiry, remove, removeAll, opens, recordOpens, searchPeople, offer, refuse, accept, projectPolicy, setProjectPolicy, expire };
}

export type MySharesService = ReturnType<typeof mySharesService>;

export interface ProjectPolicyView {
  projectId: string;
  /** What the site allows per kind (the outer bound). */
  site: Record<SharingKindName, KindPolicy>;
  /** The project's own choices. */
  project: Partial<Record<SharingKindName, ProjectKindRule>>;
  /** What is in force in the project. */
  effective: Record<SharingKindName, KindPolicy>;
  scopes: ShareScope[];
}

function dedupeTargets(list: readonly ShareRecord[]): ShareTarget[] {
  const seen = new Map<string, ShareTarget>();
  for (const s of list) {
    const t = targetOf(s);
    seen.set(placeKey(t), t);
  }
  return [...seen.values()];
}

/** Checks an expiry change's payload value: an ISO instant, or `null` for none. */
export const isExpiryValue = (v: unknown): v is string | null => v === null || (typeof v === 'string' && v.length <= 40);

export { fail };
