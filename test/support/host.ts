import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHost, type Host, type HostOptions } from '../../dev/host/server';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export type TestHost = Host & {
  logs: string[];
  stop(): Promise<void>;
  asUser(userKey: string): { invoke(moduleKey: string, functionKey: string, payload?: unknown): Promise<any> };
  /** POST to the control API (`/__emulator/<path>`); the JSON answer and its status. */
  control(path: string, body?: unknown): Promise<{ status: number; body: any }>;
  state(): Promise<any>;
};

/** The real local host on a free port with its own empty storage. */
export async function startTestHost(opts: Partial<HostOptions> = {}): Promise<TestHost> {
  const dataDir = mkdtempSync(join(tmpdir(), 'forge-local-test-'));
  const logs: string[] = [];
  const host = await startHost({ port: 0, appDir: ROOT, dataDir, fixtureFile: join(ROOT, 'dev/fixtures/demo-tenant.json'), log: (l) => logs.push(l), ...opts });
  return Object.assign(host, {
    logs,
    async stop() {
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
    asUser(userKey: string) {
      return {
        async invoke(moduleKey: string, functionKey: string, payload: unknown = {}) {
          const res = await fetch(`${host.origin}/__host/invoke`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', cookie: `forge_local_as=${userKey}` },
            body: JSON.stringify({ moduleKey, functionKey, payload, extension: {} }),
          });
          return res.json();
        },
      };
    },
    async control(path: string, body: unknown = {}) {
      const res = await fetch(`${host.origin}/__emulator/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    },
    async state() {
      return (await fetch(`${host.origin}/__emulator/state`)).json();
    },
  });
}
