/**
 * Outlook mailboxes read by the server as their owners (the sharing core's `MailboxPort`): a sharer's
 * items for whoever views the issue, and a caller's own mailbox for the link store's checks.
 *
 * Per mailbox and view: one secret read (the stored connection, which also holds the cached access
 * token) and one `$batch` round trip; a second only when a thread split off into another conversation
 * or a conversation's messages carry attachments. What Graph answers is untrusted: every field is
 * checked and capped here, and the browser sanitises the HTML again before it shows it.
 *
 * Graph facts used (learn.microsoft.com/graph): `Prefer: IdType="ImmutableId"` (outlook-immutable-id),
 * `Prefer: outlook.body-content-type="html"` and `uniqueBody` (message-get; selected only on request),
 * `$filter=conversationId eq '…'` without `$orderby` (InefficientFilter otherwise), `$filter` +
 * `$orderby` on the same first property, MAPI `PidTagInReplyToId` (String 0x1042) and
 * `PidTagInternetReferences` (String 0x1039) through `singleValueExtendedProperties`, fileAttachment
 * `isInline`/`contentId`/`contentBytes`, `$batch` ≤ 20 parts (json-batching).
 */
import { failWith, ok, type Result } from '../../core/result';
import { isRecord, own } from '../../core/guards';
import { GRAPH_ID, INTERNET_MESSAGE_ID } from '../../core/sharing/model';
import { BODY_MAX_CHARS, INLINE_IMAGE_MAX_BYTES, INLINE_IMAGES_MAX_BYTES_PER_MESSAGE, type MailAddress, type MailMessage, type MailWant } from '../../core/sharing/mail';
import { mergeThread, messageIdsIn } from '../../core/sharing/thread';
import type { ConnectionInfo, MailboxPort } from '../../core/sharing/ports';
import type { MicrosoftConnection } from '../../core/account/ports';
import type { SessionToken } from '../../core/account/service';
import { graphClient, MAX_BATCH_PARTS, type BatchPart, type GraphClient } from './client';
import type { GraphFetch } from './middleware';
import { graphPath, IMMUTABLE_IDS, prefer } from './paths';

export interface MailboxDeps {
  graphBaseUrl: string;
  fetch: GraphFetch;
  remainingMs: () => number;
  /** The stored connection (a KVS secret): read at most once per account by this adapter. */
  readConnection(accountId: string): Promise<MicrosoftConnection | undefined>;
  /** The accounts service's token: refreshes (and stores) when the cached one is near expiry. */
  accessToken(accountId: string, opts: { forceRefresh: boolean; known?: MicrosoftConnection }): Promise<Result<SessionToken>>;
  /** `clientId@tenant` in force: a cached token made under another registration is not used. */
  registrationKey(): Promise<string | undefined>;
  now?: () => number;
}

/** The accounts service hands out cached tokens with at least this long to live; so does this. */
const MIN_TOKEN_LIFE_MS = 2 * 60 * 1000;
const HEADERS = prefer(IMMUTABLE_IDS, 'outlook.body-content-type="html"');
const THREAD_PROPS = "$expand=singleValueExtendedProperties($filter=id eq 'String 0x1042' or id eq 'String 0x1039')";
const FIELDS = 'id,internetMessageId,conversationId,subject,from,toRecipients,ccRecipients,sentDateTime,receivedDateTime,isDraft,hasAttachments,webLink';
/** Most messages read for one conversation (Graph's page; a longer thread shows its newest). */
const CONVERSATION_TOP = 100;
/** Mail received since a share was made that is checked for replies from a split-off conversation. */
const CANDIDATES_TOP = 50;
const INLINE_TYPES = /^image\/(png|jpeg|gif|webp|bmp)$/i;

const odataString = (v: string): string => `'${v.replace(/'/g, "''")}'`;
const q = (parts: Record<string, string>): string =>
  Object.entries(parts)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');

const cap = (v: unknown, max: number): string => (typeof v === 'string' ? v.slice(0, max) : '');

function address(v: unknown): MailAddress | undefined {
  const e = isRecord(v) ? own(v, 'emailAddress') : undefined;
  if (!isRecord(e)) return undefined;
  const name = cap(own(e, 'name'), 200);
  const addr = cap(own(e, 'address'), 320);
  return name || addr ? { name, address: addr } : undefined;
}
const addresses = (v: unknown): MailAddress[] => (Array.isArray(v) ? v.slice(0, 50).map(address).filter((a): a is MailAddress => a !== undefined) : []);

