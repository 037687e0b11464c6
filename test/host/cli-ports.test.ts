import { describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { checkPorts, parsePort, portsFor, sharePointHostsOf } from '../../dev/ports';

const root = resolve(__dirname, '../..');
const fixture = join(root, 'dev/fixtures/demo-tenant.json');

const occupy = (port: number): Promise<Server> =>
  new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen({ port, host: '127.0.0.1' }, () => res(s));
  });
const freePort = async (): Promise<number> => {
  const s = await occupy(0);
  const a = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return typeof a === 'object' && a ? a.port : 0;
};

/** `npm start` as a user runs it, build included: a check that ran after the build would show the build's output. */
const runCli = (env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(root, 'dev/cli.ts')], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });

describe('npm start: the port, first minute', () => {
  it('reads PORT, refusing anything that is not a port with one line saying what to do', () => {
    expect(parsePort(undefined)).toEqual({ port: 4100 });
    expect(parsePort('4200')).toEqual({ port: 4200 });
    for (const bad of ['abc', '41OO', '-1', '0', '70000', '4100.5', '1e4']) {
      const r = parsePort(bad);
      expect(r, bad).toHaveProperty('error');
      expect((r as { error: string }).error).toMatch(/is not a port — use a whole number from 1024 to 65535, e\.g\. `PORT=4200 npm start`/);
    }
  });

  it('knows the Microsoft hosts take the next ports: sign-in, Graph, thumbnails, one per SharePoint host', () => {
    const hosts = sharePointHostsOf(fixture);
    expect(hosts.length).toBeGreaterThan(0);
    const ports = portsFor(4100, hosts).map((p) => p.port);
    expect(ports.slice(0, 5)).toEqual([4100, 4101, 4102, 4103, 4104]);
    expect(ports).toHaveLength(4 + hosts.length);
  });

  it('names the taken port and the way out, for the host port and for a Microsoft host port', async () => {
    let base = await freePort();
    while ((await checkPorts(base, ['contoso.sharepoint.com'])) !== undefined) base = await freePort();
    const taken = await occupy(base);
    try {
      expect(await checkPorts(base, ['contoso.sharepoint.com'])).toBe(`Port ${base} is in use — stop the other \`npm start\` or run \`PORT=${base + 100} npm start\``);
    } finally {
      await new Promise<void>((r) => taken.close(() => r()));
    }
    const graph = await occupy(base + 2);
    try {
      const line = await checkPorts(base, ['contoso.sharepoint.com']);
      expect(line).toBe(`Port ${base + 2} (the Microsoft Graph host; \`npm start\` on ${base} also takes ${base + 1}–${base + 4}) is in use — stop the other \`npm start\` or run \`PORT=${base + 100} npm start\``);
    } finally {
      await new Promise<void>((r) => graph.close(() => r()));
    }
  });

  it('refuses a base port whose Microsoft ports would pass 65535', async () => {
    expect(await checkPorts(65534, ['a.sharepoint.com'])).toMatch(/^PORT=65534 leaves no room: .* run `PORT=4100 npm start`$/);
  });

  it('the CLI prints one line and exits 1, before any build, for a bad PORT and for a taken port', async () => {
    const bad = runCli({ PORT: 'abc' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n')).toEqual(['PORT="abc" is not a port — use a whole number from 1024 to 65535, e.g. `PORT=4200 npm start`']);

    const base = await freePort();
    const taken = await occupy(base);
    try {
      const r = runCli({ PORT: String(base) });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toEqual([`Port ${base} is in use — stop the other \`npm start\` or run \`PORT=${base + 100} npm start\``]);
    } finally {
      await new Promise<void>((r) => taken.close(() => r()));
    }
  }, 120_000);
});
