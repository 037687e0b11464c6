import { createHash } from 'node:crypto';
import type { AttachmentFixture, MailFolderName, MessageFixture, MicrosoftFixture } from '../fixture';
import type { Directory, Principal } from './directory';
import { exchangeId, prng, resolveWhen, stableGuid } from './ids';

// Every mailbox of the tenant, mutable at run time (mail delivered, moved, deleted through the
// control API) and rebuilt from the fixture on reset. Graph's shapes are rendered per request by
// graph/outlook/render.ts: only the stored facts live here.

export interface EmailAddress {
  name: string;
  address: string;
}

export interface MailAttachment {
  /** Position within the message; attachment ids are derived from it and from the message's ids. */
  index: number;
  name: string;
  contentType: string;
  isInline: boolean;
  contentId: string | null;
  bytes: Buffer;
  lastModifiedMs: number;
}

export interface MailMessage {
  owner: string;
  /** Fixture key, or `rt-<n>` for mail delivered at run time. */
  key: string;
  /** Delivery order, the tie-breaker between equal receive times. */
  seq: number;
  immutableId: string;
  /** The default (REST) id: a move makes a new one, as Exchange copies the item into the new folder. */
  restId: string;
  moves: number;
  folder: MailFolderName;
  conversationKey: string;
  conversationId: string;
  conversationIndex: string;
  internetMessageId: string;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  from: EmailAddress;
  to: EmailAddress[];
  cc: EmailAddress[];
  sentMs: number;
  receivedMs: number;
  modifiedMs: number;
  importance: 'low' | 'normal' | 'high';
  isRead: boolean;
  isDraft: boolean;
  /** Extra `<head>` content of the original HTML (meta, base, style, …), kept as delivered. */
  head: string;
  /** Attributes of the original `<body>` tag, kept as delivered. */
  bodyAttributes: string;
  /** Everything inside `<body>`: this message's own part followed by any quoted earlier message. */
  bodyInner: string;
  /** This message's own part: what Graph calls uniqueBody. */
  uniqueInner: string;
  attachments: MailAttachment[];
  /** Arrived through transport, so it carries internet headers; copies in Sent Items and drafts do not. */
  transported: boolean;
}

export interface MailFolder {
  owner: string;
  name: MailFolderName;
  id: string;
  displayName: string;
}

export interface MailDelivery {
  /** User keys, mail addresses or external addresses; tenant members get a copy in their Inbox. */
  to: string[];
  cc?: string[];
  /** A user key (who also gets a Sent Items copy) or any address. */
  from: string;
  subject: string;
  html: string;
  /** The internetMessageId of the message answered; it must be in every receiving mailbox when `conversation` is 'same'. */
  inReplyTo?: string;
  /** 'same' (default with inReplyTo) keeps the thread's conversation; 'new' starts one, as replies from outside often do. */
  conversation?: 'same' | 'new';
  /** Quote the answered message below `html` (default true with inReplyTo). */
  quote?: boolean;
  attachments?: AttachmentFixture[];
  importance?: 'low' | 'normal' | 'high';
  at: number;
}

export class MailInputError extends Error {
  constructor(readonly status: 400 | 404, message: string) {
    super(message);
  }
}

export interface MailStore {
  /** False for guests and unknown people: Exchange has no mailbox for them in this tenant. */
  hasMailbox(person: string): boolean;
  /** Newest first. */
  messages(person: string): readonly MailMessage[];
  folders(person: string): readonly MailFolder[];
  /** The id of the mailbox's root folder ("Top of Information Store"), every folder's parent. */
  rootFolderId(person: string): string;
  /** A well-known name (any case) or a folder id (exact). */
  folder(person: string, ref: string): MailFolder | undefined;
  /** By REST id or immutable id, compared exactly: Exchange ids are case-sensitive. */
  byId(person: string, id: string): MailMessage | undefined;
  /** A control-API reference: an id, an internetMessageId or a fixture key. */
  find(person: string, ref: string): MailMessage | undefined;
  deliver(d: MailDelivery): MailMessage[];
  move(person: string, ref: string, folder: string): MailMessage;
  remove(person: string, ref: string): MailMessage;
  reset(): void;
}

export const FOLDER_NAMES: Readonly<Record<MailFolderName, string>> = {
  inbox: 'Inbox', sentitems: 'Sent Items', drafts: 'Drafts', deleteditems: 'Deleted Items', archive: 'Archive',
};

