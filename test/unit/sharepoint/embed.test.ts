import { describe, expect, it } from 'vitest';
import { isEmbeddableUrl, readOriginAliases, thumbnailUrl } from '../../../src/core/sharepoint/embed';
import { readPreviewUrl } from '../../../src/core/sharepoint/requests';

const policy = { allowedHosts: [] };
// What the local host tells the app (Forge variable MS_ORIGIN_ALIASES): each Microsoft host on its own origin.
const ALIASES = {
  'http://localhost:4101': 'https://login.microsoftonline.com',
  'http://localhost:4102': 'https://graph.microsoft.com',
  'http://localhost:4103': 'https://northeurope1-mediap.svc.ms',
  'http://localhost:4104': 'https://contoso.sharepoint.com',
};
const LOCAL = { ...policy, originAliases: ALIASES };
const THUMB = 'https://northeurope1-mediap.svc.ms/transform/thumbnail?provider=spo&inputFormat=pdf&cs=fFNQTw&docid=x&w=800&tempauth=t';

describe('what may be framed or shown as an image', () => {
  it('frames SharePoint pages only, deployed and locally (where the SharePoint host has its own origin)', () => {
    const getUrl = 'https://contoso.sharepoint.com/sites/x/_layouts/15/embed.aspx?UniqueId=1';
    expect(readPreviewUrl({ getUrl }, policy)).toEqual({ ok: true, value: getUrl });
    const local = 'http://localhost:4104/_layouts/15/embed.aspx?UniqueId=1&e=2&sig=3';
    expect(readPreviewUrl({ getUrl: local }, LOCAL)).toEqual({ ok: true, value: local });
    // Without the aliases (deployed) the local page is refused; a page on the local Graph, login or thumbnail origin
    // is refused as graph.microsoft.com's would be — before, any URL on the Graph origin was admitted.
    expect(readPreviewUrl({ getUrl: local }, policy).ok).toBe(false);
    for (const wrong of ['http://localhost:4102/sharepoint/contoso.sharepoint.com/_layouts/15/embed.aspx', 'http://localhost:4101/x', 'http://localhost:4103/transform/thumbnail']) {
      expect(readPreviewUrl({ getUrl: wrong }, LOCAL).ok).toBe(false);
    }
    expect(isEmbeddableUrl('https://graph.microsoft.com/v1.0/anything', policy)).toBe(false);
    expect(isEmbeddableUrl(THUMB, policy)).toBe(false);
  });

  it('shows images from SharePoint and the thumbnail service (<region>-mediap.svc.ms) only', () => {
    expect(isEmbeddableUrl(THUMB, policy, 'image')).toBe(true);
    expect(isEmbeddableUrl('https://contoso.sharepoint.com/a.png', policy, 'image')).toBe(true);
    expect(isEmbeddableUrl('http://localhost:4103/transform/thumbnail?w=96', LOCAL, 'image')).toBe(true);
    for (const bad of [
      'http://northeurope1-mediap.svc.ms/transform/thumbnail', 'https://northeurope1-mediap.svc.ms:8443/x', 'https://evil.svc.ms/x',
      'https://mediap.svc.ms/x', 'https://a.b-mediap.svc.ms/x', 'https://northeurope1-mediap.svc.ms.evil.com/x', 'https://u:p@northeurope1-mediap.svc.ms/x',
      'https://graph.microsoft.com/v1.0/me/photo/$value',
    ]) expect(isEmbeddableUrl(bad, policy, 'image')).toBe(false);
    expect(isEmbeddableUrl('http://localhost:4102/graph/v1.0/x', LOCAL, 'image')).toBe(false);
  });

  it('nothing on an unlisted origin, another scheme, or with credentials, backslashes or whitespace', () => {
    for (const bad of [
      'http://localhost:4105/x', 'http://127.0.0.1:4104/x', 'http://user:pw@localhost:4104/x', 'http://localhost:4104\\@evil.com/x',
      'http://localhost:4104/a b', 'javascript:alert(1)', 'data:text/html,<script>1</script>', 42, null,
    ]) {
      expect(isEmbeddableUrl(bad, LOCAL)).toBe(false);
      expect(isEmbeddableUrl(bad, LOCAL, 'image')).toBe(false);
    }
  });

  it('reads the alias map strictly: bare origins in, public https origins without a port out', () => {
    expect(readOriginAliases(JSON.stringify(ALIASES))).toEqual(ALIASES);
    expect(readOriginAliases({
      'http://localhost:1/': 'https://contoso.sharepoint.com', 'http://localhost:2': 'https://contoso.sharepoint.com/path',
      'http://localhost:3': 'http://contoso.sharepoint.com', 'http://localhost:4': 'https://contoso.sharepoint.com:444',
      'javascript:x': 'https://contoso.sharepoint.com', 'http://localhost:5': 42,
    })).toBeUndefined();
    for (const bad of [undefined, '', 'not json', '[]', 'null', 42]) expect(readOriginAliases(bad)).toBeUndefined();
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`http://localhost:${String(5000 + i)}`, 'https://contoso.sharepoint.com']));
    expect(Object.keys(readOriginAliases(many) ?? {})).toHaveLength(32);
  });

  it('picks the largest admitted thumbnail', () => {
    const item = {
      thumbnails: [{
        large: { url: 'https://evil.com/large.png' },
        medium: { url: 'http://localhost:4103/transform/thumbnail?w=176' },
        small: { url: 'https://contoso.sharepoint.com/small.png' },
      }],
    };
    expect(thumbnailUrl(item, LOCAL)).toBe('http://localhost:4103/transform/thumbnail?w=176');
    expect(thumbnailUrl(item, policy)).toBe('https://contoso.sharepoint.com/small.png');
    expect(thumbnailUrl({ thumbnails: [{ large: { url: THUMB } }] }, policy)).toBe(THUMB);
    expect(thumbnailUrl({ thumbnails: [] }, policy)).toBeUndefined();
    expect(thumbnailUrl(null, policy)).toBeUndefined();
  });
});