/** In-Reply-To and References, from the MAPI properties (or the internet headers, when selected). */
function threadHeaders(raw: Record<string, unknown>): { inReplyTo?: string; references: string[] } {
  let inReplyTo: string | undefined;
  let references: string[] = [];
  const props = own(raw, 'singleValueExtendedProperties');
  if (Array.isArray(props)) {
    for (const p of props) {
      if (!isRecord(p)) continue;
      const id = cap(own(p, 'id'), 40).toLowerCase().replace(/\s+/g, ' ');
      const value = cap(own(p, 'value'), 20_000);
      if (id === 'string 0x1042') inReplyTo = messageIdsIn(value)[0];
      if (id === 'string 0x1039') references = messageIdsIn(value).slice(-100);
    }
  }
  const headers = own(raw, 'internetMessageHeaders');
  if (Array.isArray(headers)) {
    for (const h of headers) {
      if (!isRecord(h)) continue;
      const name = cap(own(h, 'name'), 40).toLowerCase();
      if (name === 'in-reply-to' && inReplyTo === undefined) inReplyTo = messageIdsIn(cap(own(h, 'value'), 2_000))[0];
      if (name === 'references' && references.length === 0) references = messageIdsIn(cap(own(h, 'value'), 20_000)).slice(-100);
    }
  }
  return { ...(inReplyTo !== undefined ? { inReplyTo } : {}), references };
}

/** A Graph message as the core takes it, or undefined when its ids are not what Exchange sends. */
export function readMessage(raw: unknown): MailMessage | undefined {
  if (!isRecord(raw)) return undefined;
  const internetMessageId = own(raw, 'internetMessageId');
  const conversationId = own(raw, 'conversationId');
  if (typeof internetMessageId !== 'string' || !INTERNET_MESSAGE_ID.test(internetMessageId)) return undefined;
  if (typeof conversationId !== 'string' || !GRAPH_ID.test(conversationId)) return undefined;
  const bodyRaw = own(raw, 'uniqueBody') ?? own(raw, 'body');
  const content = isRecord(bodyRaw) ? cap(own(bodyRaw, 'content'), BODY_MAX_CHARS) : '';
  const type = isRecord(bodyRaw) && cap(own(bodyRaw, 'contentType'), 10).toLowerCase() === 'text' ? 'text' : 'html';
  const sent = cap(own(raw, 'sentDateTime'), 40);
  const received = cap(own(raw, 'receivedDateTime'), 40);
  const at = !Number.isNaN(Date.parse(sent)) ? new Date(sent).toISOString() : !Number.isNaN(Date.parse(received)) ? new Date(received).toISOString() : '1970-01-01T00:00:00.000Z';
  const from = address(own(raw, 'from'));
  const webLink = cap(own(raw, 'webLink'), 2_000);
  return {
    internetMessageId,
    conversationId,
    ...threadHeaders(raw),
    at,
    isDraft: own(raw, 'isDraft') === true,
    subject: cap(own(raw, 'subject'), 500),
    ...(from ? { from } : {}),
    to: addresses(own(raw, 'toRecipients')),
    cc: addresses(own(raw, 'ccRecipients')),
    body: { type, content },
    inlineImages: {},
    inlineImagesOmitted: 0,
    attachments: [],
    ...(webLink.startsWith('https://') ? { webLink } : {}),
  };
}

