import { describe, expect, it } from 'vitest';
import { cidsIn, readMessage, withAttachments } from '../../../src/adapters/graph/mailbox';

const base = {
  id: 'AAkALgAAAAAAHYQDEapmEc2byACqAC/EWg0A+++/xDw1mba0dC0=',
  internetMessageId: '<EB1F5C10FC724A0FADCCF79C22FF5A78@contoso.com>',
  conversationId: 'AAQkAGE1M2IyNGNmLTI5MTktNDUyMi1hZDg0LTQ2ZTk2ZWE2MzA0NAAQAhrWFJAEdSMi=',
  subject: 'Site photos',
  sentDateTime: '2026-03-01T09:00:00Z',
  from: { emailAddress: { name: 'Carol Chen', address: 'carol@contoso.com' } },
  toRecipients: [{ emailAddress: { name: 'Alice Adams', address: 'alice@contoso.com' } }],
  body: { contentType: 'html', content: '<p><img src="cid:site-1@contoso.com"><img src="CID:Site-2@Contoso.com"></p>' },
};

describe('a Graph message as the sharing core takes it (Graph answers are untrusted)', () => {
  it('keeps the fields a viewer reads, capped, and the thread headers', () => {
    const m = readMessage({
      ...base,
      subject: 'x'.repeat(10_000),
      singleValueExtendedProperties: [
        { id: 'String 0x1042', value: '<parent@contoso.com>' },
        { id: 'String 0x1039', value: '<root@contoso.com>\r\n <parent@contoso.com>' },
      ],
      webLink: 'javascript:alert(1)',
    });
    expect(m).toMatchObject({ subject: 'x'.repeat(500), inReplyTo: '<parent@contoso.com>', references: ['<root@contoso.com>', '<parent@contoso.com>'], from: { name: 'Carol Chen', address: 'carol@contoso.com' }, at: '2026-03-01T09:00:00.000Z' });
    expect(m?.webLink).toBeUndefined();
  });

  it('refuses a message whose ids are not what Exchange sends', () => {
    expect(readMessage({ ...base, internetMessageId: 'no-angle-brackets@x' })).toBeUndefined();
    expect(readMessage({ ...base, conversationId: 'has spaces and <tags>' })).toBeUndefined();
    expect(readMessage('not an object')).toBeUndefined();
  });

  it('turns cid: pictures into data: URLs within the caps, refuses SVG and oversize ones, lists the other attachments by name', () => {
    const m = readMessage(base);
    if (!m) throw new Error('unreadable');
    expect([...cidsIn(m.body.content)].sort()).toEqual(['site-1@contoso.com', 'site-2@contoso.com']);
    const png = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64');
    const out = withAttachments(m, {
      value: [
        { '@odata.type': '#microsoft.graph.fileAttachment', name: 'a.png', contentType: 'image/png', size: 8, isInline: true, contentId: '<site-1@contoso.com>', contentBytes: png },
        { name: 'b.svg', contentType: 'image/svg+xml', size: 100, isInline: true, contentId: 'site-2@contoso.com', contentBytes: Buffer.from('<svg onload="alert(1)"/>').toString('base64') },
        { name: 'huge.png', contentType: 'image/png', size: 5_000_000, isInline: true, contentId: 'site-2@contoso.com', contentBytes: png },
        { name: 'Site survey.pdf', contentType: 'application/pdf', size: 2048, isInline: false, contentBytes: png },
        { name: 'unreferenced.png', contentType: 'image/png', size: 8, isInline: true, contentId: 'nowhere@contoso.com', contentBytes: png },
      ],
    });
    expect(out.inlineImages).toEqual({ 'site-1@contoso.com': `data:image/png;base64,${png}` });
    expect(out.inlineImagesOmitted).toBe(2);
    expect(out.attachments).toEqual([{ name: 'Site survey.pdf', size: 2048 }]);
  });
});
