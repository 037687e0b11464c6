import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { validate } from '@forge/manifest';
import { ROOT } from '../support/host';
import { loadManifest } from '../../dev/host/manifest';

describe('manifest.yml', () => {
  it("passes @forge/manifest's full validation (run after the Custom UI build)", async () => {
    const result = await validate(false, join(ROOT, 'manifest.yml'));
    expect(result.errors ?? []).toEqual([]);
    expect(result.success).toBe(true);
  });

  it('targets the nodejs22.x runtime and names only modules whose handlers exist', async () => {
    const m = loadManifest(ROOT);
    expect(m.runtime).toBe('nodejs22.x');
    const index = await import('../../src/index');
    for (const f of m.functions.values()) {
      const exported = f.handler.split('.')[1] ?? '';
      expect(typeof (index as Record<string, unknown>)[exported], f.handler).toBe('function');
    }
  });
});
