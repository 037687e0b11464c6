import { build } from 'esbuild';
import { join } from 'node:path';
import type { AppManifest } from '../manifest';

/**
 * Bundles each handler module the manifest names (`index.resolver` → src/index.ts), as the Forge
 * CLI does; packages stay external so the worker loads the real @forge/* from node_modules.
 */
export async function bundleApp(manifest: AppManifest, outDir: string): Promise<void> {
  const files = new Set([...manifest.functions.values()].map((f) => f.handler.slice(0, f.handler.lastIndexOf('.'))));
  await build({
    entryPoints: [...files].map((f) => ({ in: join(manifest.dir, 'src', `${f}.ts`), out: f })),
    outdir: outDir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}
