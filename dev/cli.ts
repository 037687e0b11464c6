/**
 * `npm start`: the app in the local Forge host with the demo tenant.
 *   npm start -- --fresh      start with empty storage
 *   PORT=4200 npm start       another port (the Microsoft hosts take the next few: 4201, 4202, …)
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { startHost } from './host/server';
import { settingsPages } from './host/pages/products';
import { checkPorts, parsePort, sharePointHostsOf } from './ports';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const args = new Set(process.argv.slice(2));
const fixtureFile = join(root, 'dev/fixtures/demo-tenant.json');
// Checked before the UI build: a taken or bad port is one line saying what to do, not a stack trace later.
const parsed = parsePort(process.env.PORT);
const problem = 'error' in parsed ? parsed.error : await checkPorts(parsed.port, sharePointHostsOf(fixtureFile));
if (problem || 'error' in parsed) {
  console.error(problem);
  process.exit(1);
}
const port = parsed.port;

const t0 = Date.now();
if (!args.has('--no-build') || !existsSync(join(root, 'static/issue-panel/dist/index.html'))) {
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build-ui.ts')], { stdio: 'inherit', cwd: root });
}
// A demo runs scheduled triggers as time passes too; tests leave that off and move the clock instead.
const host = await startHost({ port, appDir: root, dataDir: join(root, '.forge-local'), fresh: args.has('--fresh'), fixtureFile, scheduledTriggersOnRealTime: true }).catch(async (e: NodeJS.ErrnoException) => {
  // Taken during the build: say so in the same one line.
  if (e?.code !== 'EADDRINUSE') throw e;
  console.error((await checkPorts(port, sharePointHostsOf(fixtureFile))) ?? `A port \`npm start\` on ${port} needs was taken while starting — run \`npm start\` again`);
  process.exit(1);
});
// Nobody is logged in by default (dev/host/session.ts): the demo accounts, each one click away.
const demoUsers = (JSON.parse(readFileSync(fixtureFile, 'utf8')) as { atlassian: { users: Array<{ key: string; displayName: string; admin?: boolean }> } }).atlassian.users;
const admin = demoUsers.find((u) => u.admin)?.key ?? 'anonymous';
const settings = settingsPages(host.manifest).filter((p) => p.audience === 'site-admins');
const s = ((Date.now() - t0) / 1000).toFixed(1);
console.log(`
  Microsoft 365 for Jira and Confluence — local Forge host ready in ${s} s

  Start here           ${host.origin}/  (nobody is logged in until you pick a demo account)
${demoUsers.map((u) => `  ${`Log in as ${u.key}`.padEnd(21)}${host.origin}/?as=${u.key}  ${u.displayName}${u.admin ? ', site admin' : ''}\n`).join('')}  Confluence page      ${host.origin}/wiki/spaces/DEMO/pages/65601?as=${admin}
  Jira issue           ${host.origin}/browse/DEMO-1?as=${admin}
${settings.map((p) => `  ${`${p.product} settings`.padEnd(21)}${host.origin}${p.url}?as=${admin}\n`).join('')}  Switch user          add ?as=${[...demoUsers.map((u) => u.key), 'anonymous'].join(' | ')} to any address (or use the picker at the top right)
  Emulator control     ${host.origin}/__emulator/state  (routes: dev/host/README.md)

  Microsoft hosts, each on its own origin:
${host.microsoftOrigins.served.map((h) => `    ${h.production.replace(/^https:\/\//, '').padEnd(32)}${h.local}\n`).join('')}`);

const stop = async () => {
  await host.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
