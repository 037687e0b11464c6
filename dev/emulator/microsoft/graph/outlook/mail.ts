import { isWellFormedId, type MailFolder, type MailMessage, type MailStore } from '../../data/mail';
import { badRequest, GraphError } from '../errors';
import { option, selectOf } from '../odata';
import type { GraphResult, Route, RouteContext } from '../types';
import { exchangeAccessDenied, exchangeNotFound, idMalformed, noMailbox, preferenceApplied, type Preferences, preferences } from './common';
import { checkFilterAndOrder, type OrderKey, parseFilter, parseOrderBy, parseSearch, sortBy } from './query';
import { attachmentIds, checkSelect, type ExtendedPropertyId, parseExtendedId, renderAttachment, renderFolder, renderMessage } from './render';

// Outlook mail on Graph v1.0: /me/… and /users/{id}/… messages, mail folders and attachments.

const MAIL_READ = ['Mail.Read', 'Mail.ReadWrite'];
/** Mail.ReadBasic lists and reads messages without their bodies; attachments and $search need Mail.Read. */
const MAIL_BASIC = ['Mail.ReadBasic', ...MAIL_READ];
const SHARED = ['Mail.Read.Shared', 'Mail.ReadWrite.Shared'];
const SHARED_BASIC = ['Mail.ReadBasic.Shared', ...SHARED];

const PAGE_DEFAULT = 10;
const PAGE_MAX = 1000;
/** "A $search request returns up to 1000 results" (Use the $search query parameter). */
const SEARCH_MAX = 1000;

const store = (ctx: RouteContext): MailStore => ctx.env.model.mail;

const has = (ctx: RouteContext, scopes: readonly string[]): boolean => scopes.some((s) => ctx.caller.scopes.has(s.toLowerCase()));

/** Someone other than the caller, named by object id, UPN or mail in the caller's tenant. */
const userNamed = (ctx: RouteContext, ref: string) => {
  const r = ref.toLowerCase();
  return ctx.env.model.directory.principals.find((p) => p.tenantId === ctx.caller.tenant.id
    && (p.oid === r || p.userPrincipalName.toLowerCase() === r || p.mail.toLowerCase() === r));
};

/** The mailbox a route addresses, without judging access: for throttling and counting. */
const addressedMailbox = (ctx: RouteContext): string | undefined => {
  const ref = ctx.params['user'];
  const p = ref === undefined ? ctx.caller.principal : userNamed(ctx, ref);
  return p && p.userType === 'Member' && store(ctx).hasMailbox(p.person) ? p.person : undefined;
};

/**
 * The person whose mailbox the caller may read. Another person's mailbox needs a *.Shared permission
 * and a folder shared with, or delegate access given to, the caller; the emulator's tenant has no
 * such sharing, so Exchange's 403 is the answer either way.
 */
const mailboxOf = (ctx: RouteContext): string => {
  const ref = ctx.params['user'];
  if (ref === undefined) {
    if (ctx.caller.principal.userType !== 'Member') throw noMailbox();
    return ctx.caller.principal.person;
  }
  const p = userNamed(ctx, ref);
  if (!p) throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${ref}' is invalid.`);
  if (p.person === ctx.caller.principal.person && p.oid === ctx.caller.principal.oid) {
    if (p.userType !== 'Member') throw noMailbox();
    return p.person;
  }
  throw exchangeAccessDenied();
};

/** Only Mail.ReadBasic (or its .Shared twin) among the caller's mail permissions. */
const basicOnly = (ctx: RouteContext): boolean => !has(ctx, [...MAIL_READ, ...SHARED]);

/**
 * An id from the path: refused as malformed when it is not base64 or arrived with a raw `+` (which
 * form-style decoders turn into a space); Graph ids must be percent-encoded in paths.
 */
const pathId = (ctx: RouteContext, name: string, pattern: string): string => {
  const id = ctx.params[name] ?? '';
  const idx = pattern.split('/').indexOf(`{${name}}`);
  const raw = (ctx.req.path.split('?')[0] ?? '').split('/').filter((s) => s !== '')[idx] ?? '';
  if (raw.includes('+') || !isWellFormedId(id)) throw idMalformed();
  return id;
};

/** A well-known folder name (`inbox`, `sentitems`, …) or a folder id, which must be encoded like any id. */
const folderOf = (ctx: RouteContext, person: string, pattern: string): MailFolder => {
  const ref = ctx.params['folder'] ?? '';
  const f = /^[a-z]+$/i.test(ref) ? store(ctx).folder(person, ref) : store(ctx).folder(person, pathId(ctx, 'folder', pattern));
  if (!f) throw exchangeNotFound();
  return f;
};

const folderIdOf = (ctx: RouteContext, person: string) => {
  const ids = new Map(store(ctx).folders(person).map((f) => [f.name, f.id]));
  return (m: MailMessage): string => ids.get(m.folder) ?? '';
};

