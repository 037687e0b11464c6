/**
 * One conversation, as people see it, from the messages Graph returns. Exchange's `conversationId`
 * is not a stable thread key: a reply from outside the organisation (or a long forwarded thread) can
 * get a new one (RESEARCH.md §0.3; Microsoft Q&A 5629315, 5883983). So a thread is what shares the
 * root's conversation, plus whatever answers a message of the thread by its RFC 5322 ids
 * (`In-Reply-To`, `References`, RFC 5322 §3.6.4) — and then everything under *that* conversation too.
 */

export interface ThreadCandidate {
  internetMessageId: string;
  conversationId: string;
  /** The `In-Reply-To` message id, when the message has one. */
  inReplyTo?: string;
  /** The `References` message ids, oldest first. */
  references: readonly string[];
  /** ISO 8601: when it was sent (or received, for mail without a sent time). */
  at: string;
  isDraft: boolean;
}

export interface ThreadRoot {
  internetMessageId: string;
  conversationId: string;
}

/**
 * The thread of `root` among `candidates`, oldest first: no drafts (they were never sent, and yasoon's
 * "including future replies" excludes them too), and each Message-ID once — a mail sent to oneself
 * sits in Sent Items and the Inbox with the same id; the earlier copy is kept.
 */
export function mergeThread<T extends ThreadCandidate>(root: ThreadRoot, candidates: readonly T[]): T[] {
  const sent = candidates.filter((m) => !m.isDraft);
  const conversations = new Set([root.conversationId]);
  const ids = new Set([root.internetMessageId]);
  const members = new Set<T>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const m of sent) {
      if (members.has(m)) continue;
      const answers = (m.inReplyTo !== undefined && ids.has(m.inReplyTo)) || m.references.some((r) => ids.has(r));
      if (conversations.has(m.conversationId) || ids.has(m.internetMessageId) || answers) {
        members.add(m);
        ids.add(m.internetMessageId);
        // A message found by its headers brings its whole (split-off) conversation with it.
        if (!conversations.has(m.conversationId)) conversations.add(m.conversationId);
        grew = true;
      }
    }
  }
  const ordered = [...members].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const seen = new Set<string>();
  return ordered.filter((m) => (seen.has(m.internetMessageId) ? false : (seen.add(m.internetMessageId), true)));
}

/** The conversation ids the merged thread spans (to ask Graph for next time, within one view). */
export const conversationsOf = (thread: readonly ThreadCandidate[]): string[] => [...new Set(thread.map((m) => m.conversationId))];

/** Message ids in a `References` or `In-Reply-To` header value: `<a@b> <c@d>` (folded whitespace allowed). */
export function messageIdsIn(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header.match(/<[^<>\s]{1,500}>/g) ?? [];
}
