/**
 * A shared Teams chat: its messages as the panel shows them, newest page first with "older" paging,
 * and system events folded into one quiet line. Pure: the adapter reads Graph on the sharer's behalf
 * (`/chats/{id}/messages`, `$top` ≤ 50, `$orderby=createdDateTime desc`, older pages by
 * `$filter=createdDateTime lt …` — Graph applies that filter only with the same `$orderby`, and sorts
 * descending only: chat-list-messages.md). Nothing here is stored.
 *
 * Message HTML never reaches the browser as HTML: it is reduced here to text runs, mentions and
 * hosted-image references, so nothing in a chat message can run or load anything in the panel.
 */

/** Graph's maximum page of chat messages (chat-list-messages.md: "Maximum allowed $top value is 50"). */
export const CHAT_PAGE_MAX = 50;
/** What the panel asks for a page. */
export const CHAT_PAGE = 20;
/** Hosted images one request fetches (Teams allows one request per second per chat: each image waits its turn). */
export const CHAT_IMAGES_PER_CALL = 4;
export const CHAT_IMAGE_MAX_BYTES = 200 * 1024;

export type ChatPart = { t: 'text'; text: string } | { t: 'mention'; name: string } | { t: 'image'; hostedId: string };

/** A chat message as the adapter read it: untrusted, bounded. */
export interface ChatMessageRaw {
  id: string;
  createdAt: string;
  kind: 'message' | 'system' | 'other';
  fromName: string;
  deleted: boolean;
  edited: boolean;
  importance: 'normal' | 'high' | 'urgent';
  /** `text` or `html`. */
  contentType: 'text' | 'html';
  content: string;
  /** `mentions[].mentionText` by `id`, as `<at id="n">` refers to them. */
  mentions: Record<string, string>;
  /** reactionType → how many. */
  reactions: Record<string, number>;
  files: string[];
  /** System events: what happened (`membersAdded`, `chatRenamed`, …). */
  event?: string;
}

export interface ChatMessageView {
  id: string;
  at: string;
  from: string;
  parts: ChatPart[];
  reactions: Array<{ type: string; count: number }>;
  files: string[];
  edited: boolean;
  deleted: boolean;
  important: boolean;
}

/** Several system events in a row, as one quiet line. */
export interface ChatEventsLine {
  events: true;
  at: string;
  text: string;
}

export type ChatEntry = ({ events?: undefined } & ChatMessageView) | ChatEventsLine;

export interface ChatView {
  /** Newest first, as Graph pages them. */
  entries: ChatEntry[];
  /** `createdDateTime` of the oldest message read: where "older" continues. Absent: no older messages. */
  olderBefore?: string;
}

const EVENT_WORDS: Record<string, string> = {
  membersAdded: 'members added',
  membersDeleted: 'members removed',
  membersJoined: 'members joined',
  membersLeft: 'members left',
  chatRenamed: 'chat renamed',
  callStarted: 'call started',
  callEnded: 'call ended',
  messagePinned: 'message pinned',
  messageUnpinned: 'message unpinned',
  teamsAppInstalled: 'app added',
  teamsAppRemoved: 'app removed',
};

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
export const decodeEntities = (s: string): string =>
  s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (all, e: string) => {
    if (e.startsWith('#')) {
      const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : all;
    }
    return ENTITIES[e.toLowerCase()] ?? all;
  });

/** Hosted content ids as Teams gives them (base64 without padding, in the image URL's path). */
const HOSTED_ID = /^[A-Za-z0-9_=-]{8,600}$/;

/**
 * Message HTML as text runs, mentions and hosted images. Block ends become line breaks; every other
 * tag is dropped, entities decoded. `<at id="n">` names come from the message's `mentions` (Teams's
 * own text), falling back to what the tag encloses. Images count only when they are this chat's
 * hosted contents on Graph (`…/chats/{chat}/messages/{id}/hostedContents/{hid}/$value`).
 */
