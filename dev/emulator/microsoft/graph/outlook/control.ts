import { Hono } from 'hono';
import type { AttachmentFixture } from '../../fixture';
import type { TenantModel } from '../../data/model';
import { MailInputError, type MailMessage } from '../../data/mail';

// Mail as it changes in Outlook while the app runs: a reply arrives, the owner moves or deletes a
// message. For tests and demos; the host mounts the routes under /__emulator/mail.

export interface MailDeliveryRequest {
  /** User keys or addresses; tenant members receive a copy in their Inbox. */
  to: string | string[];
  cc?: string[];
  /** A user key (who also gets a Sent Items copy) or any address, e.g. `dana@northwind.example`. */
  from: string;
  subject: string;
  html: string;
  /** internetMessageId of the message answered: sets In-Reply-To and References. */
  inReplyTo?: string;
  /** 'same' (default with inReplyTo) stays in the thread's conversation; 'new' gets a new conversationId, as replies from outside often do. */
  conversation?: 'same' | 'new';
  /** Quote the answered message below `html` (default true with inReplyTo); uniqueBody is `html` alone. */
  quote?: boolean;
  attachments?: AttachmentFixture[];
  importance?: 'low' | 'normal' | 'high';
}

/** A message in someone's mailbox: `id` may be its REST id, immutable id, internetMessageId or fixture key. */
export interface MailRef {
  user: string;
  id: string;
}

export interface MailSummary {
  user: string;
  mailbox: string;
  key: string;
  folder: string;
  /** The default (REST) id, which a move changes. */
  id: string;
  immutableId: string;
  internetMessageId: string;
  conversationId: string;
  subject: string;
  receivedDateTime: string;
}

export interface MailControl {
  deliver(r: MailDeliveryRequest): MailSummary[];
  move(r: MailRef & { folder: string }): MailSummary;
  /** Deleted for good (as after emptying Deleted Items): every id of it answers 404. Move to `deleteditems` for a soft delete. */
  remove(r: MailRef): MailSummary;
  list(user: string): MailSummary[];
  /** Every mailbox back to the fixture (the emulator's `reset()` does this too, besides the rest). */
  reset(): void;
}

export { MailInputError };

