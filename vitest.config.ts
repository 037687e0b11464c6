import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // As the Custom UI build resolves them (scripts/build-ui.ts): the bridge's modules one by one, which the
  // package's `exports` map does not list.
  resolve: { alias: [{ find: /^@forge\/bridge\/out\/(.*)$/, replacement: fileURLToPath(new URL('./node_modules/@forge/bridge/out/$1', import.meta.url)) }] },
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'lint', include: ['test/lint/**/*.test.ts'], testTimeout: 30_000 } },
      { extends: true, test: { name: 'adapter', include: ['test/adapter/**/*.test.ts', 'test/emulator/**/*.test.ts', 'test/host/**/*.test.ts'], testTimeout: 30_000 } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false } },
    ],
  },
});