const REST_HEADER = Buffer.from('AAMkAGE1M2IyNGNmLTI5MTktNDUyMi1hZDg0LTQ2ZTk2ZWE2MzA0NABGAAAAAAAA', 'base64');
const IMMUTABLE_HEADER = Buffer.from('AAkALgAAAAAAHYQDEapmEc2byACqAC/EWg0A', 'base64');
const FOLDER_HEADER = Buffer.from('AAMkAGE1M2IyNGNmLTI5MTktNDUyMi1hZDg0LTQ2ZTk2ZWE2MzA0NAAuAAAA', 'base64');
/** Encodes as `+++/`: every id carries `+` and `/` (and ends in `=`), so an unencoded id breaks here first. */
const MARKER = Buffer.from([0xfb, 0xef, 0xbf]);

const digest = (...parts: string[]): Buffer => createHash('sha256').update(parts.join('\u0000')).digest();

/** Standard base64 of header + marker + 20 hash bytes: 71 bytes, so one `=` of padding. */
const opaqueId = (header: Buffer, ...parts: string[]): string =>
  Buffer.concat([header, MARKER, digest(...parts).subarray(0, 20)]).toString('base64');

export const restMessageId = (oid: string, key: string, moves: number): string => opaqueId(REST_HEADER, 'msg', oid, key, String(moves));
export const immutableMessageId = (oid: string, key: string): string => opaqueId(IMMUTABLE_HEADER, 'msg', oid, key);
export const restAttachmentId = (message: MailMessage, index: number): string => opaqueId(REST_HEADER, 'att', message.restId, String(index));
export const immutableAttachmentId = (message: MailMessage, index: number): string => opaqueId(IMMUTABLE_HEADER, 'att', message.immutableId, String(index));
const folderId = (oid: string, name: MailFolderName | 'msgfolderroot'): string => opaqueId(FOLDER_HEADER, 'folder', oid, name);

/**
 * What Exchange answers ErrorInvalidIdMalformed for: text that is not base64. Graph's ids are base64;
 * a `+` turned into a space by a form decoder or a `-`/`_` alphabet fails here. (Exchange also
 * refuses base64 that does not decode to an id; the emulator answers 404 for those.)
 */
export const isWellFormedId = (id: string): boolean => id.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(id);

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const attachmentBytes = (a: AttachmentFixture, seed: string): Buffer => {
  if (a.base64 !== undefined) return Buffer.from(a.base64, 'base64');
  if (a.text !== undefined) return Buffer.from(a.text, 'utf8');
  const size = a.size ?? 0;
  const out = Buffer.alloc(size + 3);
  // Mulberry32 rather than a hash chain: a megabyte in milliseconds, and the same bytes every run.
  const next = prng(digest(seed).readUInt32LE(0));
  for (let i = 0; i < size; i += 4) out.writeUInt32LE(Math.floor(next() * 0x1_0000_0000), i);
  if (a.contentType === 'image/png' && size >= PNG_SIGNATURE.length) PNG_SIGNATURE.copy(out, 0);
  return out.subarray(0, size);
};

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Splits delivered HTML into what Exchange keeps: extra head content, body attributes, body content. */
const splitHtml = (html: string): { head: string; bodyAttributes: string; inner: string } => {
  const head = /<head\b[^>]*>([\s\S]*?)<\/head\s*>/i.exec(html)?.[1] ?? '';
  const open = /<body\b([^>]*)>/i.exec(html);
  if (!open) {
    const withoutHead = html.replace(/<head\b[^>]*>[\s\S]*?<\/head\s*>/i, '').replace(/<\/?html\b[^>]*>/gi, '');
    return { head: head.trim(), bodyAttributes: '', inner: withoutHead.trim() };
  }
  const start = open.index + open[0].length;
  const end = html.search(/<\/body\s*>/i);
  return { head: head.trim(), bodyAttributes: open[1] ?? '', inner: html.slice(start, end < start ? undefined : end).trim() };
};

const LONG_DATE = new Intl.DateTimeFormat('en-US', {
  timeZone: 'UTC', weekday: 'long', month: 'long', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit',
});
const longDate = (ms: number): string => LONG_DATE.format(ms);

const display = (a: EmailAddress): string => (a.name && a.name !== a.address ? `${a.name} <${a.address}>` : a.address);

