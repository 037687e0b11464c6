import { Hono, type Context } from 'hono';
import { existsSync, readFileSync } from 'node:fs';
import { join, normalize, resolve, sep } from 'node:path';
import { customUiCsp } from '../csp';
import type { HostAliases } from '../egress';
import type { AppManifest } from '../manifest';
import { ASSETS } from './bridge';
import { isThemeId, themeCss } from '../theme';

/**
 * The Custom UI "CDN": each resource's files, served only on the CDN host (127.0.0.1) so the
 * iframes are cross-origin to the product pages, with the CSP the manifest earns them.
 */
export function cdnRoutes(d: { manifest: AppManifest; appDir: string; origin: string; cdnHost: string; aliases: HostAliases }): Hono {
  const app = new Hono();
  const isCdnHost = (c: Context) => new URL(c.req.url).host === d.cdnHost;
  app.get('/__cdn/__bridge.js', (c) =>
    c.body(readFileSync(join(ASSETS, 'bridge-shim.js'), 'utf8').replace('__PARENT_ORIGIN__', d.origin), 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' }),
  );
  // The Atlassian theme CSS `view.theme.enable()` loads into a frame (and the product pages use), on both hosts.
  app.get('/__cdn/__tokens/:file', (c) => {
    const id = c.req.param('file').replace(/\.css$/, '');
    if (!isThemeId(id)) return c.notFound();
    return c.body(themeCss(id), 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'max-age=3600' });
  });
  app.get('/__cdn/:resource/*', (c) => {
    if (!isCdnHost(c)) return c.notFound();
    const res = d.manifest.resources.get(c.req.param('resource'));
    if (!res) return c.notFound();
    const base = resolve(d.appDir, res.path);
    const rel = decodeURIComponent(new URL(c.req.url).pathname.split('/').slice(3).join('/')) || 'index.html';
    const file = normalize(join(base, rel));
    if (!file.startsWith(base + sep) || !existsSync(file)) return c.notFound();
    if (file.endsWith('.html')) {
      const page = readFileSync(file, 'utf8').replace(/<head>/i, '<head><script src="/__cdn/__bridge.js"></script>');
      return c.body(page, 200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': customUiCsp(page, d.manifest.permissions, d.aliases, d.origin), 'cache-control': 'no-store' });
    }
    return c.body(readFileSync(file), 200, { 'content-type': contentType(file) });
  });
  return app;
}

function contentType(file: string): string {
  const ext = file.slice(file.lastIndexOf('.') + 1);
  return ({ js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml', png: 'image/png', json: 'application/json', woff2: 'font/woff2' } as Record<string, string>)[ext] ?? 'application/octet-stream';
}
