import { createRequire } from 'node:module';

/**
 * The Atlassian theme the products apply, from `@atlaskit/tokens` (Apache-2.0; installed with
 * `@forge/bridge`, whose `FullContext.theme` is that package's `ThemeState`).
 *
 * `setGlobalTheme` (dist/esm/set-global-theme.js) sets `data-color-mode` and `data-theme` on <html>
 * (utils/configure-page.js, get-theme-html-attrs.js) and appends one `<style data-theme="{id}">` per
 * theme id with that theme's CSS (utils/theme-loading.js); each theme's CSS only matches under those
 * attributes (`html[data-color-mode="dark"][data-theme~="dark:dark"] { --ds-text: … }`). The host serves
 * the same CSS, read from the package, never copied by hand.
 */
export const THEME_IDS = ['light', 'dark', 'spacing', 'shape', 'typography-adg3'] as const;
export type ThemeId = (typeof THEME_IDS)[number];

/** The theme state the products hand Forge (`view.getContext().theme`, `view.theme.enable()`). */
export interface ThemeState {
  colorMode: 'light' | 'dark';
  light: 'light';
  dark: 'dark';
  spacing: 'spacing';
  shape: 'shape';
  typography: 'typography-adg3';
}

export const themeState = (colorMode: 'light' | 'dark'): ThemeState => ({ colorMode, light: 'light', dark: 'dark', spacing: 'spacing', shape: 'shape', typography: 'typography-adg3' });

/** `themeObjectToString` (theme-state-transformer.js): the `data-theme` attribute. */
export const themeAttribute = (s: ThemeState): string => `dark:${s.dark} light:${s.light} shape:${s.shape} spacing:${s.spacing} typography:${s.typography}`;

const require = createRequire(import.meta.url);
const cache = new Map<ThemeId, string>();

export const isThemeId = (id: string): id is ThemeId => (THEME_IDS as readonly string[]).includes(id);

/** The CSS of one theme, as `loadThemeCss(themeId)` gets it from the package's theme import map. */
export function themeCss(id: ThemeId): string {
  let css = cache.get(id);
  if (css === undefined) {
    const mod = require(`@atlaskit/tokens/dist/cjs/artifacts/themes/atlassian-${id}.js`) as { default: string };
    css = mod.default;
    cache.set(id, css);
  }
  return css;
}