/** The answered message below a reply: Outlook's header block from colleagues, Gmail's "wrote:" quote from outside. */
const quoteOf = (parent: MailMessage, external: boolean): string => {
  if (external) {
    return `<div class="gmail_quote"><div dir="ltr" class="gmail_attr">On ${escapeHtml(longDate(parent.sentMs))} ${escapeHtml(display(parent.from))} wrote:<br></div>`
      + `<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">\r\n${parent.bodyInner}\r\n</blockquote></div>`;
  }
  const to = parent.to.map((a) => escapeHtml(display(a))).join('; ');
  const cc = parent.cc.length > 0 ? `<br>\r\n<b>Cc:</b> ${parent.cc.map((a) => escapeHtml(display(a))).join('; ')}` : '';
  return '<div id="appendonsend"></div>\r\n<hr style="display:inline-block;width:98%" tabindex="-1">\r\n'
    + '<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt" color="#000000">'
    + `<b>From:</b> ${escapeHtml(display(parent.from))}<br>\r\n<b>Sent:</b> ${escapeHtml(longDate(parent.sentMs))}<br>\r\n`
    + `<b>To:</b> ${to}${cc}<br>\r\n<b>Subject:</b> ${escapeHtml(parent.subject)}</font>\r\n<div>&nbsp;</div>\r\n</div>\r\n`
    + `<div>${parent.bodyInner}</div>`;
};

/** PidTagConversationIndex: a 22-byte header (reserved byte, time, thread GUID), plus 5 bytes per reply. */
const threadRoot = (conversationKey: string, ms: number): Buffer => {
  const header = Buffer.alloc(22);
  header[0] = 0x01;
  const filetime = (BigInt(ms) + 11_644_473_600_000n) * 10_000n;
  for (let i = 0; i < 5; i++) header[1 + i] = Number((filetime >> BigInt(56 - 8 * i)) & 0xffn);
  Buffer.from(stableGuid('thread', conversationKey).replaceAll('-', ''), 'hex').copy(header, 6);
  return header;
};

const threadChild = (parent: string, key: string): string =>
  Buffer.concat([Buffer.from(parent, 'base64'), digest('reply', key).subarray(0, 5)]).toString('base64');

