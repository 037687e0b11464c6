import type { ViewContext } from '../shared/context';

/** `randomToken(16)`: the only thing the macro's configuration holds. */
const SHARE_ID = /^[A-Za-z0-9_-]{22}$/;
const PAGE_ID = /^[1-9]\d{0,17}$/;

/** The page the macro is on, from the product's context: display only, every resolver asks Confluence again. */
export function pageIdOf(ctx: ViewContext): string | undefined {
  const content = ctx.extension['content'] as { id?: unknown } | undefined;
  const id = typeof content?.id === 'number' ? String(content.id) : content?.id;
  return typeof id === 'string' && PAGE_ID.test(id) ? id : undefined;
}

/** The share the macro shows, from its configuration (`{ shareId }`, nothing else: no names, no subjects). */
export function shareIdOf(ctx: ViewContext): string | undefined {
  const config = ctx.extension['config'] as { shareId?: unknown } | undefined;
  return typeof config?.shareId === 'string' && SHARE_ID.test(config.shareId) ? config.shareId : undefined;
}

/** The consent a shared item's kind needs when its sharer must allow the app again. */
export const featureOfKind = (kind: string): 'share.mail' | 'share.conversation' | 'share.calendar' | 'share.event' | 'share.chat' =>
  kind === 'conversation' ? 'share.conversation' : kind === 'calendar' ? 'share.calendar' : kind === 'event' ? 'share.event' : kind === 'chat' ? 'share.chat' : 'share.mail';
