import { deflateSync } from 'node:zlib';
import type { ChatFixture, ChatMessageFixture, ChatMessagesGenerator, MicrosoftFixture, SystemEventFixture } from '../fixture';
import type { Calendars } from './calendar';
import type { Directory } from './directory';
import { prng, resolveWhen, stableGuid } from './ids';

// Teams chats in Graph's shapes, built once at start. Message bodies that point at Graph (inline
// images) carry GRAPH_BASE, which the routes replace with the emulator's own `/graph/v1.0` per request.

type Json = Record<string, unknown>;

/** Stands for `https://graph.microsoft.com/v1.0` in stored message bodies. */
export const GRAPH_BASE = 'https://graph.microsoft.com/v1.0';

export interface HostedContent {
  id: string;
  contentType: string;
  bytes: Buffer;
}

export interface Chat {
  id: string;
  /** User keys. */
  members: string[];
  resource: Json;
  /** `aadUserConversationMember`s, for `$expand=members` and `/members`. */
  memberships: Json[];
  /** Newest first by creation; other modules may add messages at run time. */
  messages: Json[];
  /** Inline images by message id, then hosted content id. */
  hosted: Map<string, Map<string, HostedContent>>;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

const crc32 = (buf: Buffer): number => {
  let c = 0xffffffff;
  for (const b of buf) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

const chunk = (type: string, data: Buffer): Buffer => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};

/**
 * A real PNG (browsers decode it), deterministic: a two-colour gradient, or seeded noise that does not
 * compress, for images whose size should be close to width × height × 3 bytes.
 */
const pngs = new Map<string, Buffer>();

export const makePng = (width: number, height: number, seed: string, noise: boolean): Buffer => {
  // The same image every time: worth keeping, as reset() rebuilds the chats.
  const key = `${width}x${height}/${seed}/${noise ? 'noise' : 'plain'}`;
  const known = pngs.get(key);
  if (known) return known;
  const png = encodePng(width, height, seed, noise);
  pngs.set(key, png);
  return png;
};

const encodePng = (width: number, height: number, seed: string, noise: boolean): Buffer => {
  const rand = prng([...seed].reduce((h, ch) => Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0, 2166136261));
  const [r0, g0, b0] = [Math.floor(rand() * 256), Math.floor(rand() * 256), Math.floor(rand() * 256)];
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0;
    for (let x = 0; x < width; x++) {
      const o = row + 1 + x * 3;
      if (noise) {
        const v = Math.floor(rand() * 0x1000000);
        raw[o] = v & 0xff;
        raw[o + 1] = (v >>> 8) & 0xff;
        raw[o + 2] = v >>> 16;
      } else {
        raw[o] = (r0 + Math.floor((x * 255) / Math.max(1, width))) & 0xff;
        raw[o + 1] = (g0 + Math.floor((y * 255) / Math.max(1, height))) & 0xff;
        raw[o + 2] = b0;
      }
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: noise ? 0 : 9 })), chunk('IEND', Buffer.alloc(0)),
  ]);
};

/**
 * Teams' hosted content ids are base64 of `id=…,type=1,url=…/views/imgo` (chatmessagehostedcontent-get.md).
 * The emulator keeps them free of `+` and `/`, as the ones in Microsoft's examples are, since they sit raw in
 * `img src` URLs.
 */
const hostedContentId = (chatId: string, messageId: string, n: number): string => {
  for (let salt = 0; ; salt++) {
    const object = `0-wus-d${1 + (n % 9)}-${stableGuid(chatId, messageId, String(n), String(salt)).replaceAll('-', '')}`;
    const id = Buffer.from(`id=x_${object},type=1,url=https://us-api.asm.skype.com/v1/objects/${object}/views/imgo`).toString('base64').replace(/=+$/, '');
    if (!/[+/]/.test(id)) return id;
  }
};

