import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './host';

const PROBE = join(ROOT, 'test/fixtures/probe-app');

/**
 * A copy of the probe app whose manifest is edited (scopes, modules), sharing its source: for rules that
 * depend on what the manifest declares. `dispose()` removes it.
 */
export function probeVariant(edit: (manifest: string) => string): { dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'probe-variant-'));
  const manifest = readFileSync(join(PROBE, 'manifest.yml'), 'utf8');
  const edited = edit(manifest);
  if (edited === manifest) throw new Error('probeVariant: the edit changed nothing');
  writeFileSync(join(dir, 'manifest.yml'), edited);
  symlinkSync(join(PROBE, 'src'), join(dir, 'src'));
  writeFileSync(join(dir, 'package.json'), readFileSync(join(PROBE, 'package.json')));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
