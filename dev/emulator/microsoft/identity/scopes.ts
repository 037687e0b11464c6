export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

const GRAPH_PREFIXES = ['https://graph.microsoft.com/', '00000003-0000-0000-c000-000000000000/'];

// Entra answers with the permission's registered spelling whatever case the app asked in.
const KNOWN = [
  'User.Read', 'User.ReadWrite', 'User.ReadBasic.All', 'User.Read.All', 'Directory.Read.All',
  'Sites.Read.All', 'Sites.ReadWrite.All', 'Sites.Manage.All', 'Sites.FullControl.All', 'Sites.Selected',
  'Files.Read', 'Files.Read.All', 'Files.ReadWrite', 'Files.ReadWrite.All',
  'Mail.Read', 'Mail.ReadBasic', 'Mail.ReadWrite', 'Mail.Send',
  'Calendars.Read', 'Calendars.ReadWrite', 'Chat.Read', 'Chat.ReadBasic', 'Chat.ReadWrite',
  'ChatMessage.Send', 'ChannelMessage.Send', 'ChannelMessage.Read.All', 'Tasks.Read', 'Tasks.ReadWrite',
];

export interface GrantedScopes {
  /** Graph delegated permissions: what goes into `scp`. */
  graph: string[];
  /** OpenID Connect scopes asked for (`openid`, `profile`, `email`, `offline_access`). */
  oidc: string[];
}

export type ScopeParse = { ok: true; value: GrantedScopes } | { ok: false; invalid: string };

export const parseScopes = (raw: string, appPermissions: readonly string[]): ScopeParse => {
  const graph = new Set<string>();
  const oidc = new Set<string>();
  for (const token of raw.split(/\s+/).filter(Boolean)) {
    const lower = token.toLowerCase();
    if ((OIDC_SCOPES as readonly string[]).includes(lower)) {
      oidc.add(lower);
      continue;
    }
    const prefix = GRAPH_PREFIXES.find((p) => lower.startsWith(p));
    const name = prefix ? token.slice(prefix.length) : token;
    if (name === '.default') {
      for (const p of appPermissions) graph.add(p);
    } else if (/^[A-Za-z]+(\.[A-Za-z]+)+$/.test(name) && (prefix || !name.includes('/'))) {
      graph.add(KNOWN.find((k) => k.toLowerCase() === name.toLowerCase()) ?? name);
    } else {
      return { ok: false, invalid: token };
    }
  }
  // Entra always issues a Graph token; asking only for OIDC scopes yields User.Read.
  if (graph.size === 0) graph.add('User.Read');
  return { ok: true, value: { graph: [...graph], oidc: [...oidc] } };
};

/** The `scope` field of a token response: Graph permissions plus the OIDC scopes, minus offline_access. */
export const responseScope = (s: GrantedScopes): string =>
  [...s.graph, ...s.oidc.filter((o) => o !== 'offline_access')].join(' ');

/** Whether the request asked for `/.default` (the registration's configured permissions). */
export const asksDefault = (raw: string): boolean =>
  raw.split(/\s+/).some((t) => t === '.default' || t.toLowerCase().endsWith('/.default'));

/** OpenID Connect scopes first, then Graph permissions: the order consent pages list them in. */
export const scopeList = (s: GrantedScopes): string[] => [...s.oidc, ...s.graph];

/** The members of `wanted` that `have` lacks, compared as Entra does, case-insensitively. */
export const lacking = (wanted: readonly string[], have: readonly string[]): string[] => {
  const h = new Set(have.map((x) => x.toLowerCase()));
  return wanted.filter((w) => !h.has(w.toLowerCase()));
};

/** How the admin consent redirect reports a scope: Graph permissions as full URIs, OIDC scopes bare. */
export const scopeUri = (scope: string): string =>
  (OIDC_SCOPES as readonly string[]).includes(scope) ? scope : `https://graph.microsoft.com/${scope}`;

export type ClientCredentialsScope = { ok: true } | { ok: false; aadsts: 1002012 | 70011; invalid: string };

/**
 * Client credentials take only `{resource}/.default` (AADSTS1002012 otherwise); Graph is the only
 * resource the emulator knows (anything else: AADSTS70011, as the protocol doc's example shows).
 */
export const checkClientCredentialsScope = (raw: string): ClientCredentialsScope => {
  for (const token of raw.split(/\s+/).filter(Boolean)) {
    const lower = token.toLowerCase();
    if (!lower.endsWith('/.default')) return { ok: false, aadsts: 1002012, invalid: raw };
    if (!GRAPH_PREFIXES.some((p) => lower === `${p}.default`)) return { ok: false, aadsts: 70011, invalid: token };
  }
  return { ok: true };
};
