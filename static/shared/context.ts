import { getContext } from './bridge';

/** What the Custom UI needs from `view.getContext()`. Display only: the resolvers never trust it. */
export interface ViewContext {
  accountId?: string;
  moduleKey: string;
  locale?: string;
  timezone?: string;
  extension: Record<string, unknown>;
}

export async function loadContext(): Promise<ViewContext> {
  const ctx = (await getContext()) as unknown as ViewContext;
  return { ...ctx, extension: ctx.extension ?? {} };
}
