import { CSPProcessingService } from '@forge/csp';
import { load } from 'cheerio/slim';
import type { Permissions } from './manifest';
import { mapEgress, type HostAliases } from './egress';

/**
 * The Content-Security-Policy a Custom UI page gets, derived from the manifest with @forge/csp's own
 * processing (inline script hashes, content permissions, external permissions), hosts mapped to the
 * local emulator. Anything the manifest does not list is blocked by the browser, as in production.
 */
export function customUiCsp(html: string, permissions: Permissions, aliases: HostAliases, parentOrigin: string): string {
  const external = permissions.external ?? {};
  const mapped: Record<string, unknown> = {};
  for (const [kind, value] of Object.entries(external)) {
    if (kind === 'fetch') {
      const f = value as { backend?: never; client?: never };
      mapped.fetch = { ...(f.client ? { client: mapEgress(f.client, aliases) } : {}) };
    } else if (Array.isArray(value)) {
      mapped[kind] = mapEgress(value, aliases);
    }
  }
  const details = new CSPProcessingService({ info: () => {} }, load).getCspDetails(html, { ...permissions, external: mapped } as never) as Record<string, string[]>;
  const join = (...parts: Array<string[] | undefined>) => [...new Set(parts.flatMap((p) => p ?? []))].join(' ');
  return [
    `default-src 'none'`,
    `script-src 'self' ${join(details['script-src'])}`.trim(),
    `style-src 'self' ${join(details['style-src'])}`.trim(),
    `connect-src ${join(details['connect-src']) || "'none'"}`,
    `img-src 'self' data: blob: ${join(details['img-src'])}`.trim(),
    `font-src 'self' data: ${join(details['font-src'])}`.trim(),
    `media-src 'self' ${join(details['media-src'])}`.trim(),
    `frame-src ${join(details['frame-src']) || "'none'"}`,
    `base-uri 'self'`,
    `form-action 'none'`,
    `frame-ancestors ${parentOrigin}`,
  ].join('; ');
}
