import { close } from './bridge';

const FIELDS = 'input:not([type="hidden"]):not(:disabled), select:not(:disabled), textarea:not(:disabled)';

/**
 * For a resource the product shows in a dialog or popup (a macro's settings, the byline's inline dialog):
 * Esc closes it through `view.close()` — keys pressed in the app's frame never reach the product's page —
 * unless something inside (a confirmation) handled Esc first; and focus lands on the first field as soon
 * as there is one, unless the person has already put it somewhere.
 */
export function behaveAsDialog(opts: { focusFirstField: boolean }) {
  window.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    e.preventDefault();
    void close().catch(() => undefined);
  });
  if (!opts.focusFirstField) return;
  const tryFocus = (): boolean => {
    if (document.activeElement && document.activeElement !== document.body) return true;
    const field = document.querySelector<HTMLElement>(FIELDS);
    if (!field) return false;
    field.focus();
    return true;
  };
  if (tryFocus()) return;
  const watch = new MutationObserver(() => {
    if (tryFocus()) watch.disconnect();
  });
  watch.observe(document.body, { childList: true, subtree: true });
}
