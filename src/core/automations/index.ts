export * from './model';
export * from './events';
export * from './message';
export * from './delivery';
export * from './notifications';
export * from './ports';
export * from './rules';
export * from './todo';
import { rulesService, type RulesDeps } from './rules';
import { todoService, type TodoDeps } from './todo';

/** Both halves of the feature over the same ports. */
export function automationsService(deps: RulesDeps & TodoDeps) {
  const rules = rulesService(deps);
  const todo = todoService(deps);
  return {
    rules,
    todo,
    /**
     * The admin switched the feature: off removes the trigger filter's property from every project
     * (so Jira stops delivering events) and every Graph subscription (so Microsoft stops notifying);
     * on puts back what the stored rules and links need.
     */
    async onFeatureChanged(on: boolean): Promise<{ subscriptions: number }> {
      await rules.syncFilter();
      const t = await todo.onFeatureChanged(on);
      return { subscriptions: t.subscriptions };
    },
  };
}

export type AutomationsService = ReturnType<typeof automationsService>;