export function chatParts(m: Pick<ChatMessageRaw, 'contentType' | 'content' | 'mentions' | 'id'>, chatId: string): ChatPart[] {
  if (m.contentType === 'text') return m.content ? [{ t: 'text', text: m.content }] : [];
  const parts: ChatPart[] = [];
  const pushText = (html: string) => {
    const text = decodeEntities(html.replace(/<\s*br\s*\/?>/gi, '\n').replace(/<\/\s*(p|div|li|h\d)\s*>/gi, '\n').replace(/<[^>]*>/g, ''));
    if (!text) return;
    const last = parts[parts.length - 1];
    if (last?.t === 'text') last.text += text;
    else parts.push({ t: 'text', text });
  };
  const token = /<at\b[^>]*\bid\s*=\s*"(\d{1,3})"[^>]*>([\s\S]*?)<\/at>|<img\b[^>]*>|<attachment\b[^>]*>\s*<\/attachment>/gi;
  let at = 0;
  for (const x of m.content.matchAll(token)) {
    pushText(m.content.slice(at, x.index));
    at = x.index + x[0].length;
    // The mention's own group matched (`<attachment …>` also begins with "<at").
    if (x[1] !== undefined) {
      const name = m.mentions[x[1]] ?? decodeEntities((x[2] ?? '').replace(/<[^>]*>/g, ''));
      parts.push({ t: 'mention', name: name.slice(0, 200) });
    } else if (x[0].toLowerCase().startsWith('<img')) {
      const src = /\bsrc\s*=\s*"([^"]*)"/i.exec(x[0])?.[1] ?? '';
      const hosted = /\/chats\/([^/]+)\/messages\/([^/]+)\/hostedContents\/([^/]+)\/\$value$/.exec(src);
      let chat = '';
      try {
        chat = decodeURIComponent(hosted?.[1] ?? '');
      } catch {
        chat = '';
      }
      if (hosted && chat === chatId && hosted[2] === m.id && HOSTED_ID.test(hosted[3] ?? '')) parts.push({ t: 'image', hostedId: hosted[3] ?? '' });
    }
  }
  pushText(m.content.slice(at));
  // Trailing line breaks from the last paragraph are noise.
  const last = parts[parts.length - 1];
  if (last?.t === 'text') {
    last.text = last.text.replace(/\s+$/, '');
    if (!last.text) parts.pop();
  }
  return parts;
}

/**
 * Teams's older reaction names and the emoji they stand for: `reactionType` is "like, angry, sad, laugh,
 * heart, surprised" or a Unicode emoji (Graph chatMessageReaction; Bot Framework's ReactionType lists the
 * names), so one chat can hold both `like` and 👍. One reaction, however it was written, is one chip.
 */
const LEGACY_REACTIONS: Record<string, string> = { like: '👍', heart: '❤️', laugh: '😆', surprised: '😮', sad: '😢', angry: '😠' };

export function reactionCounts(reactions: Record<string, number>): Array<{ type: string; count: number }> {
  const merged = new Map<string, number>();
  for (const [type, count] of Object.entries(reactions)) {
    const emoji = LEGACY_REACTIONS[type] ?? type;
    merged.set(emoji, (merged.get(emoji) ?? 0) + count);
  }
  return [...merged].map(([type, count]) => ({ type, count }));
}

const eventWords = (events: readonly string[]): string => {
  const counts = new Map<string, number>();
  for (const e of events) {
    const w = EVENT_WORDS[e] ?? 'chat updated';
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return [...counts].map(([w, n]) => (n > 1 ? `${w} (×${String(n)})` : w)).join(', ');
};

/**
 * A page of messages (newest first) as the panel shows it: consecutive system events become one
 * line ("3 chat events: members added (×2), chat renamed"), messages keep their order.
 */
export function chatEntries(page: readonly ChatMessageRaw[], chatId: string): ChatEntry[] {
  const out: ChatEntry[] = [];
  let run: ChatMessageRaw[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const words = eventWords(run.map((r) => r.event ?? ''));
    out.push({ events: true, at: run[0]?.createdAt ?? '', text: run.length === 1 ? `Chat event: ${words}` : `${String(run.length)} chat events: ${words}` });
    run = [];
  };
  for (const m of page) {
    if (m.kind === 'system') {
      run.push(m);
      continue;
    }
    flush();
    if (m.kind !== 'message') continue;
    out.push({
      id: m.id,
      at: m.createdAt,
      from: m.fromName || 'Unknown sender',
      parts: m.deleted ? [] : chatParts(m, chatId),
      reactions: reactionCounts(m.reactions),
      files: m.deleted ? [] : m.files,
      edited: m.edited,
      deleted: m.deleted,
      important: m.importance !== 'normal',
    });
  }
  flush();
  return out;
}

/** Where "older" continues: the oldest message's creation time, when the page was full (Graph had a next page). */
export const olderCursor = (page: readonly ChatMessageRaw[], hasMore: boolean): string | undefined => (hasMore && page.length > 0 ? page[page.length - 1]?.createdAt : undefined);
