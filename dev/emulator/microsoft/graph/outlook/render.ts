import { immutableAttachmentId, type MailAttachment, type MailFolder, type MailMessage, restAttachmentId } from '../../data/mail';
import { stableGuid } from '../../data/ids';
import { GraphError } from '../errors';
import type { Preferences } from './common';
import { exchangeAccessDenied } from './common';
import { filterUnsafeHtml, htmlToText, previewOf } from './html';

type Json = Record<string, unknown>;

/** What Graph returns without `$select`, in its order. */
const DEFAULT_PROPERTIES = [
  'createdDateTime', 'lastModifiedDateTime', 'changeKey', 'categories', 'receivedDateTime', 'sentDateTime',
  'hasAttachments', 'internetMessageId', 'subject', 'bodyPreview', 'importance', 'parentFolderId', 'conversationId',
  'conversationIndex', 'isDeliveryReceiptRequested', 'isReadReceiptRequested', 'isRead', 'isDraft', 'webLink',
  'inferenceClassification', 'body', 'sender', 'from', 'toRecipients', 'ccRecipients', 'bccRecipients', 'replyTo', 'flag',
] as const;

/** Returned only when `$select` names them (message resource: uniqueBody, internetMessageHeaders). */
const SELECT_ONLY = ['uniqueBody', 'internetMessageHeaders'] as const;

/** Mail.ReadBasic reads everything but these (permissions reference, Mail.ReadBasic). */
const NOT_BASIC = new Set(['body', 'bodypreview', 'uniquebody']);

const KNOWN = new Map([...DEFAULT_PROPERTIES, ...SELECT_ONLY, 'id'].map((p) => [p.toLowerCase(), p]));

export interface MessageView {
  prefs: Preferences;
  /** Property names from `$select`, checked; undefined: the default set. */
  select: string[] | undefined;
  /** Extended property ids asked by `$expand=singleValueExtendedProperties($filter=id eq '…')`. */
  extended: ExtendedPropertyId[];
}

/** `$select` against the message type; an unknown name is Graph's 400, a body under Mail.ReadBasic its 403. */
export const checkSelect = (select: string[] | undefined, basicOnly: boolean): string[] | undefined => {
  if (!select) return undefined;
  return select.map((s) => {
    const known = KNOWN.get(s.toLowerCase());
    if (!known) {
      throw new GraphError(400, 'RequestBroker--ParseUri', `Could not find a property named '${s}' on type 'microsoft.graph.message'.`);
    }
    if (basicOnly && NOT_BASIC.has(known.toLowerCase())) throw exchangeAccessDenied();
    return known;
  });
};

const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const rfc2822 = (ms: number): string => new Date(ms).toUTCString().replace('GMT', '+0000');

const recipient = (a: { name: string; address: string }) => ({ emailAddress: { name: a.name, address: a.address } });

const changeKeyOf = (m: MailMessage): string =>
  Buffer.from(stableGuid(m.restId, String(m.modifiedMs)).replaceAll('-', ''), 'hex').toString('base64').slice(0, 24);

const META = '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">';