const isExternal = (ctx: RouteContext, m: MailMessage): boolean =>
  !ctx.env.model.directory.principals.some((p) => p.userType === 'Member' && p.mail.toLowerCase() === m.from.address.toLowerCase());

/** `$expand=singleValueExtendedProperties($filter=id eq '…' [or id eq '…'])`. */
const expandedProperties = (ctx: RouteContext): ExtendedPropertyId[] => {
  const raw = option(ctx.req.query, 'expand');
  if (raw === undefined) return [];
  const m = /^\s*singleValueExtendedProperties\s*\(\s*\$filter\s*=\s*(.*)\)\s*$/is.exec(raw);
  if (!m?.[1]) throw badRequest(`Parsing OData Select and Expand failed: '${raw}' cannot be expanded on a message.`);
  const ids = [...m[1].matchAll(/id\s+eq\s+'([^']*)'/gi)].map((x) => parseExtendedId(x[1] ?? ''));
  if (ids.length === 0) throw badRequest("Expanding singleValueExtendedProperties needs $filter=id eq '…'.");
  return ids;
};

interface Shown {
  prefs: Preferences;
  render: (m: MailMessage) => Record<string, unknown>;
}

const shownMessages = (ctx: RouteContext, person: string): Shown => {
  const prefs = preferences(ctx.req.headers);
  const basic = basicOnly(ctx);
  const select = checkSelect(selectOf(ctx.req.query), basic);
  const extended = expandedProperties(ctx);
  const folders = new Map(store(ctx).folders(person).map((f) => [f.name, f]));
  return {
    prefs,
    render: (m) => renderMessage(m, folders.get(m.folder) ?? store(ctx).folders(person)[0] as MailFolder,
      { prefs, select, extended }, basic, isExternal(ctx, m)),
  };
};

const skipOf = (ctx: RouteContext): number => {
  const raw = option(ctx.req.query, 'skip');
  if (raw === undefined) return 0;
  if (!/^\d+$/.test(raw)) throw badRequest(`Invalid value '${raw}' for $skip query option found.`);
  return Number(raw);
};

const topOf = (ctx: RouteContext): number => {
  const raw = option(ctx.req.query, 'top');
  if (raw === undefined) return PAGE_DEFAULT;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw badRequest(`Invalid value '${raw}' for $top query option found.`);
  return Math.min(Number(raw), PAGE_MAX);
};

/** Outlook pages with `$skip` in the nextLink, keeping every other option (Paging; List messages). */
const skipLink = (ctx: RouteContext, skip: number): string => {
  const [path] = ctx.req.path.split('?');
  const q = new URLSearchParams(ctx.req.query);
  for (const k of ['$skip', 'skip']) q.delete(k);
  q.set('$skip', String(skip));
  return `${ctx.env.origin}/graph/v1.0${path ?? ''}?${q.toString().replace(/%24/g, '$').replace(/%2C/g, ',')}`;
};

const listMessages = (ctx: RouteContext, person: string, folder: MailFolder | undefined): GraphResult => {
  const folderId = folderIdOf(ctx, person);
  const search = option(ctx.req.query, 'search');
  const filter = option(ctx.req.query, 'filter');
  const orderby = option(ctx.req.query, 'orderby');
  let all = store(ctx).messages(person).filter((m) => folder === undefined || m.folder === folder.name);

  if (search !== undefined) {
    if (filter !== undefined) throw new GraphError(400, 'SearchWithFilter', "The query parameter '$filter' is not supported with '$search'.");
    if (orderby !== undefined) throw new GraphError(400, 'SearchWithOrderBy', "The query parameter '$orderBy' is not supported with '$search'.");
    // Mail.ReadBasic "does not include permissions to search messages" (permissions reference).
    if (basicOnly(ctx)) throw exchangeAccessDenied();
    const hit = parseSearch(search);
    // "The results of the search are sorted by the date and time that the message was sent."
    all = all.filter(hit).sort((a, b) => b.sentMs - a.sentMs || b.seq - a.seq).slice(0, SEARCH_MAX);
  } else {
    const order: OrderKey[] | undefined = orderby !== undefined ? parseOrderBy(orderby) : undefined;
    if (filter !== undefined) {
      const f = parseFilter(filter);
      if (order) checkFilterAndOrder(f.properties, order);
      all = all.filter((m) => f.test(m, folderId));
      // Graph infers an order for a $filter and does not say which; the emulator's (by id) is as
      // arbitrary, so a client that needs an order sorts the answer itself.
      if (!order) all = [...all].sort((a, b) => (a.immutableId < b.immutableId ? -1 : 1));
    }
    if (order) all = sortBy(all, order, folderId);
  }

  const shown = shownMessages(ctx, person);
  const skip = skipOf(ctx);
  const top = topOf(ctx);
  const page = all.slice(skip, skip + top);
  const body: Record<string, unknown> = {
    '@odata.context': `${ctx.env.origin}/graph/v1.0/$metadata#users('${ctx.caller.principal.oid}')/messages`,
    ...(/^true$/i.test(option(ctx.req.query, 'count') ?? '') ? { '@odata.count': all.length } : {}),
    value: page.map(shown.render),
  };
  if (skip + top < all.length) body['@odata.nextLink'] = skipLink(ctx, skip + top);
  return { status: 200, body, headers: preferenceApplied(shown.prefs, { body: true }) };
};

