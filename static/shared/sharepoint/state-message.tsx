import type { ViewerState } from '../../../src/core/sharepoint/states';

/**
 * A macro's state in words: calm for what the admin decided or the viewer may not see, red for what
 * went wrong. The button, if any, is the caller's (it knows what "retry" or "sign in" means there).
 */
export function StateMessage({ state }: { state: ViewerState }) {
  if (state.code === 'FEATURE_OFF') return <p class="muted" role="status">{state.message}</p>;
  const calm = state.code === 'FORBIDDEN' || state.code === 'NOT_FOUND' || state.code === 'THROTTLED' || state.code === 'MS_UNAVAILABLE';
  return <p class={calm ? 'notice' : 'error'} role="alert">{state.message}</p>;
}
