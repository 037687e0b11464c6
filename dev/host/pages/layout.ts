import type { AtlassianUser } from '../products/tenant';
import { html, raw, type Html } from './html';
import { THEME_IDS, themeAttribute, themeState } from '../theme';

export interface Chrome {
  product: 'Confluence' | 'Jira' | 'Local Forge host';
  title: string;
  user: AtlassianUser | undefined;
  /** Everyone the switcher offers; a closed account is listed but cannot be chosen. */
  users: Array<AtlassianUser & { closed?: boolean }>;
  cdnOrigin: string;
  /** The app's settings page, linked from the top bar for site admins. */
  settingsUrl?: string | undefined;
  /** The product's part of every extension's context (accountId, cloudId, siteUrl). */
  context: Record<string, unknown>;
  /**
   * Production origin → the local origin serving that Microsoft host. The local stand-in for DNS: a link the app
   * opens to `https://contoso.sharepoint.com/…` reaches the emulator's SharePoint instead of failing offline.
   */
  microsoftHosts?: Record<string, string>;
}

/** The Atlassian theme CSS (see ../theme.ts); each matches only under the <html> attributes host-theme.js sets. */
const THEME_LINKS = raw(THEME_IDS.map((id) => `<link rel="stylesheet" href="/__cdn/__tokens/${id}.css" data-theme="${id}">`).join(''));

/**
 * Host chrome, not the app's: nobody is logged in without a session (session.ts), so an anonymous visitor is told
 * so and offered each demo account that can still log in. `?as=` keeps the visitor on the page they are on.
 */
function loginBanner(users: Chrome['users']): Html {
  const open = users.filter((u) => !u.closed);
  return html`<aside class="login-banner" aria-label="Not logged in"><strong>You are not logged in</strong> — log in as ${open.map((u, i) => html`${i ? (i === open.length - 1 ? ' or ' : ', ') : ''}<a href="?as=${u.key}">${u.displayName}${u.admin ? ' (site admin)' : ''}</a>`)}.</aside>`;
}

/** Product chrome: a top bar with the theme switch and the user switcher (`?as=`), then the page. */
export function layout(c: Chrome, body: Html): string {
  const options = [
    ...c.users.map((u) => html`<option value="${u.key}" ${c.user?.key === u.key ? 'selected' : ''} ${u.closed ? 'disabled' : ''}>${u.displayName}${u.admin ? ' (admin)' : ''}${u.closed ? ' (account closed)' : ''}</option>`),
    html`<option value="anonymous" ${c.user ? '' : 'selected'}>Anonymous visitor</option>`,
  ];
  return `<!doctype html>${html`<html lang="en" data-color-mode="light" data-theme="${themeAttribute(themeState('light'))}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${c.title} – ${c.product} (local)</title>${THEME_LINKS}<script src="/__host/assets/host-theme.js"></script><link rel="stylesheet" href="/__host/assets/host.css"></head>
<body data-cdn-origin="${c.cdnOrigin}" data-context="${JSON.stringify(c.context)}" data-microsoft-hosts="${JSON.stringify(c.microsoftHosts ?? {})}">
<header class="topbar"><a class="brand" href="/">${c.product}</a><span class="local">local Forge host</span>${c.settingsUrl ? html`<a class="settings-link" href="${c.settingsUrl}">Apps settings</a>` : ''}
<label class="theme-switch">Theme <select name="theme" aria-label="Theme"><option value="light">Light</option><option value="dark">Dark</option><option value="auto">Match browser</option></select></label>
<form class="switcher" method="get"><label>Viewing as <select name="as" aria-label="Viewing as">${options}</select></label><noscript><button>Switch</button></noscript></form></header>
${c.user ? '' : loginBanner(c.users)}<main>${body}</main>
<script src="/__host/assets/host-bridge.js"></script></body></html>`.value}`;
}

export interface ExtensionFrame {
  moduleKey: string;
  resourceKey: string;
  title: string;
  /** The `extension` part of the context the Custom UI receives. */
  extension: Record<string, unknown>;
  localId: string;
  /**
   * Whose frame this is: the bridge's events reach only frames of the same app, environment and
   * installation (assets/host-bridge.js). The products know it from the extension they render.
   */
  app: { id: string; environmentId: string; installationId: string };
}

/**
 * An iframe hosting one Custom UI resource; the parent bridge finds it by its data attribute. It has no `src`
 * in the page: the product page's bridge (assets/host-bridge.js) gives it its address once it answers frames —
 * at once (`data-load="now"`), or on first use (`lazy`: a byline popup, the macro editor's dialog).
 */
export function extensionFrame(f: ExtensionFrame, cdnOrigin: string, opts: { lazy?: boolean } = {}): Html {
  const src = `${cdnOrigin}/__cdn/${encodeURIComponent(f.resourceKey)}/index.html`;
  return html`<iframe class="forge-frame" title="${f.title}" data-forge-extension="${JSON.stringify(f)}" data-src="${src}" ${opts.lazy ? '' : html`data-load="now"`}
 sandbox="allow-scripts allow-same-origin allow-forms allow-downloads" referrerpolicy="no-referrer"></iframe>`;
}
