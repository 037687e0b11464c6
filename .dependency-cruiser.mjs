/**
 * `npm run lint` (after ESLint): no import circles. ESLint's `no-restricted-imports` (eslint.config.js) keeps each
 * area to what it may reach; this keeps the floors of the house apart — two files that import each other, directly
 * or round a loop, can be neither read nor tested one without the other. Type-only imports count too: they tie
 * the reader the same way. dependency-cruiser's rule: https://github.com/sverweij/dependency-cruiser/blob/main/doc/rules-reference.md
 */
/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Files that import each other, directly or round a loop. Move what both need to a file of its own, or pass it in.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/|^test/fixtures/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: false,
  },
};