/** The stored HTML as Exchange serves it: a whole document with a charset meta, filtered unless asked not to be. */
const htmlDocument = (m: MailMessage, unsafe: boolean): string => {
  const head = m.head.replace(/<meta\b[^>]*http-equiv\s*=\s*["']?content-type["']?[^>]*>/gi, '').trim();
  const html = `<html>\r\n<head>\r\n${META}${head ? `\r\n${head}` : ''}\r\n</head>\r\n<body${m.bodyAttributes}>\r\n${m.bodyInner}\r\n</body>\r\n</html>\r\n`;
  return unsafe ? html : filterUnsafeHtml(html);
};

const uniqueDocument = (m: MailMessage, unsafe: boolean): string => {
  const html = `<html><body><div>\r\n<div>${m.uniqueInner}</div>\r\n</div>\r\n</body></html>`;
  return unsafe ? html : filterUnsafeHtml(html);
};

const bodyOf = (m: MailMessage, prefs: Preferences, unique: boolean) =>
  prefs.bodyType === 'text'
    ? { contentType: 'text', content: htmlToText(unique ? m.uniqueInner : m.bodyInner) }
    : { contentType: 'html', content: unique ? uniqueDocument(m, prefs.unsafeHtml) : htmlDocument(m, prefs.unsafeHtml) };

/**
 * Transport headers of a received message. The copy in Sent Items (and a draft) has none: Graph
 * leaves the property out for them (microsoft-graph-docs #2716, #3066). A client that starts the
 * thread (Outlook) sends Thread-Index; one from outside usually does not.
 */
const headersOf = (m: MailMessage, external: boolean): Array<{ name: string; value: string }> | undefined => {
  if (!m.transported) return undefined;
  const senderHost = m.from.address.split('@')[1] ?? 'example.com';
  return [
    { name: 'Received', value: `from mail.${senderHost} (203.0.113.25) by CO1PR11MB5089.namprd11.prod.outlook.com with Microsoft SMTP Server (version=TLS1_2); ${rfc2822(m.receivedMs)}` },
    { name: 'Message-ID', value: m.internetMessageId },
    ...(m.inReplyTo ? [{ name: 'In-Reply-To', value: m.inReplyTo }] : []),
    ...(m.references.length > 0 ? [{ name: 'References', value: m.references.join(' ') }] : []),
    { name: 'Date', value: rfc2822(m.sentMs) },
    { name: 'Subject', value: m.subject },
    ...(external ? [] : [
      { name: 'Thread-Topic', value: m.subject.replace(/^(re|fw|fwd):\s*/i, '') },
      { name: 'Thread-Index', value: m.conversationIndex },
    ]),
    { name: 'MIME-Version', value: '1.0' },
    {
      name: 'Content-Type',
      value: m.attachments.length > 0
        ? `multipart/${m.attachments.some((a) => a.isInline) ? 'related' : 'mixed'}; boundary="_004_${m.key}_"`
        : `multipart/alternative; boundary="_000_${m.key}_"`,
    },
    { name: 'X-MS-Has-Attach', value: m.attachments.some((a) => !a.isInline) ? 'yes' : '' },
  ];
};

/** PidTag properties a client can read through singleValueExtendedProperties. */
const EXTENDED: Record<number, (m: MailMessage) => string | null> = {
  0x1035: (m) => m.internetMessageId,
  0x1039: (m) => (m.references.length > 0 ? m.references.join(' ') : null),
  0x1042: (m) => m.inReplyTo,
};

export interface ExtendedPropertyId {
  /** As the client wrote it; Graph echoes the id it was asked for. */
  id: string;
  tag: number;
}

/** `String 0x1042` → tag 0x1042; other property types and named properties are not emulated. */
export const parseExtendedId = (raw: string): ExtendedPropertyId => {
  const m = /^String\s+0x([0-9a-f]{1,4})$/i.exec(raw.trim());
  if (!m?.[1]) throw new GraphError(400, 'ErrorInvalidExtendedPropertyValue', `The extended property id '${raw}' is not one the emulator knows (String 0x1035, 0x1039, 0x1042).`);
  return { id: raw.trim(), tag: parseInt(m[1], 16) };
};

export const extendedValue = (m: MailMessage, tag: number): string | null => EXTENDED[tag]?.(m) ?? null;

export const renderMessage = (m: MailMessage, folder: MailFolder, v: MessageView, basicOnly: boolean, externalSender: boolean): Json => {
  const id = v.prefs.immutableIds ? m.immutableId : m.restId;
  const changeKey = changeKeyOf(m);
  const all: Json = {
    createdDateTime: isoSeconds(m.receivedMs), lastModifiedDateTime: isoSeconds(m.modifiedMs), changeKey, categories: [],
    receivedDateTime: isoSeconds(m.receivedMs), sentDateTime: isoSeconds(m.sentMs),
    hasAttachments: m.attachments.some((a) => !a.isInline), internetMessageId: m.internetMessageId, subject: m.subject,
    bodyPreview: previewOf(m.bodyInner), importance: m.importance, parentFolderId: folder.id, conversationId: m.conversationId,
    conversationIndex: m.conversationIndex, isDeliveryReceiptRequested: false, isReadReceiptRequested: false,
    isRead: m.isRead, isDraft: m.isDraft,
    webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(m.restId)}&exvsurl=1&viewmodel=ReadMessageItem`,
    inferenceClassification: 'focused', body: undefined, sender: recipient(m.from), from: recipient(m.from),
    toRecipients: m.to.map(recipient), ccRecipients: m.cc.map(recipient), bccRecipients: [], replyTo: [],
    flag: { flagStatus: 'notFlagged' },
  };
  const names: string[] = v.select ?? [...DEFAULT_PROPERTIES].filter((p) => !(basicOnly && NOT_BASIC.has(p.toLowerCase())));
  const out: Json = { '@odata.etag': `W/"${changeKey}"`, id };
  for (const name of names) {
    if (name === 'id') continue;
    if (name === 'body') out['body'] = bodyOf(m, v.prefs, false);
    else if (name === 'uniqueBody') out['uniqueBody'] = bodyOf(m, v.prefs, true);
    else if (name === 'internetMessageHeaders') {
      const headers = headersOf(m, externalSender);
      if (headers) out['internetMessageHeaders'] = headers;
    } else out[name] = all[name];
  }
  const extended = v.extended
    .map((e) => ({ id: e.id, value: extendedValue(m, e.tag) }))
    .filter((e): e is { id: string; value: string } => e.value !== null);
  if (extended.length > 0) out['singleValueExtendedProperties'] = extended;
  return out;
};

export const attachmentIds = (m: MailMessage, a: MailAttachment) =>
  ({ rest: restAttachmentId(m, a.index), immutable: immutableAttachmentId(m, a.index) });

const ATTACHMENT_PROPERTIES = ['id', 'lastModifiedDateTime', 'name', 'contentType', 'size', 'isInline', 'contentId', 'contentLocation', 'contentBytes'];

export const renderAttachment = (m: MailMessage, a: MailAttachment, prefs: Preferences, select: string[] | undefined): Json => {
  const ids = attachmentIds(m, a);
  const all: Json = {
    '@odata.type': '#microsoft.graph.fileAttachment', '@odata.mediaContentType': a.contentType,
    id: prefs.immutableIds ? ids.immutable : ids.rest, lastModifiedDateTime: isoSeconds(a.lastModifiedMs), name: a.name,
    contentType: a.contentType, size: a.bytes.length, isInline: a.isInline, contentId: a.contentId, contentLocation: null,
    contentBytes: a.bytes.toString('base64'),
  };
  if (!select) return all;
  const wanted = select.map((s) => {
    const known = ATTACHMENT_PROPERTIES.find((p) => p.toLowerCase() === s.toLowerCase());
    if (!known) throw new GraphError(400, 'RequestBroker--ParseUri', `Could not find a property named '${s}' on type 'microsoft.graph.attachment'.`);
    return known;
  });
  return Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith('@') || k === 'id' || wanted.includes(k)));
};

export const renderFolder = (f: MailFolder, messages: readonly MailMessage[], rootId: string): Json => {
  const inside = messages.filter((m) => m.folder === f.name);
  return {
    id: f.id, displayName: f.displayName, parentFolderId: rootId, childFolderCount: 0,
    unreadItemCount: inside.filter((m) => !m.isRead).length, totalItemCount: inside.length,
    sizeInBytes: inside.reduce((n, m) => n + m.bodyInner.length + m.attachments.reduce((k, a) => k + a.bytes.length, 0), 0),
    isHidden: false,
  };
};
