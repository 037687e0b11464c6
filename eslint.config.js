// @ts-check
import { builtinModules } from 'node:module';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

/*
 * Where code may reach. Each area gets one `no-restricted-imports` entry (flat config replaces a rule's
 * options rather than merging them), composed from these pieces. Relative imports are matched by the
 * folder names they pass through: none of these names is used for a folder inside src/core or static.
 */
const bareBuiltins = builtinModules.filter((m) => !m.startsWith('_') && !m.includes('/'));
const nodeBuiltins = (boundary) => [
  { regex: `^(node:|(${bareBuiltins.join('|')})(/|$))`, message: `${boundary} runs in the browser too: no Node built-ins (node:*, 'crypto', 'buffer', …).` },
];
const noDevOrTest = (boundary) => ({ regex: '(^|/)(dev|test|bench|scripts)(/|$)', message: `${boundary} never imports dev/, test/, bench/ or scripts/: the app ships without them.` });

const coreBoundary = 'Boundary src/core (pure core)';
const coreImports = [
  { regex: '^@forge/', message: `${coreBoundary}: no @forge/* — declare a port in core and implement it in src/adapters/forge.` },
  { regex: '^@microsoft/', message: `${coreBoundary}: no @microsoft/* (Graph SDK) — the Graph client lives in src/adapters.` },
  { regex: '^(preact|react)(/|$)', message: `${coreBoundary}: no UI libraries — UI lives in static/.` },
  ...nodeBuiltins(coreBoundary),
  { regex: '(^|/)(adapters|resolvers|webtriggers|triggers)(/|$)', message: `${coreBoundary}: never imports src/adapters, src/resolvers, src/webtriggers or src/triggers — they depend on core, not the reverse.` },
  { regex: '(^|/)static(/|$)', message: `${coreBoundary}: never imports static/ (Custom UI).` },
  noDevOrTest(coreBoundary),
];

const staticBoundary = 'Boundary static/ (Custom UI)';
const staticImports = [
  { regex: '^@forge/(?!bridge(/|$))', message: `${staticBoundary}: talks to Forge through @forge/bridge only — @forge/api, @forge/kvs, @forge/resolver and the rest run in functions.` },
  ...nodeBuiltins(staticBoundary),
  { regex: '(^|/)src/(contract|contracts/.+)$', allowTypeImports: true, message: `${staticBoundary}: src/contract is shared by types only — use \`import type\`.` },
  { regex: '(^|/)src/(?!core(/|$)|contract$|contracts/)', message: `${staticBoundary}: imports only src/core and types from src/contract — never adapters, resolvers or other backend code.` },
  noDevOrTest(staticBoundary),
];

const srcBoundary = 'Boundary src/ (the app)';
const srcImports = [noDevOrTest(srcBoundary)];

/** Every `eslint-disable` says why, after `--`, so the next reader can judge whether it still holds. */
const house = {
  rules: {
    'disable-needs-reason': {
      meta: { type: 'problem', messages: { missing: 'Say why this rule is disabled here: `eslint-disable… <rule> -- <reason>`.' }, schema: [] },
      create(context) {
        return {
          Program() {
            for (const comment of context.sourceCode.getAllComments()) {
              const text = comment.value.trim();
              if (/^eslint-disable(-next-line|-line)?(\s|$)/.test(text) && !/\s--\s*\S/.test(text)) context.report({ loc: comment.loc, messageId: 'missing' });
            }
          },
        };
      },
    },
  },
};

export default defineConfig(
  globalIgnores(['static/*/dist/', 'dist/', '.forge-local/', 'test-results/', 'test/fixtures/**/node_modules/']),
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { house },
    rules: { 'house/disable-needs-reason': 'error' },
  },
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    // The app (backend and Custom UI): typescript-eslint's strictest type-aware sets.
    files: ['src/**/*.{ts,tsx}', 'static/**/*.{ts,tsx}'],
    extends: [tseslint.configs.strictTypeChecked, tseslint.configs.stylisticTypeChecked],
    rules: {
      // Numbers in messages and keys (`${n} rows`) are what template literals are for; objects are still refused.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `Array<{ … }>` reads better than `{ … }[]` for object types; simple element types still use `T[]`.
      '@typescript-eslint/array-type': ['error', { default: 'array-simple' }],
      // An empty string means "not set" here (Forge variables, optional claims, form fields): `||` is meant.
      '@typescript-eslint/prefer-nullish-coalescing': ['error', { ignorePrimitives: { string: true } }],
      // It asks for `x!` where strict's no-non-null-assertion forbids `!`: the stricter rule wins, code narrows instead.
      '@typescript-eslint/non-nullable-type-assertion-style': 'off',
      // `fields['Title']` marks a key that is data (a SharePoint column, a JSON field), not a property we declared.
      '@typescript-eslint/dot-notation': ['error', { allowIndexSignaturePropertyAccess: true }],
    },
  },
  {
    // The resolver contract must be type aliases: @forge/resolver's `Definitions` is an index signature.
    files: ['src/contract.ts', 'src/contracts/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-definitions': 'off' },
  },
  {
    // The host, emulator, tests, benchmark and scripts: type-aware, without the strict-only rules.
    files: ['dev/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', '*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // In-memory fakes implement the core's async ports without anything to await.
      '@typescript-eslint/require-await': 'off',
      // Tests read JSON answers and vitest's `expect.any()` (both `any`) and then assert on them: the assertion is the check.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['dev/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // The host, emulator and tests parse manifests, fixtures and the SDKs' wire formats (YAML, JSON, IPC), which are
      // untyped by nature; each is validated where it is used. The app itself (src/, static/) keeps every strict rule.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // `const { secret: _s, ...rest } = x` is how a field is left out of a copy.
    files: ['**/*.{ts,tsx}'],
    rules: { '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }] },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.recommended],
  },
  { files: ['src/**/*.{ts,tsx}'], rules: { 'no-restricted-imports': ['error', { patterns: srcImports }] } },
  {
    files: ['src/core/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: coreImports }],
      'no-restricted-syntax': ['error', { selector: 'ImportExpression', message: `${coreBoundary}: loads no modules at run time; import what it needs, or receive it as a port.` }],
    },
  },
  { files: ['static/**/*.{ts,tsx}'], rules: { 'no-restricted-imports': ['error', { patterns: staticImports }] } },
);
