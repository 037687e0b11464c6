import { theme } from '@forge/bridge/out/view/theme';

/**
 * Asks the product for its theme (`view.theme.enable()`): it sets `data-color-mode` on <html> and brings
 * the Atlassian design tokens, and follows the product when the user switches light/dark. The CSS uses
 * `var(--ds-…, light fallback)`, so a product without theming still shows the light look. Once per frame;
 * asked when the view mounts. A SharePoint macro's entry asks once its first Graph requests are out, as it
 * loads the view (static/shared/sharepoint/early.ts), not before: the tokens' CSS, parsed in the frame, held
 * its main thread just as the product's context arrived (bench/RESULTS.md).
 */
let themed = false;
export function enableTheme(): void {
  if (themed) return;
  themed = true;
  void theme.enable().catch(() => undefined);
}
