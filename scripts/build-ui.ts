/**
 * Builds every Custom UI resource listed in manifest.yml with Vite (`base: './'`: the Forge CDN
 * serves each resource under its own path, and absolute asset URLs leave the iframe blank),
 * then prints each resource's gzipped JavaScript size.
 */
import { build } from 'vite';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '..');
const manifest = parse(readFileSync(join(root, 'manifest.yml'), 'utf8')) as { resources: Array<{ key: string; path: string }> };

export function gzippedJsBytes(distDir: string): number {
  let total = 0;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.js')) total += gzipSync(readFileSync(p), { level: 9 }).length;
    }
  };
  walk(distDir);
  return total;
}

/**
 * The gzipped JavaScript a frame asks for before anything runs: the scripts and module preloads its
 * `index.html` names (the entry chunk and what it imports statically); chunks imported later are not in it.
 */
export function entryJsBytes(distDir: string): number {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const files = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\.\/([^"]+\.js)"/g)].map((m) => m[1] as string);
  return files.reduce((n, f) => n + gzipSync(readFileSync(join(distDir, f)), { level: 9 }).length, 0);
}

async function main() {
  const only = process.argv.slice(2);
  for (const r of manifest.resources) {
    if (only.length && !only.includes(r.key)) continue;
    const outDir = join(root, r.path);
    const appRoot = dirname(outDir);
    await build({
      root: appRoot,
      base: './',
      logLevel: 'warn',
      configFile: false,
      resolve: { alias: [{ find: /^@forge\/bridge\/out\/(.*)$/, replacement: join(root, 'node_modules/@forge/bridge/out/$1') }] },
      esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
      build: {
        outDir,
        emptyOutDir: true,
        target: 'es2022',
        reportCompressedSize: false,
        modulePreload: { polyfill: false },
        // V8's explicit compile hint (Chrome 136+, https://v8.dev/blog/explicit-compile-hints): a frame runs
        // nearly all of its bundle while it boots (bridge, context, session, first render, first request), so
        // every function is compiled eagerly, on a background thread while the file streams in, instead of
        // lazily on the main thread at its first call. The benchmark saw that first-call cost between the
        // session token and the first Graph request (bench/RESULTS.md, "Where the time goes").
      },
      // After minification (which drops comments): the hint must be the file's first line.
      plugins: [{ name: 'compile-hints', enforce: 'post', generateBundle(_, bundle) { for (const f of Object.values(bundle)) if (f.type === 'chunk') f.code = `//# allFunctionsCalledOnLoad\n${f.code}`; } }],
    });
    console.log(`${r.key.padEnd(24)} ${(gzippedJsBytes(outDir) / 1024).toFixed(1)} KB gzipped JS`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}