export const createMailControl = (model: TenantModel, now: () => number): MailControl => {
  const personOf = (user: string): string => {
    const person = model.directory.home(user) ? user : model.directory.personsMatching(user)[0];
    if (person === undefined || !model.mail.hasMailbox(person)) throw new MailInputError(404, `'${user}' has no mailbox in the emulator`);
    return person;
  };
  const summary = (m: MailMessage): MailSummary => ({
    user: m.owner, mailbox: model.directory.home(m.owner)?.mail ?? m.owner, key: m.key, folder: m.folder,
    id: m.restId, immutableId: m.immutableId, internetMessageId: m.internetMessageId, conversationId: m.conversationId,
    subject: m.subject, receivedDateTime: new Date(m.receivedMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  });
  return {
    deliver: (r) => model.mail.deliver({
      to: Array.isArray(r.to) ? r.to : [r.to], ...(r.cc ? { cc: r.cc } : {}), from: r.from, subject: r.subject, html: r.html,
      ...(r.inReplyTo !== undefined ? { inReplyTo: r.inReplyTo } : {}), ...(r.conversation ? { conversation: r.conversation } : {}),
      ...(r.quote !== undefined ? { quote: r.quote } : {}), ...(r.attachments ? { attachments: r.attachments } : {}),
      ...(r.importance ? { importance: r.importance } : {}), at: now(),
    }).map(summary),
    move: (r) => summary(model.mail.move(personOf(r.user), r.id, r.folder)),
    remove: (r) => summary(model.mail.remove(personOf(r.user), r.id)),
    list: (user) => model.mail.messages(personOf(user)).map(summary),
    reset: () => model.mail.reset(),
  };
};

const isStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');

const attachmentsOf = (x: unknown): AttachmentFixture[] | string => {
  if (!Array.isArray(x)) return 'attachments must be an array';
  const out: AttachmentFixture[] = [];
  for (const a of x as unknown[]) {
    const o = (a ?? {}) as Record<string, unknown>;
    if (typeof o['name'] !== 'string' || typeof o['contentType'] !== 'string') return 'each attachment needs name and contentType';
    if (o['base64'] !== undefined && (typeof o['base64'] !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(o['base64']))) return `attachment '${o['name']}': base64 is not base64`;
    if (o['text'] !== undefined && typeof o['text'] !== 'string') return `attachment '${o['name']}': text must be a string`;
    if (o['base64'] === undefined && o['text'] === undefined) return `attachment '${o['name']}': give base64 or text`;
    out.push({
      name: o['name'], contentType: o['contentType'],
      ...(o['inline'] === true ? { inline: true } : {}),
      ...(typeof o['contentId'] === 'string' ? { contentId: o['contentId'] } : {}),
      ...(typeof o['base64'] === 'string' ? { base64: o['base64'] } : {}),
      ...(typeof o['text'] === 'string' ? { text: o['text'] } : {}),
    });
  }
  return out;
};

const deliveryOf = (b: Record<string, unknown>): MailDeliveryRequest | string => {
  const to = typeof b['to'] === 'string' ? [b['to']] : b['to'];
  if (!isStrings(to) || to.length === 0) return 'to (a user key or address, or a list of them) required';
  if (b['cc'] !== undefined && !isStrings(b['cc'])) return 'cc must be a list of user keys or addresses';
  for (const k of ['from', 'subject', 'html'] as const) if (typeof b[k] !== 'string') return `${k} (a string) required`;
  if (b['inReplyTo'] !== undefined && typeof b['inReplyTo'] !== 'string') return 'inReplyTo must be an internetMessageId';
  if (b['conversation'] !== undefined && b['conversation'] !== 'same' && b['conversation'] !== 'new') return "conversation must be 'same' or 'new'";
  if (b['quote'] !== undefined && typeof b['quote'] !== 'boolean') return 'quote must be true or false';
  const importance = b['importance'];
  if (importance !== undefined && importance !== 'low' && importance !== 'normal' && importance !== 'high') return "importance must be 'low', 'normal' or 'high'";
  const attachments = b['attachments'] === undefined ? undefined : attachmentsOf(b['attachments']);
  if (typeof attachments === 'string') return attachments;
  return {
    to, from: b['from'] as string, subject: b['subject'] as string, html: b['html'] as string,
    ...(isStrings(b['cc']) ? { cc: b['cc'] } : {}),
    ...(typeof b['inReplyTo'] === 'string' ? { inReplyTo: b['inReplyTo'] } : {}),
    ...(b['conversation'] === 'same' || b['conversation'] === 'new' ? { conversation: b['conversation'] } : {}),
    ...(typeof b['quote'] === 'boolean' ? { quote: b['quote'] } : {}),
    ...(attachments ? { attachments } : {}),
    ...(importance !== undefined ? { importance } : {}),
  };
};

/**
 * `POST /mail` delivers, `POST /mail/move` moves, `POST /mail/delete` deletes for good,
 * `GET /mail?user=alice` lists a mailbox's ids (newest first). Mount under the host's control base.
 */
export const mailControlRoutes = (mail: MailControl): Hono => {
  const app = new Hono();
  const run = <T>(f: () => T): { ok: true; value: T } | { ok: false; status: 400 | 404; error: string } => {
    try {
      return { ok: true, value: f() };
    } catch (e) {
      if (e instanceof MailInputError) return { ok: false, status: e.status, error: e.message };
      throw e;
    }
  };
  const body = async (c: { req: { json(): Promise<unknown> } }): Promise<Record<string, unknown>> =>
    ((await c.req.json().catch(() => ({}))) ?? {}) as Record<string, unknown>;
  const ref = (b: Record<string, unknown>): MailRef | string =>
    typeof b['user'] === 'string' && typeof b['id'] === 'string' ? { user: b['user'], id: b['id'] } : 'user and id (an id, internetMessageId or fixture key) required';

  app.get('/', (c) => {
    const user = c.req.query('user');
    if (user === undefined) return c.json({ error: 'user (a user key or address) required' }, 400);
    const r = run(() => mail.list(user));
    return r.ok ? c.json({ messages: r.value }) : c.json({ error: r.error }, r.status);
  });
  app.post('/', async (c) => {
    const d = deliveryOf(await body(c));
    if (typeof d === 'string') return c.json({ error: d }, 400);
    const r = run(() => mail.deliver(d));
    return r.ok ? c.json({ messages: r.value }, 201) : c.json({ error: r.error }, r.status);
  });
  app.post('/move', async (c) => {
    const b = await body(c);
    const target = ref(b);
    if (typeof target === 'string' || typeof b['folder'] !== 'string') return c.json({ error: 'user, id and folder (inbox, sentitems, drafts, deleteditems, archive) required' }, 400);
    const folder = b['folder'];
    const r = run(() => mail.move({ ...target, folder }));
    return r.ok ? c.json({ message: r.value }) : c.json({ error: r.error }, r.status);
  });
  app.post('/delete', async (c) => {
    const target = ref(await body(c));
    if (typeof target === 'string') return c.json({ error: target }, 400);
    const r = run(() => mail.remove(target));
    return r.ok ? c.json({ deleted: r.value }) : c.json({ error: r.error }, r.status);
  });
  return app;
};
