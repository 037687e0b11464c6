/**
 * Hand-over's mailbox check: which of some Message-IDs (RFC 5322, the same in every mailbox that
 * received the mail) are in the new owner's own mailbox, and under which of *their* ids. Read with
 * their token (`/me/messages`), so only mail they can read is ever found. Graph facts: `$filter` on
 * `internetMessageId` (message resource: "Supports $filter"), `Prefer: IdType="ImmutableId"`
 * (outlook-immutable-id), `$batch` of at most 20 parts (json-batching).
 */
import { failWith, ok, type Result } from '../../core/result';
import { isRecord, own } from '../../core/guards';
import { GRAPH_ID, INTERNET_MESSAGE_ID } from '../../core/sharing/model';
import type { BatchPart, GraphClient } from './client';
import { IMMUTABLE_IDS, prefer } from './paths';

/** 25 Message-IDs per `$filter`, so a hand-over of 100 is 4 parts: within Outlook's 4 concurrent requests per mailbox. */
const OR_CHUNK = 25;
const odataString = (v: string): string => `'${v.replace(/'/g, "''")}'`;

export interface FoundMessage {
  messageId: string;
  conversationId: string;
}

/** Per Message-ID found: the oldest copy's immutable id and conversation (a sent copy and a received copy share one Message-ID). */
export async function findMessages(graph: GraphClient, internetMessageIds: readonly string[]): Promise<Result<Map<string, FoundMessage>>> {
  const ids = [...new Set(internetMessageIds.filter((i) => INTERNET_MESSAGE_ID.test(i)))];
  const out = new Map<string, FoundMessage>();
  if (ids.length === 0) return ok(out);
  const parts: Record<string, BatchPart> = {};
  for (let i = 0; i < ids.length; i += OR_CHUNK) {
    const filter = ids.slice(i, i + OR_CHUNK).map((v) => `internetMessageId eq ${odataString(v)}`).join(' or ');
    parts[`f${String(i / OR_CHUNK)}`] = { path: `/me/messages?$filter=${encodeURIComponent(filter)}&$select=id,internetMessageId,conversationId,isDraft&$top=100`, headers: prefer(IMMUTABLE_IDS) };
  }
  const r = await graph.batch<Record<string, unknown>>(parts);
  if (!r.ok) return r;
  for (const a of Object.values(r.value)) {
    if (!a.ok) return a;
    const list = isRecord(a.value) ? own(a.value, 'value') : undefined;
    if (!Array.isArray(list)) return failWith('MS_UNAVAILABLE', 'bad_response');
    for (const m of list) {
      if (!isRecord(m) || own(m, 'isDraft') === true) continue;
      const id = own(m, 'id');
      const imid = own(m, 'internetMessageId');
      const conv = own(m, 'conversationId');
      if (typeof id !== 'string' || !GRAPH_ID.test(id) || typeof imid !== 'string' || !ids.includes(imid) || typeof conv !== 'string' || !GRAPH_ID.test(conv)) continue;
      if (!out.has(imid)) out.set(imid, { messageId: id, conversationId: conv });
    }
  }
  return ok(out);
}
