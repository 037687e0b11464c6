/**
 * Calendar feeds: defining them, personal addresses (manage.ts), building and refreshing the shared cache
 * (builder.ts), and serving each subscriber their own calendar (serve.ts), over what they share (context.ts).
 * Everything outside (Jira, storage, cryptography, the clock) comes in through ports, so the whole feature runs
 * against in-memory fakes in unit tests.
 */
import { feedBuilder } from './builder';
import { feedContext, type FeedsDeps } from './context';
import { feedManagement } from './manage';
import { feedServer } from './serve';

export function feedsService(deps: FeedsDeps) {
  const ctx = feedContext(deps);
  const builder = feedBuilder(ctx);
  const { now, loadFeed } = ctx;
  return {
    config: ctx.cfg,
    ...feedManagement(ctx, builder),
    serve: feedServer(ctx, builder).serve,
    tick: builder.tick,
    onIssueEvent: builder.onIssueEvent,
    /** For tests and the benchmark: build now, as far as the deadline allows. */
    buildNow: async (id: string, budgetMs: number) => {
      const def = await loadFeed(id);
      return def ? builder.buildFor(def, now() + budgetMs) : undefined;
    },
  };
}

export type FeedsService = ReturnType<typeof feedsService>;