const messageOf = (ctx: RouteContext, person: string, pattern: string, folder?: MailFolder): MailMessage => {
  const id = pathId(ctx, 'message', pattern);
  const m = store(ctx).byId(person, id);
  if (!m || (folder !== undefined && m.folder !== folder.name)) throw exchangeNotFound();
  return m;
};

const getMessage = (ctx: RouteContext, person: string, pattern: string, folder?: MailFolder): GraphResult => {
  const m = messageOf(ctx, person, pattern, folder);
  const shown = shownMessages(ctx, person);
  return { status: 200, body: shown.render(m), headers: preferenceApplied(shown.prefs, { body: true }) };
};

const listAttachments = (ctx: RouteContext, person: string, pattern: string): GraphResult => {
  const m = messageOf(ctx, person, pattern);
  const prefs = preferences(ctx.req.headers);
  const select = selectOf(ctx.req.query);
  return {
    status: 200,
    body: { value: m.attachments.map((a) => renderAttachment(m, a, prefs, select)) },
    headers: preferenceApplied(prefs, { body: false }),
  };
};

const getAttachment = (ctx: RouteContext, person: string, pattern: string): GraphResult => {
  const m = messageOf(ctx, person, pattern);
  const aid = pathId(ctx, 'attachment', pattern);
  const a = m.attachments.find((x) => { const ids = attachmentIds(m, x); return ids.rest === aid || ids.immutable === aid; });
  if (!a) throw exchangeNotFound();
  const prefs = preferences(ctx.req.headers);
  return { status: 200, body: renderAttachment(m, a, prefs, selectOf(ctx.req.query)), headers: preferenceApplied(prefs, { body: false }) };
};

/** Each route once under /me and once under /users/{user}, with the permissions each needs. */
const both = (
  method: 'GET', path: string, own: readonly string[], shared: readonly string[],
  handle: (ctx: RouteContext, person: string, pattern: string) => GraphResult,
): Route[] => [
  { prefix: 'me', scopes: own },
  { prefix: 'users/{user}', scopes: [...own, ...shared] },
].map(({ prefix, scopes }) => {
  const pattern = `${prefix}/${path}`;
  return {
    method, path: pattern, scopes, denied: exchangeAccessDenied, outlookMailbox: addressedMailbox,
    handle: (ctx: RouteContext) => handle(ctx, mailboxOf(ctx), pattern),
  };
});

export const mailRoutes: Route[] = [
  ...both('GET', 'messages', MAIL_BASIC, SHARED_BASIC, (ctx, person) => listMessages(ctx, person, undefined)),
  ...both('GET', 'messages/{message}', MAIL_BASIC, SHARED_BASIC, (ctx, person, pattern) => getMessage(ctx, person, pattern)),
  ...both('GET', 'messages/{message}/attachments', MAIL_READ, SHARED, (ctx, person, pattern) => listAttachments(ctx, person, pattern)),
  ...both('GET', 'messages/{message}/attachments/{attachment}', MAIL_READ, SHARED, (ctx, person, pattern) => getAttachment(ctx, person, pattern)),
  ...both('GET', 'mailFolders', MAIL_BASIC, SHARED_BASIC, (ctx, person) => {
    const all = store(ctx).messages(person);
    const root = store(ctx).rootFolderId(person);
    return { status: 200, body: { value: store(ctx).folders(person).map((f) => renderFolder(f, all, root)) } };
  }),
  ...both('GET', 'mailFolders/{folder}', MAIL_BASIC, SHARED_BASIC, (ctx, person, pattern) =>
    ({ status: 200, body: renderFolder(folderOf(ctx, person, pattern), store(ctx).messages(person), store(ctx).rootFolderId(person)) })),
  ...both('GET', 'mailFolders/{folder}/messages', MAIL_BASIC, SHARED_BASIC, (ctx, person, pattern) =>
    listMessages(ctx, person, folderOf(ctx, person, pattern))),
  ...both('GET', 'mailFolders/{folder}/messages/{message}', MAIL_BASIC, SHARED_BASIC, (ctx, person, pattern) =>
    getMessage(ctx, person, pattern, folderOf(ctx, person, pattern))),
];