export const createMailStore = (fx: MicrosoftFixture, dir: Directory, startDay: number): MailStore => {
  const byOwner = new Map<string, MailMessage[]>();
  let seq = 0;

  const mailboxOwner = (person: string): Principal | undefined => {
    const p = dir.home(person);
    return p && p.userType === 'Member' ? p : undefined;
  };
  const oidOf = (person: string): string => mailboxOwner(person)?.oid ?? person;

  /** A user key or any address → the person whose mailbox it is, if it is one of the tenants' members. */
  const personOf = (who: string): string | undefined => {
    if (mailboxOwner(who)) return who;
    return dir.personsMatching(who).find((p) => mailboxOwner(p) !== undefined);
  };
  const address = (who: string): EmailAddress => {
    const person = personOf(who);
    const p = person !== undefined ? dir.home(person) : undefined;
    return p ? { name: p.displayName, address: p.mail } : { name: who, address: who };
  };
  const domainOf = (a: EmailAddress): string => a.address.split('@')[1] ?? 'contoso.com';

  const conversationIdOf = (owner: string, conversationKey: string): string =>
    exchangeId('AAQkAGE1M2IyNGNmLTI5MTktNDUyMi1hZDg0LTQ2ZTk2ZWE2MzA0NAAQA', oidOf(owner), conversationKey);

  const add = (m: MailMessage): void => {
    const xs = byOwner.get(m.owner);
    if (xs) xs.push(m);
    else byOwner.set(m.owner, [m]);
  };
  const sortMailbox = (owner: string): void => {
    byOwner.get(owner)?.sort((a, b) => b.receivedMs - a.receivedMs || b.seq - a.seq);
  };

  interface Draft {
    owner: string;
    key: string;
    folder: MailFolderName;
    conversationKey: string;
    conversationIndex: string;
    internetMessageId: string;
    inReplyTo: string | null;
    references: string[];
    subject: string;
    from: EmailAddress;
    to: EmailAddress[];
    cc: EmailAddress[];
    sentMs: number;
    receivedMs: number;
    importance: 'low' | 'normal' | 'high';
    isRead: boolean;
    html: string;
    quote: MailMessage | null;
    attachments: AttachmentFixture[];
    attachmentSeed: string;
  }

  const materialise = (d: Draft): MailMessage => {
    const parts = splitHtml(d.html);
    const external = !mailboxOwner(personOf(d.from.address) ?? '');
    const bodyInner = d.quote ? `${parts.inner}\r\n${quoteOf(d.quote, external)}` : parts.inner;
    const oid = oidOf(d.owner);
    const m: MailMessage = {
      owner: d.owner, key: d.key, seq: seq++,
      immutableId: immutableMessageId(oid, d.key), restId: restMessageId(oid, d.key, 0), moves: 0,
      folder: d.folder, conversationKey: d.conversationKey, conversationId: conversationIdOf(d.owner, d.conversationKey),
      conversationIndex: d.conversationIndex, internetMessageId: d.internetMessageId, inReplyTo: d.inReplyTo,
      references: d.references, subject: d.subject, from: d.from, to: d.to, cc: d.cc,
      sentMs: d.sentMs, receivedMs: d.receivedMs, modifiedMs: d.receivedMs, importance: d.importance,
      isRead: d.isRead, isDraft: d.folder === 'drafts',
      head: parts.head, bodyAttributes: parts.bodyAttributes, bodyInner, uniqueInner: parts.inner,
      attachments: d.attachments.map((a, index) => ({
        index, name: a.name, contentType: a.contentType, isInline: a.inline ?? false,
        contentId: a.contentId ?? null, bytes: attachmentBytes(a, `${d.attachmentSeed}\u0000${index}`), lastModifiedMs: d.sentMs,
      })),
      transported: d.folder !== 'sentitems' && d.folder !== 'drafts',
    };
    add(m);
    return m;
  };

  const load = (): void => {
    byOwner.clear();
    seq = 0;
    const fixtures = new Map((fx.mail ?? []).map((m) => [m.key, m]));
    const built = new Map<string, MailMessage>();
    const building = new Set<string>();
    const build = (f: MessageFixture): MailMessage => {
      const done = built.get(f.key);
      if (done) return done;
      if (building.has(f.key)) throw new Error(`Fixture mail '${f.key}': replyTo/copyOf form a cycle`);
      building.add(f.key);
      const ref = (key: string | undefined, what: string): MailMessage | undefined => {
        if (key === undefined) return undefined;
        const target = fixtures.get(key);
        if (!target) throw new Error(`Fixture mail '${f.key}': ${what} '${key}' is not a mail key`);
        return build(target);
      };
      const original = ref(f.copyOf, 'copyOf');
      const parent = original ? undefined : ref(f.replyTo, 'replyTo');
      const from = address(f.from);
      const receivedMs = resolveWhen(f.received, startDay);
      const folder = f.folder ?? 'inbox';
      const conversationKey = f.conversation ?? original?.conversationKey ?? f.key;
      let m: MailMessage;
      if (original) {
        // The same sent message as delivered to another mailbox: identity and content come from the original.
        m = materialise({
          owner: f.mailbox, key: f.key, folder, conversationKey, conversationIndex: original.conversationIndex,
          internetMessageId: original.internetMessageId, inReplyTo: original.inReplyTo, references: original.references,
          subject: original.subject, from: original.from, to: original.to, cc: original.cc,
          sentMs: original.sentMs, receivedMs, importance: original.importance, isRead: f.isRead ?? folder === 'sentitems',
          html: '', quote: null, attachments: [], attachmentSeed: '',
        });
        m.head = original.head;
        m.bodyAttributes = original.bodyAttributes;
        m.bodyInner = original.bodyInner;
        m.uniqueInner = original.uniqueInner;
        m.attachments = original.attachments.map((a) => ({ ...a }));
      } else {
        const sameThread = parent !== undefined && parent.conversationKey === conversationKey;
        const sentMs = folder === 'sentitems' || folder === 'drafts' ? receivedMs : receivedMs - 30_000;
        m = materialise({
          owner: f.mailbox, key: f.key, folder, conversationKey,
          conversationIndex: sameThread ? threadChild(parent.conversationIndex, f.key) : threadRoot(conversationKey, sentMs).toString('base64'),
          internetMessageId: `<${stableGuid(f.key).replaceAll('-', '').toUpperCase()}@${domainOf(from)}>`,
          inReplyTo: parent?.internetMessageId ?? null,
          references: parent ? [...parent.references, parent.internetMessageId] : [],
          subject: f.subject, from, to: f.to.map(address), cc: (f.cc ?? []).map(address),
          sentMs, receivedMs, importance: f.importance ?? 'normal', isRead: f.isRead ?? folder !== 'inbox',
          html: f.body, quote: f.quote && parent ? parent : null, attachments: f.attachments ?? [], attachmentSeed: f.key,
        });
      }
      building.delete(f.key);
      built.set(f.key, m);
      return m;
    };
    for (const f of fx.mail ?? []) build(f);
    for (const owner of byOwner.keys()) sortMailbox(owner);
  };

  const folderList = (person: string): MailFolder[] =>
    (Object.keys(FOLDER_NAMES) as MailFolderName[]).map((name) => ({
      owner: person, name, id: folderId(oidOf(person), name), displayName: FOLDER_NAMES[name],
    }));

  const byId = (person: string, id: string): MailMessage | undefined =>
    (byOwner.get(person) ?? []).find((m) => m.restId === id || m.immutableId === id);

  const find = (person: string, ref: string): MailMessage | undefined =>
    byId(person, ref) ?? (byOwner.get(person) ?? []).find((m) => m.internetMessageId === ref || m.key === ref);

  const required = (person: string, ref: string): MailMessage => {
    if (!mailboxOwner(person)) throw new MailInputError(404, `'${person}' has no mailbox`);
    const m = find(person, ref);
    if (!m) throw new MailInputError(404, `No message '${ref}' in ${person}'s mailbox`);
    return m;
  };

  const folderOf = (person: string, ref: string): MailFolder | undefined =>
    folderList(person).find((f) => f.id === ref || f.name === ref.toLowerCase());

  load();

  return {
    hasMailbox: (person) => mailboxOwner(person) !== undefined,
    messages: (person) => byOwner.get(person) ?? [],
    folders: folderList,
    rootFolderId: (person) => folderId(oidOf(person), 'msgfolderroot'),
    folder: folderOf,
    byId,
    find,
    deliver: (d) => {
      const to = d.to.map(address);
      const cc = (d.cc ?? []).map(address);
      const from = address(d.from);
      const sender = personOf(d.from);
      const recipients = [...new Set([...d.to, ...(d.cc ?? [])].map(personOf).filter((p): p is string => p !== undefined))];
      if (recipients.length === 0 && sender === undefined) throw new MailInputError(400, 'Nobody in the tenant sends or receives this message');
      const key = `rt-${seq}`;
      const internetMessageId = `<${stableGuid(key, String(d.at)).replaceAll('-', '').toUpperCase()}@${domainOf(from)}>`;
      const copies: Array<{ owner: string; folder: MailFolderName }> = [
        ...(sender !== undefined ? [{ owner: sender, folder: 'sentitems' as const }] : []),
        ...recipients.filter((r) => r !== sender).map((owner) => ({ owner, folder: 'inbox' as const })),
      ];
      const mode = d.conversation ?? (d.inReplyTo !== undefined ? 'same' : 'new');
      if (mode === 'same' && d.inReplyTo === undefined) throw new MailInputError(400, "conversation 'same' needs inReplyTo");
      const parents = copies.map((c) => (d.inReplyTo !== undefined ? (byOwner.get(c.owner) ?? []).find((m) => m.internetMessageId === d.inReplyTo) : undefined));
      if (d.inReplyTo !== undefined && parents.every((p) => p === undefined)) {
        throw new MailInputError(404, `inReplyTo ${d.inReplyTo} is in none of the mailboxes this message reaches`);
      }
      const anyParent = parents.find((p) => p !== undefined);
      // Outlook's Thread-Index carries the thread to every mailbox, even one that never had the parent.
      const conversationKey = mode === 'same' && anyParent ? anyParent.conversationKey : key;
      const out = copies.map((c, i) => {
        const parent = parents[i];
        const m = materialise({
          owner: c.owner, key, folder: c.folder, conversationKey,
          conversationIndex: mode === 'same' && anyParent ? threadChild((parent ?? anyParent).conversationIndex, key) : threadRoot(key, d.at).toString('base64'),
          internetMessageId, inReplyTo: d.inReplyTo ?? null,
          references: anyParent ? [...anyParent.references, anyParent.internetMessageId] : [],
          subject: d.subject, from, to, cc, sentMs: c.folder === 'sentitems' ? d.at : d.at - 1_000, receivedMs: d.at,
          importance: d.importance ?? 'normal', isRead: c.folder === 'sentitems',
          html: d.html, quote: (d.quote ?? true) ? (parent ?? null) : null, attachments: d.attachments ?? [], attachmentSeed: key,
        });
        sortMailbox(c.owner);
        return m;
      });
      return out;
    },
    move: (person, ref, folder) => {
      const m = required(person, ref);
      const target = folderOf(person, folder);
      if (!target) throw new MailInputError(400, `Unknown folder '${folder}' (one of ${Object.keys(FOLDER_NAMES).join(', ')}, or a folder id)`);
      if (target.name !== m.folder) {
        m.folder = target.name;
        m.moves++;
        m.restId = restMessageId(oidOf(person), m.key, m.moves);
      }
      return m;
    },
    remove: (person, ref) => {
      const m = required(person, ref);
      const xs = byOwner.get(person) ?? [];
      xs.splice(xs.indexOf(m), 1);
      return m;
    },
    reset: load,
  };
};
