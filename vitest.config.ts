import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'lint', include: ['test/lint/**/*.test.ts'], testTimeout: 30_000 } },
      { extends: true, test: { name: 'adapter', include: ['test/adapter/**/*.test.ts', 'test/emulator/**/*.test.ts', 'test/host/**/*.test.ts'], testTimeout: 30_000 } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false } },
    ],
  },
});
