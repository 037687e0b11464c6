import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';

/**
 * `npm start`'s first check, before the UI build: the port from `PORT` is a port, and it and the ones the
 * Microsoft hosts take after it (dev/host/microsoft-hosts.ts: +1 sign-in, +2 Graph, +3 thumbnails, +4… one
 * per SharePoint host) are free. Each problem is ONE line saying what to do, never a stack trace.
 */
export const DEFAULT_PORT = 4100;

export interface PortUse {
  port: number;
  /** What the host serves there, for the message. */
  what: string;
}

/** `PORT` → a port number, or the line to print. Empty/unset is the default. */
export function parsePort(value: string | undefined): { port: number } | { error: string } {
  if (value === undefined || value.trim() === '') return { port: DEFAULT_PORT };
  const v = value.trim();
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    return { error: `PORT=${JSON.stringify(value)} is not a port — use a whole number from 1024 to 65535, e.g. \`PORT=${DEFAULT_PORT + 100} npm start\`` };
  }
  return { port: n };
}

/** The ports `npm start` on `base` takes, in the order the host opens them. */
export function portsFor(base: number, sharePointHosts: readonly string[]): PortUse[] {
  return [
    { port: base, what: 'the local Forge host' },
    { port: base + 1, what: 'the Microsoft sign-in host' },
    { port: base + 2, what: 'the Microsoft Graph host' },
    { port: base + 3, what: 'the thumbnail host' },
    ...sharePointHosts.map((h, i) => ({ port: base + 4 + i, what: `the SharePoint host ${h}` })),
  ];
}

/** The SharePoint hosts the fixture's tenants name, as dev/host/server.ts reads them. */
export function sharePointHostsOf(fixtureFile: string): string[] {
  const fx = JSON.parse(readFileSync(fixtureFile, 'utf8')) as { microsoft?: { tenants?: Array<{ sharePointHost?: string }> } };
  return (fx.microsoft?.tenants ?? []).flatMap((t) => (t.sharePointHost ? [t.sharePointHost.toLowerCase()] : []));
}

/** Whether the port can be opened where the host listens (127.0.0.1); the error code if not. */
function probe(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'ERROR'));
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => s.close(() => resolve(undefined)));
  });
}

/** A suggestion clear of every port this run needs. */
function otherBase(base: number, count: number): number {
  const next = base + Math.max(100, Math.ceil(count / 100) * 100);
  return next + count - 1 <= 65535 ? next : DEFAULT_PORT;
}

/** The one line to print if `npm start` on `base` cannot open its ports, else undefined. */
export async function checkPorts(base: number, sharePointHosts: readonly string[]): Promise<string | undefined> {
  const uses = portsFor(base, sharePointHosts);
  const last = uses[uses.length - 1]!.port;
  const alt = otherBase(base, uses.length);
  if (last > 65535) {
    return `PORT=${base} leaves no room: the host also takes ports ${base + 1}–${last} for the Microsoft hosts — run \`PORT=${DEFAULT_PORT} npm start\``;
  }
  for (const u of uses) {
    const code = await probe(u.port);
    if (!code) continue;
    const which = u.port === base ? `Port ${u.port}` : `Port ${u.port} (${u.what}; \`npm start\` on ${base} also takes ${base + 1}–${last})`;
    if (code === 'EADDRINUSE') return `${which} is in use — stop the other \`npm start\` or run \`PORT=${alt} npm start\``;
    if (code === 'EACCES') return `${which} may not be opened by this user — run \`PORT=${alt} npm start\``;
    return `${which} cannot be opened (${code}) — run \`PORT=${alt} npm start\``;
  }
  return undefined;
}
