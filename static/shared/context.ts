import { getContext } from '@forge/bridge/out/view/getContext';

/** What the Custom UI needs from `view.getContext()`. Display only: the resolvers never trust it. */
export interface ViewContext {
  accountId?: string;
  moduleKey: string;
  locale?: string;
  timezone?: string;
  extension: Record<string, unknown>;
}

export async function loadContext(): Promise<ViewContext> {
  // The bridge's context is typed loosely; products leave `extension` out where a module has none.
  const ctx = (await getContext()) as unknown as Omit<ViewContext, 'extension'> & { extension?: Record<string, unknown> };
  return { ...ctx, extension: ctx.extension ?? {} };
}
