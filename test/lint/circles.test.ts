import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cruise, type IConfiguration, type ICruiseResult } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The repository's own `.dependency-cruiser.mjs` (run by `npm run lint` after ESLint): no import circles, type-only
 * imports included. Run here on a small made-up house, so the rule is shown to fail, not only to pass.
 */
const { default: config } = (await import(pathToFileURL(join(import.meta.dirname, '../../.dependency-cruiser.mjs')).href)) as { default: Required<Pick<IConfiguration, 'forbidden' | 'options'>> };
const dir = mkdtempSync(join(tmpdir(), 'circles-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function circles(files: Record<string, string>): Promise<string[][]> {
  const at = mkdtempSync(join(dir, 'house-'));
  for (const [name, code] of Object.entries(files)) writeFileSync(join(at, name), code);
  const { output } = await cruise([at], { ...config.options, ruleSet: { forbidden: config.forbidden }, validate: true, exclude: {} });
  const result = output as ICruiseResult;
  return result.summary.violations.filter((v) => v.rule.name === 'no-circular').map((v) => (v.cycle ?? []).map((c) => basename(c.name)));
}

describe('import circles fail lint', () => {
  it('two files that import each other', async () => {
    const found = await circles({
      'a.ts': `import { b } from './b';\nexport const a = () => b;\n`,
      'b.ts': `import { a } from './a';\nexport const b = () => a;\n`,
    });
    expect(found.length).toBeGreaterThan(0);
    expect(found.flat().sort()).toEqual(expect.arrayContaining(['a.ts', 'b.ts']));
  });

  it('a loop through three files, one of its imports only a type (the error codes and their words were such a pair)', async () => {
    const found = await circles({
      'codes.ts': `import type { Words } from './words';\nexport type Code = 'A' | 'B';\nexport type W = Words;\n`,
      'result.ts': `import type { Code } from './codes';\nexport const fail = (c: Code) => c;\n`,
      'words.ts': `import { fail } from './result';\nexport type Words = ReturnType<typeof fail>;\n`,
    });
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]?.slice().sort()).toEqual(['codes.ts', 'result.ts', 'words.ts']);
  });

  it('lets a house without circles through', async () => {
    expect(await circles({
      'codes.ts': `export type Code = 'A' | 'B';\n`,
      'words.ts': `import type { Code } from './codes';\nexport const words = (c: Code) => c;\n`,
      'result.ts': `import type { Code } from './codes';\nimport { words } from './words';\nexport const fail = (c: Code) => words(c);\n`,
    })).toEqual([]);
  });
});