/** Teams' names for reactions, where it gives one. */
const REACTION_NAMES: Readonly<Record<string, string>> = {
  like: 'Like', heart: 'Heart', laugh: 'Laugh', surprised: 'Surprised', sad: 'Sad', angry: 'Angry',
  '\u{1F44D}': 'Like', '\u2764\uFE0F': 'Heart', '\u{1F606}': 'Laugh', '\u{1F62E}': 'Surprised', '\u{1F622}': 'Sad', '\u{1F620}': 'Angry',
  '\u{1F389}': 'Party popper', '\u{1F680}': 'Rocket', '\u{1F440}': 'Eyes',
};

const PHRASES = [
  'Build is green on main.', 'Smoke tests passed in staging.', 'Who owns the release notes?', 'Rollback plan is in the wiki.',
  'Canary at 5 %, error rate flat.', 'Waiting for the security sign-off.', 'DB migration done, 0 errors.', 'Cache hit rate back to normal.',
  'Can someone check the alert on the EU cluster?', 'Looks like a flaky test, re-running.', 'Customer support is briefed.',
  'Pushed the hotfix, please review.', 'Latency p95 is 210 ms.', 'Feature flag is on for internal users.', 'Approved.',
  'Status page updated.', 'Docs deployed.', 'Next checkpoint in 15 minutes.', 'Thanks all!', 'On it.',
];

const generated = (g: ChatMessagesGenerator): ChatMessageFixture[] => {
  const rand = prng(g.seed);
  const out: ChatMessageFixture[] = [];
  let last = '';
  for (let i = 0; i < g.count; i++) {
    const candidates = g.people.filter((p) => p !== last);
    const from = candidates[Math.floor(rand() * candidates.length)] ?? g.people[0] ?? '';
    last = rand() < 0.3 ? '' : from;
    const phrase = PHRASES[Math.floor(rand() * PHRASES.length)] ?? 'OK.';
    out.push({ from, at: `${g.since}+${i * g.everyMinutes}m`, body: `#${String(i + 1).padStart(3, '0')} ${phrase}` });
  }
  return out;
};

const iso = (ms: number): string => new Date(ms).toISOString();

