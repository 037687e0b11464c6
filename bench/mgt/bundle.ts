import { build } from 'vite';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export type PeerPage = 'file-list' | 'file';

export interface MgtBundle {
  dir: string;
  /** Gzipped JS bytes of each page (level 9, as scripts/build-ui.ts measures the app's resources). */
  gzippedJsBytes: Record<PeerPage, number>;
}

/**
 * Builds the two peer pages with Vite, the bundler and defaults the app's Custom UI gets (production
 * mode, minified, tree-shaken — both MGT packages declare `sideEffects: false`), one self-contained
 * bundle per page, into a temp dir. (esbuild is not used: with MGT's circular imports and
 * `sideEffects: false` it drops a module initialiser and the bundle throws at start.)
 */
export async function bundleMgt(): Promise<MgtBundle> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-mgt-'));
  const gz = {} as Record<PeerPage, number>;
  for (const page of ['file-list', 'file'] as const) {
    const outDir = join(dir, page);
    await build({
      configFile: false,
      logLevel: 'warn',
      mode: 'production',
      build: {
        outDir,
        emptyOutDir: true,
        target: 'es2022',
        reportCompressedSize: false,
        modulePreload: { polyfill: false },
        rollupOptions: { input: join(import.meta.dirname, `${page}.ts`), output: { entryFileNames: `${page}.js`, chunkFileNames: '[name]-[hash].js', format: 'es' } },
      },
    });
    let bytes = 0;
    for (const f of readdirSync(outDir)) if (f.endsWith('.js')) bytes += gzipSync(readFileSync(join(outDir, f)), { level: 9 }).length;
    gz[page] = bytes;
    writeFileSync(join(dir, `${page}.html`), `<!doctype html><html><head><meta charset="utf-8"><title>MGT ${page}</title><script type="module" src="./${page}/${page}.js"></script></head><body><div id="root"></div></body></html>`);
  }
  return { dir, gzippedJsBytes: gz };
}
