import { describe, expect, it } from 'vitest';
import { mergeThread, messageIdsIn, type ThreadCandidate } from '../../../src/core/sharing/thread';

const m = (id: string, conversationId: string, at: string, more: Partial<ThreadCandidate> = {}): ThreadCandidate & { name: string } => ({
  name: id,
  internetMessageId: `<${id}@contoso.com>`,
  conversationId,
  references: [],
  at,
  isDraft: false,
  ...more,
});

describe('mergeThread', () => {
  const root = { internetMessageId: '<root@contoso.com>', conversationId: 'CONV-A' };

  it('keeps a thread whole when an outside reply started a new conversationId', () => {
    const all = [
      m('root', 'CONV-A', '2026-03-01T09:00:00Z'),
      m('reply1', 'CONV-A', '2026-03-01T10:00:00Z', { inReplyTo: '<root@contoso.com>', references: ['<root@contoso.com>'] }),
      // Gmail answered: Exchange filed it under a new conversation, but its headers name the thread.
      m('external', 'CONV-B', '2026-03-02T08:00:00Z', { inReplyTo: '<reply1@contoso.com>', references: ['<root@contoso.com>', '<reply1@contoso.com>'] }),
      // The answer to the external reply carries only the new conversationId and In-Reply-To.
      m('after', 'CONV-B', '2026-03-02T09:00:00Z', { inReplyTo: '<external@contoso.com>' }),
      m('unrelated', 'CONV-C', '2026-03-01T11:00:00Z'),
    ];
    expect(mergeThread(root, all).map((x) => (x as { name: string }).name)).toEqual(['root', 'reply1', 'external', 'after']);
  });

  it('follows a split that only In-Reply-To reveals, reached in a later pass', () => {
    const all = [
      m('late', 'CONV-D', '2026-03-05T09:00:00Z'),
      m('split', 'CONV-D', '2026-03-04T09:00:00Z', { inReplyTo: '<bridge2@contoso.com>' }),
      m('bridge', 'CONV-E', '2026-03-03T09:00:00Z', { references: ['<root@contoso.com>'] }),
      m('bridge2', 'CONV-E', '2026-03-03T10:00:00Z'),
      m('root', 'CONV-A', '2026-03-01T09:00:00Z'),
      m('elsewhere', 'CONV-F', '2026-03-06T09:00:00Z', { references: ['<someone-else@contoso.com>'] }),
    ];
    expect(mergeThread(root, all).map((x) => (x as { name: string }).name)).toEqual(['root', 'bridge', 'bridge2', 'split', 'late']);
  });

  it('leaves drafts out and shows each Message-ID once (sent to oneself: Sent Items and Inbox)', () => {
    const all = [
      m('root', 'CONV-A', '2026-03-01T09:00:00Z'),
      m('root', 'CONV-A', '2026-03-01T09:00:02Z'),
      m('draft', 'CONV-A', '2026-03-01T12:00:00Z', { isDraft: true }),
    ];
    expect(mergeThread(root, all)).toHaveLength(1);
  });

  it('keeps the rest of the conversation when the shared message itself was deleted', () => {
    const all = [m('reply1', 'CONV-A', '2026-03-01T10:00:00Z', { inReplyTo: '<root@contoso.com>' })];
    expect(mergeThread(root, all)).toHaveLength(1);
    expect(mergeThread(root, [])).toEqual([]);
  });
});

describe('messageIdsIn', () => {
  it('reads the ids of folded References and In-Reply-To headers', () => {
    expect(messageIdsIn('<a@x.com>\r\n <b@y.com> <c@z>')).toEqual(['<a@x.com>', '<b@y.com>', '<c@z>']);
    expect(messageIdsIn(undefined)).toEqual([]);
    expect(messageIdsIn('no ids here')).toEqual([]);
  });
});