/** `cid:` references in an HTML body (RFC 2392), as the Content-ID they name. */
export function cidsIn(html: string): Set<string> {
  const out = new Set<string>();
  for (const m of html.matchAll(/cid:([^"'\s)>]{1,300})/gi)) {
    try {
      out.add(decodeURIComponent(m[1] ?? '').toLowerCase());
    } catch {
      out.add((m[1] ?? '').toLowerCase());
    }
  }
  return out;
}

/**
 * Puts a message's attachments on it: inline images its HTML names by `cid:` become `data:` URLs
 * (raster types only, each and all within the caps; larger ones are counted as left out), other
 * attachments become names and sizes. Remote images are left to the browser, which does not load them.
 */
export function withAttachments(m: MailMessage, list: unknown): MailMessage {
  const value = isRecord(list) ? own(list, 'value') : undefined;
  if (!Array.isArray(value)) return m;
  const cids = m.body.type === 'html' ? cidsIn(m.body.content) : new Set<string>();
  const inlineImages: Record<string, string> = {};
  let omitted = 0;
  let spent = 0;
  const attachments: MailMessage['attachments'] = [];
  for (const a of value.slice(0, 100)) {
    if (!isRecord(a)) continue;
    const size = typeof own(a, 'size') === 'number' ? (own(a, 'size') as number) : 0;
    const contentId = cap(own(a, 'contentId'), 300).replace(/^<|>$/g, '').toLowerCase();
    const inline = own(a, 'isInline') === true;
    if (inline && contentId && cids.has(contentId)) {
      const type = cap(own(a, 'contentType'), 100);
      const bytes = cap(own(a, 'contentBytes'), Math.ceil((INLINE_IMAGE_MAX_BYTES * 4) / 3) + 4);
      const decoded = Math.floor((bytes.length * 3) / 4);
      if (INLINE_TYPES.test(type) && /^[A-Za-z0-9+/]+=*$/.test(bytes) && size <= INLINE_IMAGE_MAX_BYTES && decoded <= INLINE_IMAGE_MAX_BYTES && spent + decoded <= INLINE_IMAGES_MAX_BYTES_PER_MESSAGE) {
        inlineImages[contentId] = `data:${type.toLowerCase()};base64,${bytes}`;
        spent += decoded;
      } else omitted++;
      continue;
    }
    if (!inline) attachments.push({ name: cap(own(a, 'name'), 200), size });
  }
  return { ...m, inlineImages, inlineImagesOmitted: omitted, attachments };
}

const hasAttachmentsOrCids = (raw: unknown, m: MailMessage): boolean => (isRecord(raw) && own(raw, 'hasAttachments') === true) || (m.body.type === 'html' && /cid:/i.test(m.body.content));

/**
 * Outlook runs at most 4 requests of an app per mailbox at once, and so at most 4 independent parts of
 * a `$batch` (throttling limits, "Outlook service limits"; more get 429 ApplicationThrottled). Parts
 * beyond 4 wait for an earlier one with `dependsOn`, in 4 lanes; a part whose lane-mate failed gets
 * 424, which only costs what that part was for. Batches of 20 are sent one after another.
 */
export async function inLanes(graph: GraphClient, parts: Record<string, BatchPart>): Promise<Result<Record<string, Result<unknown>>>> {
  const keys = Object.keys(parts);
  const out: Record<string, Result<unknown>> = {};
  for (let i = 0; i < keys.length; i += MAX_BATCH_PARTS) {
    const chunk = keys.slice(i, i + MAX_BATCH_PARTS);
    const laned = Object.fromEntries(chunk.map((k, j) => {
      const before = j >= OUTLOOK_LANES ? chunk[j - OUTLOOK_LANES] : undefined;
      return [k, before === undefined ? (parts[k] as BatchPart) : { ...(parts[k] as BatchPart), dependsOn: [before] }];
    }));
    const r = await graph.batch<Record<string, unknown>>(laned);
    if (!r.ok) return r;
    Object.assign(out, r.value);
  }
  return ok(out);
}

const OUTLOOK_LANES = 4;
/** Ids OR-ed into one `$filter` (Exchange takes long filters; this keeps the URL short). */
const OR_CHUNK = 20;

const anyOf = (property: string, values: readonly string[]): string => values.map((v) => `${property} eq ${odataString(v)}`).join(' or ');

const chunks = <T>(xs: readonly T[], n: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
};

const listOf = (r: Result<unknown> | undefined): unknown[] | undefined => {
  if (!r?.ok || !isRecord(r.value)) return undefined;
  const v = own(r.value, 'value');
  return Array.isArray(v) ? v : undefined;
};

/**
 * Per invocation: each sharer's stored connection read once, and one Graph client per sharer that
 * uses the cached access token from it (the accounts service refreshes when it is stale). Shared by
 * the mailbox reads below and the calendar/chat reads (./items.ts), so a sharer costs one secret read.
 */
export function accountClients(deps: MailboxDeps) {
  const now = deps.now ?? Date.now;
  const connections = new Map<string, Promise<MicrosoftConnection | undefined>>();
  const clients = new Map<string, GraphClient>();
  const connectionOf = (accountId: string) => {
    let c = connections.get(accountId);
    if (!c) connections.set(accountId, (c = deps.readConnection(accountId)));
    return c;
  };

  /** The cached access token from the one connection read; the accounts service when it is stale. */
  const clientFor = (accountId: string): GraphClient => {
    let g = clients.get(accountId);
    if (g) return g;
    g = graphClient({
      baseUrl: deps.graphBaseUrl,
      fetch: deps.fetch,
      remainingMs: deps.remainingMs,
      now,
      token: async ({ refresh }) => {
        if (!refresh) {
          const [c, key] = await Promise.all([connectionOf(accountId), deps.registrationKey()]);
          const fresh = c?.accessToken !== undefined && (c.accessTokenExpiresAt ?? 0) - now() > MIN_TOKEN_LIFE_MS;
          if (c && fresh && c.accessToken && (c.registration === undefined || c.registration === key)) return ok({ accessToken: c.accessToken });
          // Stale: the accounts service refreshes from the connection already read (no second secret read).
          return deps.accessToken(accountId, c ? { forceRefresh: false, known: c } : { forceRefresh: false });
        }
        return deps.accessToken(accountId, { forceRefresh: refresh });
      },
    });
    clients.set(accountId, g);
    return g;
  };

  async function connection(accountId: string): Promise<ConnectionInfo | undefined> {
    const c = await connectionOf(accountId);
    return c ? { oid: c.user.oid, tid: c.user.tid, scopes: [...c.scopes] } : undefined;
  }
  return { clientFor, connection };
}

export function mailboxes(deps: MailboxDeps, shared: ReturnType<typeof accountClients> = accountClients(deps)): MailboxPort {
  const { clientFor } = shared;

  async function connection(accountId: string): Promise<ConnectionInfo | undefined> {
    return shared.connection(accountId);
  }

  /**
   * Every wanted item of one mailbox in one `$batch`: the shared mails by Message-ID (the stored
   * immutable id picks the copy), the shared conversations by conversationId, the mail received since
   * the oldest share, whose In-Reply-To/References reveal replies Exchange filed under a new
   * conversation, and the attachments of each shared mail (by its stored immutable id; a mail without
   * any answers an empty list) while the batch stays within 20 parts. Only such a split, or attachments
   * of a conversation's messages, costs a further round trip.
   */
  async function read(accountId: string, wants: readonly MailWant[]): Promise<Result<Map<string, Result<MailMessage[]>>>> {
    const graph = clientFor(accountId);
    const mails = wants.filter((w): w is Extract<MailWant, { kind: 'message' }> => w.kind === 'message');
    const convs = wants.filter((w): w is Extract<MailWant, { kind: 'conversation' }> => w.kind === 'conversation');
    const parts: Record<string, BatchPart> = {};
    // Message-IDs are not ids Graph answers a GET for; the stored immutable id is, but one GET per mail
    // would be one part per mail. The Message-ID is in the stored share too: filter by it, pick by id.
    const mailIds = [...new Set(mails.map((w) => w.internetMessageId))];
    chunks(mailIds, OR_CHUNK).forEach((c, i) => {
      parts[`m${String(i)}`] = { path: `/me/messages?${q({ $filter: anyOf('internetMessageId', c), $select: `${FIELDS},body`, $top: '100' })}`, headers: HEADERS };
    });
    const convIds = [...new Set(convs.map((w) => w.conversationId))];
    chunks(convIds, OR_CHUNK).forEach((c, i) => {
      parts[`c${String(i)}`] = { path: `/me/messages?${q({ $filter: anyOf('conversationId', c), $select: `${FIELDS},uniqueBody`, $top: String(CONVERSATION_TOP) })}&${THREAD_PROPS}`, headers: HEADERS };
    });
    const since = convs.reduce<string | undefined>((a, w) => (a === undefined || w.since < a ? w.since : a), undefined);
    if (since !== undefined) {
      parts.split = {
        path: `/me/messages?${q({ $filter: `receivedDateTime ge ${since.replace(/\.\d{3}Z$/, 'Z')}`, $orderby: 'receivedDateTime desc', $select: 'id,internetMessageId,conversationId,isDraft,sentDateTime,receivedDateTime', $top: String(CANDIDATES_TOP) })}&${THREAD_PROPS}`,
        headers: HEADERS,
      };
    }
    // Attachments of the shared mails in the same round trip (issue 9: at most one per sharer and view).
    const mailMessageIds = [...new Set(mails.map((w) => w.messageId))].filter((id) => GRAPH_ID.test(id));
    const early = Object.keys(parts).length + mailMessageIds.length <= MAX_BATCH_PARTS ? mailMessageIds : [];
    early.forEach((id, i) => {
      parts[`p${String(i)}`] = { path: graphPath`/me/messages/${id}/attachments`, headers: HEADERS };
    });
    const first = await inLanes(graph, parts);
    if (!first.ok) return first;
    const answers = first.value;
    const failure = (prefix: string): Result<never> | undefined => {
      const bad = Object.entries(answers).find(([k, r]) => k.startsWith(prefix) && !r.ok)?.[1];
      return bad && !bad.ok ? bad : undefined;
    };
    const rows = (prefix: string): unknown[] => Object.entries(answers).filter(([k]) => k.startsWith(prefix)).flatMap(([, r]) => listOf(r) ?? []);

    const out = new Map<string, Result<MailMessage[]>>();
    const pairs = new Map<string, Array<{ raw: unknown; m: MailMessage }>>();
    const mailFailure = failure('m');
    const mailRows = rows('m');
    for (const w of mails) {
      if (mailFailure) {
        out.set(w.key, mailFailure);
        continue;
      }
      const raw = mailRows.find((r) => isRecord(r) && own(r, 'id') === w.messageId);
      const m = raw === undefined ? undefined : readMessage(raw);
      // Not in the mailbox under its immutable id any more: deleted, or moved to another mailbox.
      if (!m) out.set(w.key, failWith('NOT_FOUND', 'mail_gone'));
      else pairs.set(w.key, [{ raw, m }]);
    }

    const convFailure = failure('c');
    const convRows = rows('c');
    const candidates = rows('split').map(readMessage).filter((m): m is MailMessage => m !== undefined);
    const known = convRows.map((raw) => ({ raw, m: readMessage(raw) })).filter((p): p is { raw: unknown; m: MailMessage } => p.m !== undefined);
    // Conversations the threads reach only through headers: read them whole in a second trip.
    const split = new Set<string>();
    for (const w of convs) {
      const thread = mergeThread({ internetMessageId: w.internetMessageId, conversationId: w.conversationId }, [...known.map((p) => p.m), ...candidates]);
      for (const m of thread) if (!convIds.includes(m.conversationId)) split.add(m.conversationId);
    }
    let extra: Array<{ raw: unknown; m: MailMessage }> = [];
    if (!convFailure && split.size > 0) {
      const more: Record<string, BatchPart> = {};
      chunks([...split], OR_CHUNK).forEach((c, i) => {
        more[`x${String(i)}`] = { path: `/me/messages?${q({ $filter: anyOf('conversationId', c), $select: `${FIELDS},uniqueBody`, $top: String(CONVERSATION_TOP) })}&${THREAD_PROPS}`, headers: HEADERS };
      });
      const second = await inLanes(graph, more);
      if (second.ok) extra = Object.values(second.value).flatMap((r) => listOf(r) ?? []).map((raw) => ({ raw, m: readMessage(raw) })).filter((p): p is { raw: unknown; m: MailMessage } => p.m !== undefined);
    }
    for (const w of convs) {
      if (convFailure) {
        out.set(w.key, convFailure);
        continue;
      }
      const all = [...known, ...extra];
      const thread = new Set(mergeThread({ internetMessageId: w.internetMessageId, conversationId: w.conversationId }, all.map((p) => p.m)));
      pairs.set(w.key, all.filter((p) => thread.has(p.m)));
    }

    // Attachments (inline pictures, names of the others) for the messages that have any: read in the
    // first round trip for the shared mails; the others (or a part that failed there) now.
    const fetched = new Map<string, Result<unknown>>();
    early.forEach((id, i) => {
      const a = answers[`p${String(i)}`];
      if (a?.ok) fetched.set(id, a);
    });
    const attachmentParts: Record<string, BatchPart> = {};
    const byId = new Map<string, string>();
    for (const list of pairs.values()) {
      for (const p of list) {
        const id = isRecord(p.raw) ? own(p.raw, 'id') : undefined;
        if (typeof id === 'string' && GRAPH_ID.test(id) && !byId.has(id) && !fetched.has(id) && hasAttachmentsOrCids(p.raw, p.m)) {
          byId.set(id, `a${String(byId.size)}`);
          attachmentParts[`a${String(byId.size - 1)}`] = { path: graphPath`/me/messages/${id}/attachments`, headers: HEADERS };
        }
      }
    }
    const third = byId.size > 0 ? await inLanes(graph, attachmentParts) : undefined;
    for (const [key, list] of pairs) {
      out.set(key, ok(list.map((p) => {
        const id = isRecord(p.raw) ? own(p.raw, 'id') : undefined;
        const part = typeof id === 'string' ? byId.get(id) : undefined;
        const a = (typeof id === 'string' ? fetched.get(id) : undefined) ?? (part !== undefined && third?.ok ? third.value[part] : undefined);
        return a?.ok ? withAttachments(p.m, a.value) : p.m;
      })));
    }
    return ok(out);
  }

  async function locate(accountId: string, messageId: string): Promise<Result<{ messageId: string; internetMessageId: string; conversationId: string }>> {
    const r = await clientFor(accountId).get<unknown>(graphPath`/me/messages/${messageId}`, { headers: prefer(IMMUTABLE_IDS), select: ['id', 'internetMessageId', 'conversationId'] });
    if (!r.ok) return r;
    const v = r.value;
    const id = isRecord(v) ? own(v, 'id') : undefined;
    const imid = isRecord(v) ? own(v, 'internetMessageId') : undefined;
    const conv = isRecord(v) ? own(v, 'conversationId') : undefined;
    if (typeof id !== 'string' || !GRAPH_ID.test(id) || typeof imid !== 'string' || !INTERNET_MESSAGE_ID.test(imid) || typeof conv !== 'string' || !GRAPH_ID.test(conv)) {
      return failWith('MS_UNAVAILABLE', 'bad_response');
    }
    return ok({ messageId: id, internetMessageId: imid, conversationId: conv });
  }

  /** One request per 20 refs: which of the conversations (or Message-IDs) the mailbox holds any message of. */
  async function holds(accountId: string, refs: ReadonlyArray<{ conversationId: string } | { internetMessageId: string }>): Promise<Result<boolean[]>> {
    const convs = [...new Set(refs.flatMap((r) => ('conversationId' in r ? [r.conversationId] : [])))];
    const mids = [...new Set(refs.flatMap((r) => ('internetMessageId' in r ? [r.internetMessageId] : [])))];
    const parts: Record<string, BatchPart> = {};
    chunks(convs, OR_CHUNK).forEach((c, i) => {
      parts[`c${String(i)}`] = { path: `/me/messages?${q({ $filter: anyOf('conversationId', c), $select: 'conversationId', $top: '1000' })}`, headers: prefer(IMMUTABLE_IDS) };
    });
    chunks(mids, OR_CHUNK).forEach((c, i) => {
      parts[`i${String(i)}`] = { path: `/me/messages?${q({ $filter: anyOf('internetMessageId', c), $select: 'internetMessageId', $top: '1000' })}`, headers: prefer(IMMUTABLE_IDS) };
    });
    const r = await inLanes(clientFor(accountId), parts);
    if (!r.ok) return r;
    const seen = new Set<string>();
    for (const a of Object.values(r.value)) {
      if (!a.ok) return a;
      for (const m of listOf(a) ?? []) {
        if (!isRecord(m)) continue;
        for (const k of ['conversationId', 'internetMessageId']) {
          const v = own(m, k);
          if (typeof v === 'string') seen.add(`${k} ${v}`);
        }
      }
    }
    return ok(refs.map((ref) => ('conversationId' in ref ? seen.has(`conversationId ${ref.conversationId}`) : seen.has(`internetMessageId ${ref.internetMessageId}`))));
  }

  return { connection, read, locate, holds };
}
