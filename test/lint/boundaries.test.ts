import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

/**
 * The repository's own eslint.config.js, run on small snippets as if they were files in each area.
 * Only the house rules run: type-aware rules need the file on disk, and these snippets are not.
 */
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfigFile: join(ROOT, 'eslint.config.js'),
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports' || ruleId === 'no-restricted-syntax' || ruleId === 'house/disable-needs-reason',
});

async function lint(filePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
  if (!result) throw new Error(`ESLint returned nothing for ${filePath}`);
  expect(result.messages.filter((m) => m.fatal), 'the snippet parses').toEqual([]);
  return result.messages.map((m) => ({ rule: m.ruleId, message: m.message, severity: m.severity }));
}

const breach = (boundary: string, ruleId = 'no-restricted-imports') => [expect.objectContaining({ rule: ruleId, severity: 2, message: expect.stringContaining(boundary) as string })];

describe('the import boundaries fail lint', () => {
  it('src/core imports no Forge SDK, Graph SDK, UI or Node built-ins', async () => {
    expect(await lint('src/core/x.ts', `import { kvs } from '@forge/kvs';\nexport const k = kvs;\n`)).toEqual(breach('Boundary src/core'));
    expect(await lint('src/core/x.ts', `import { Client } from '@microsoft/microsoft-graph-client';\nexport const c = Client;\n`)).toEqual(breach('Boundary src/core'));
    expect(await lint('src/core/account/x.ts', `import { h } from 'preact';\nexport const v = h;\n`)).toEqual(breach('Boundary src/core'));
    expect(await lint('src/core/x.ts', `import { createHash } from 'node:crypto';\nexport const f = createHash;\n`)).toEqual(breach('Boundary src/core'));
    expect(await lint('src/core/x.ts', `import { Buffer } from 'buffer';\nexport const b = Buffer;\n`)).toEqual(breach('Boundary src/core'));
    expect(await lint('src/core/x.ts', `export const load = () => import('node:fs');\n`)).toEqual(breach('Boundary src/core', 'no-restricted-syntax'));
  });

  it('src/core imports nothing from the adapters, entry points, Custom UI or dev host', async () => {
    expect(await lint('src/core/account/x.ts', `import { keys } from '../../adapters/forge/keys';\nexport const k = keys;\n`)).toEqual(breach('Boundary src/core'));
    expect(await lint('src/core/x.ts', `import { resolver } from '../resolvers';\nexport const r = resolver;\n`)).toEqual(breach('Boundary src/core'));
    expect(await lint('src/core/x.ts', `import { mount } from '../../static/shared/mount';\nexport const m = mount;\n`)).toEqual(breach('Boundary src/core'));
    expect(await lint('src/core/x.ts', `import { clock } from '../../dev/host/clock';\nexport const c = clock;\n`)).toEqual(breach('Boundary src/core'));
  });

  it('static/ imports core and contract types only', async () => {
    expect(await lint('static/shared/x.ts', `import { keys } from '../../src/adapters/forge/keys';\nexport const k = keys;\n`)).toEqual(breach('Boundary static/'));
    expect(await lint('static/admin/x.tsx', `import { resolver } from '../../src/resolvers';\nexport const r = resolver;\n`)).toEqual(breach('Boundary static/'));
    expect(await lint('static/shared/x.ts', `import { FUNCTION_KEYS } from '../../src/contract';\nexport const k = FUNCTION_KEYS;\n`)).toEqual(breach('Boundary static/'));
    expect(await lint('static/shared/x.ts', `import { ACCOUNT_KEYS } from '../../src/contracts/account';\nexport const k = ACCOUNT_KEYS;\n`)).toEqual(breach('Boundary static/'));
    expect(await lint('static/shared/x.ts', `import { kvs } from '@forge/kvs';\nexport const k = kvs;\n`)).toEqual(breach('Boundary static/'));
    expect(await lint('static/shared/x.ts', `import api from '@forge/api';\nexport const a = api;\n`)).toEqual(breach('Boundary static/'));
    expect(await lint('static/shared/x.ts', `import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n`)).toEqual(breach('Boundary static/'));
  });

  it('src/ never imports dev/ or test/', async () => {
    expect(await lint('src/resolvers/x.ts', `import { startHost } from '../../dev/host/server';\nexport const s = startHost;\n`)).toEqual(breach('Boundary src/'));
    expect(await lint('src/x.ts', `import { memoryPending } from '../test/unit/account/fakes';\nexport const m = memoryPending;\n`)).toEqual(breach('Boundary src/'));
  });

  it('lets through what each area may import', async () => {
    expect(await lint('src/core/account/x.ts', `import { ok } from '../result';\nimport type { CryptoPort } from '../crypto';\nexport const f = (c: CryptoPort) => ok(c.randomToken(32));\n`)).toEqual([]);
    expect(await lint('static/shared/x.ts', `import type { Result } from '../../src/contract';\nimport type { MyRecords } from '../../src/contracts/account';\nimport { parseSharePointUrl } from '../../src/core/sharepoint/url';\nimport { invoke } from '@forge/bridge';\nimport { h } from 'preact';\nexport const v: Result<MyRecords> | undefined = undefined;\nexport { parseSharePointUrl, invoke, h };\n`)).toEqual([]);
    expect(await lint('src/adapters/node/x.ts', `import { createHash } from 'node:crypto';\nimport { kvs } from '@forge/kvs';\nexport { createHash, kvs };\n`)).toEqual([]);
  });
});

describe('eslint-disable comments', () => {
  it('must say why after --', async () => {
    expect(await lint('src/core/x.ts', `// eslint-disable-next-line no-restricted-imports\nimport { kvs } from '@forge/kvs';\nexport const k = kvs;\n`)).toEqual(breach('Say why', 'house/disable-needs-reason'));
    expect(await lint('src/core/x.ts', `// eslint-disable-next-line no-restricted-imports -- the test proves a reason is enough\nimport { kvs } from '@forge/kvs';\nexport const k = kvs;\n`)).toEqual([]);
  });
});
