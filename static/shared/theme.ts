import { theme } from '@forge/bridge/out/view/theme';

/**
 * Asks the product for its theme (`view.theme.enable()`): it sets `data-color-mode` on <html> and brings
 * the Atlassian design tokens, and follows the product when the user switches light/dark. The CSS uses
 * `var(--ds-…, light fallback)`, so a product without theming still shows the light look. Once per frame:
 * a SharePoint macro's entry module asks before its view loads (the tokens' CSS then arrives and is parsed
 * while Graph is still answering), and mounting asks again for nothing.
 */
let themed = false;
export function enableTheme(): void {
  if (themed) return;
  themed = true;
  void theme.enable().catch(() => undefined);
}
