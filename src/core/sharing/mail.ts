/**
 * A mail as the sharing core works with it: read from Graph at view time (never stored), already
 * reduced by the adapter to plain, bounded fields. What Graph sends is untrusted; the adapter caps
 * every string, and the browser sanitises the HTML again before showing it.
 */
import type { ThreadCandidate } from './thread';

export interface MailAddress {
  name: string;
  address: string;
}

export interface MailAttachment {
  name: string;
  size: number;
}

export interface MailMessage extends ThreadCandidate {
  subject: string;
  from?: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  /** `uniqueBody` in conversations (quoted text left out), `body` for a single mail. */
  body: { type: 'html' | 'text'; content: string };
  /** Inline images (`cid:` in the HTML) as `data:` URLs, fetched on the server within the caps below. */
  inlineImages: Record<string, string>;
  /** Inline images left out because they were too large (the viewer is told). */
  inlineImagesOmitted: number;
  /** Attachments that are not inline images: names and sizes only, shown at view time, never stored. */
  attachments: MailAttachment[];
  /** Outlook on the web link: only the mailbox owner can open it. */
  webLink?: string;
}

/** What the sharing core asks of a sharer's mailbox. */
export type MailWant =
  /** The stored immutable id names the copy; the Message-ID lets one request fetch many mails. */
  | { key: string; kind: 'message'; messageId: string; internetMessageId: string }
  | {
      key: string;
      kind: 'conversation';
      conversationId: string;
      internetMessageId: string;
      /** Replies that split off into another conversation are looked for among mail received since. */
      since: string;
    };

/** Inline images are shipped as data: URLs in the resolver's answer, so they are capped. */
export const INLINE_IMAGE_MAX_BYTES = 200 * 1024;
export const INLINE_IMAGES_MAX_BYTES_PER_MESSAGE = 600 * 1024;
/** Longest body text passed to the browser; longer bodies are cut (and say so). */
export const BODY_MAX_CHARS = 200_000;
/** Most messages shown for one conversation (newest kept). */
export const THREAD_MAX_MESSAGES = 50;