export const buildChats = (fx: MicrosoftFixture, dir: Directory, startDay: number, calendars: Calendars): Chat[] => {
  // `since+Nm` lets generated messages count minutes from any When.
  const at = (w: string): number => {
    const m = /^(.*)\+(\d+)m$/.exec(w);
    if (m && m[1] && !/^[+-]?\d+$/.test(m[1])) return resolveWhen(m[1], startDay) + Number(m[2]) * 60_000;
    return resolveWhen(w, startDay);
  };
  const identity = (who: string, tenantId: string, withName = true): Json => {
    const p = dir.home(who);
    return {
      '@odata.type': '#microsoft.graph.teamworkUserIdentity', id: p?.oid ?? who,
      displayName: withName ? p?.displayName ?? who : null, userIdentityType: 'aadUser', tenantId,
    };
  };
  const identitySet = (who: string, tenantId: string, withName = true): Json =>
    ({ application: null, device: null, user: identity(who, tenantId, withName) });
  const plainUser = (who: string): Json =>
    ({ id: dir.home(who)?.oid ?? who, displayName: null, userIdentityType: 'aadUser' });

  const eventDetail = (s: SystemEventFixture, chat: ChatFixture, tenantId: string, ms: number): Json => {
    const initiator = identitySet(s.by, tenantId, false);
    switch (s.type) {
      case 'membersAdded':
        return { '@odata.type': '#microsoft.graph.membersAddedEventMessageDetail', visibleHistoryStartDateTime: '0001-01-01T00:00:00Z', members: s.members.map(plainUser), initiator };
      case 'membersDeleted':
        return { '@odata.type': '#microsoft.graph.membersDeletedEventMessageDetail', members: s.members.map(plainUser), initiator };
      case 'chatRenamed':
        return { '@odata.type': '#microsoft.graph.chatRenamedEventMessageDetail', chatId: chat.id, chatDisplayName: s.topic, initiator };
      case 'callStarted':
        return { '@odata.type': '#microsoft.graph.callStartedEventMessageDetail', callId: stableGuid(chat.id, 'call', String(ms)), callEventType: chat.chatType === 'meeting' ? 'meeting' : 'call', initiator };
      case 'callEnded':
        return {
          '@odata.type': '#microsoft.graph.callEndedEventMessageDetail', callId: stableGuid(chat.id, 'call', String(ms - s.durationSeconds * 1000)),
          callDuration: `PT${Math.floor(s.durationSeconds / 60) > 0 ? `${Math.floor(s.durationSeconds / 60)}M` : ''}${s.durationSeconds % 60}S`,
          callEventType: chat.chatType === 'meeting' ? 'meeting' : 'call',
          callParticipants: s.participants.map((p) => ({ participant: identitySet(p, tenantId) })), initiator,
        };
      case 'messagePinned':
        return { '@odata.type': '#microsoft.graph.messagePinnedEventMessageDetail', eventDateTime: iso(ms), initiator };
    }
  };

  return (fx.chats ?? []).map((c): Chat => {
    const tenantId = dir.home(c.members[0] ?? '')?.tenantId ?? '';
    const hosted = new Map<string, Map<string, HostedContent>>();
    const fixtures = [...c.messages, ...(c.generateMessages ? generated(c.generateMessages) : [])];
    const seen = new Set<string>();

    const messages = fixtures.map((m): Json => {
      const created = at(m.at);
      const id = String(created);
      if (seen.has(id)) throw new Error(`Chat ${c.id}: two messages at ${iso(created)}; Teams message ids are the creation time`);
      seen.add(id);
      const base = {
        id, replyToId: null, etag: id, createdDateTime: iso(created), chatId: c.id, subject: null, summary: null,
        importance: m.importance ?? 'normal', locale: 'en-us', webUrl: null, channelIdentity: null, onBehalfOf: null, policyViolation: null,
      };
      if (m.system) {
        return {
          ...base, messageType: 'systemEventMessage', lastModifiedDateTime: iso(created), lastEditedDateTime: null, deletedDateTime: null,
          from: null, body: { contentType: 'html', content: '<systemEventMessage/>' }, attachments: [], mentions: [], reactions: [], messageHistory: [],
          eventDetail: eventDetail(m.system, c, tenantId, created),
        };
      }
      const from = m.from ?? c.members[0] ?? '';
      const imageIds = (m.images ?? []).map((_, n) => hostedContentId(c.id, id, n));
      if (imageIds.length > 0) {
        hosted.set(id, new Map((m.images ?? []).map((img, n) => {
          const hid = imageIds[n] ?? '';
          const bytes = img.base64 !== undefined ? Buffer.from(img.base64, 'base64') : makePng(img.width ?? 64, img.height ?? 48, `${c.id}/${id}/${n}`, img.noise ?? false);
          return [hid, { id: hid, contentType: img.contentType ?? 'image/png', bytes }];
        })));
      }
      const attachments = (m.attachments ?? []).map((a) => ({
        id: stableGuid(c.id, id, a.name).replaceAll('-', ''), contentType: a.contentType ?? 'reference', contentUrl: a.contentUrl,
        content: null, name: a.name, thumbnailUrl: null, teamsAppId: null,
      }));
      let content = (m.body ?? '').replace(/\{\{image:(\d+)\}\}/g, (_, n: string) => {
        const hid = imageIds[Number(n)];
        const img = m.images?.[Number(n)];
        if (hid === undefined || !img) throw new Error(`Chat ${c.id}: message at ${m.at} places image ${n} it does not have`);
        return `<img src="${GRAPH_BASE}/chats/${c.id}/messages/${id}/hostedContents/${hid}/$value" width="${img.width ?? 64}" height="${img.height ?? 48}" alt="image" style="vertical-align:bottom; width:${img.width ?? 64}px; height:${img.height ?? 48}px">`;
      });
      if (attachments.length > 0) content += attachments.map((a) => `<attachment id="${a.id}"></attachment>`).join('');
      // Images, mentions and files only exist in HTML bodies; plain text given for such a message becomes a paragraph.
      const needsHtml = (m.images?.length ?? 0) + (m.mentions?.length ?? 0) + attachments.length > 0;
      const contentType = m.contentType ?? (needsHtml ? 'html' : 'text');
      if (contentType === 'html' && m.contentType === undefined) content = `<p>${content}</p>`;
      const reactions = (m.reactions ?? []).map((r) => ({
        reactionType: r.type, displayName: REACTION_NAMES[r.type] ?? null, reactionContentUrl: null, createdDateTime: iso(at(r.at)),
        user: identitySet(r.by, tenantId, false),
      }));
      const edited = m.edited !== undefined ? at(m.edited) : undefined;
      const deleted = m.deleted !== undefined ? at(m.deleted) : undefined;
      // Reactions, edits and deletions all move lastModifiedDateTime (chatMessage resource), which is the default order.
      const modified = Math.max(created, edited ?? 0, deleted ?? 0, ...(m.reactions ?? []).map((r) => at(r.at)));
      return {
        ...base, messageType: 'message', lastModifiedDateTime: iso(modified),
        lastEditedDateTime: edited !== undefined ? iso(edited) : null, deletedDateTime: deleted !== undefined ? iso(deleted) : null,
        eventDetail: null, from: identitySet(from, tenantId),
        body: deleted !== undefined ? { contentType: 'html', content: '' } : { contentType, content },
        attachments: deleted !== undefined ? [] : attachments,
        mentions: deleted !== undefined ? [] : (m.mentions ?? []).map((who, n) => ({
          id: n, mentionText: dir.home(who)?.displayName ?? who,
          mentioned: { application: null, device: null, conversation: null, tag: null, user: identity(who, tenantId) },
        })),
        reactions: deleted !== undefined ? [] : reactions,
        messageHistory: deleted !== undefined ? [] : reactions.map((r) => ({ modifiedDateTime: r.createdDateTime, actions: 'reactionAdded', reaction: r })),
      };
    }).sort((a, b) => String(b['createdDateTime']).localeCompare(String(a['createdDateTime'])));

    const created = c.created !== undefined ? at(c.created) : Math.min(...messages.map((m) => Date.parse(String(m['createdDateTime']))), startDay);
    const updated = messages.reduce((t, m) => Math.max(t, Date.parse(String(m['lastModifiedDateTime']))), created);

    let onlineMeetingInfo: Json | null = null;
    if (c.meeting !== undefined) {
      const [calKey, evKey] = c.meeting.split('/');
      const cal = [...calendars.byOwner.values()].flat().find((x) => x.key === calKey);
      const ev = cal?.events.find((e) => e.key === evKey);
      if (!cal || !ev || ev.joinUrl === null) throw new Error(`Chat ${c.id}: meeting '${c.meeting}' is not an online meeting in the fixture's calendars`);
      onlineMeetingInfo = {
        calendarEventId: ev.restId, joinWebUrl: ev.joinUrl,
        organizer: { id: dir.home(cal.owner)?.oid ?? cal.owner, displayName: null, userIdentityType: 'aadUser', tenantId },
      };
    }

    return {
      id: c.id, members: [...c.members], messages, hosted,
      memberships: c.members.map((who) => {
        const p = dir.home(who);
        return {
          '@odata.type': '#microsoft.graph.aadUserConversationMember',
          id: Buffer.from(`${c.id}##${p?.oid ?? who}`).toString('base64'),
          roles: ['owner'], displayName: p?.displayName ?? who, visibleHistoryStartDateTime: '0001-01-01T00:00:00Z',
          userId: p?.oid ?? who, email: p?.mail ?? null, tenantId,
        };
      }),
      resource: {
        id: c.id, topic: c.chatType === 'oneOnOne' ? null : c.topic ?? null, createdDateTime: iso(created), lastUpdatedDateTime: iso(updated),
        chatType: c.chatType, webUrl: `https://teams.microsoft.com/l/chat/${encodeURIComponent(c.id)}/0?tenantId=${tenantId}`,
        tenantId, isHiddenForAllMembers: false, onlineMeetingInfo,
        viewpoint: { isHidden: false, lastMessageReadDateTime: iso(updated) },
      },
    };
  });
};
