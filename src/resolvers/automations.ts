import type { Handlers } from '@forge/resolver';
import type { AutomationsDefs } from '../contracts/automations';
import { isRecord } from '../core/guards';
import type { Result } from '../core/result';
import { automations } from '../automation-services';
import { asAccount, type TrustedContext } from './context';

const field = (p: unknown, k: string): unknown => (isRecord(p) && Object.hasOwn(p, k) ? p[k] : undefined);
const text = (p: unknown, k: string): string => {
  const v = field(p, k);
  return typeof v === 'string' ? v : '';
};

/** Every automations resolver: a logged-in caller (from the context, never the payload), errors as values. */
const run = <T>(where: string, context: TrustedContext, fn: (accountId: string, a: ReturnType<typeof automations>['service']) => Promise<Result<T>>) => {
  const a = automations();
  return asAccount(a.s, where, context, (accountId) => fn(accountId, a.service));
};

export const automationsHandlers: Handlers<AutomationsDefs> = {
  'automations/project': ({ payload, context }) => run('automations/project', context, (me, a) => a.rules.view(me, text(payload, 'projectId'))),
  'automations/rule/create': ({ payload, context }) => run('automations/rule/create', context, (me, a) => a.rules.create(me, text(payload, 'projectId'), field(payload, 'input'))),
  'automations/rule/update': ({ payload, context }) => run('automations/rule/update', context, (me, a) => a.rules.update(me, text(payload, 'projectId'), field(payload, 'ruleId'), field(payload, 'input'))),
  'automations/rule/delete': ({ payload, context }) => run('automations/rule/delete', context, (me, a) => a.rules.remove(me, text(payload, 'projectId'), field(payload, 'ruleId'))),
  'automations/rule/switch': ({ payload, context }) => run('automations/rule/switch', context, (me, a) => a.rules.setOn(me, text(payload, 'projectId'), field(payload, 'ruleId'), field(payload, 'on') === true)),
  'automations/rule/takeOver': ({ payload, context }) => run('automations/rule/takeOver', context, (me, a) => a.rules.takeOver(me, text(payload, 'projectId'), field(payload, 'ruleId'))),
  'automations/rule/test': ({ payload, context }) => run('automations/rule/test', context, (me, a) => a.rules.test(me, text(payload, 'projectId'), field(payload, 'ruleId'))),
  'automations/rule/resend': ({ payload, context }) => run('automations/rule/resend', context, (me, a) => a.rules.resend(me, text(payload, 'projectId'), field(payload, 'ruleId'), field(payload, 'entryId'))),
  'automations/completedStatus': ({ payload, context }) => run('automations/completedStatus', context, (me, a) => a.rules.setCompletedStatus(me, text(payload, 'projectId'), field(payload, 'status'))),
  'todo/panel': ({ payload, context }) => run('todo/panel', context, (me, a) => a.todo.panel(me, text(payload, 'issueId'))),
  'todo/link': ({ payload, context }) => run('todo/link', context, (me, a) => a.todo.link(me, { issueId: field(payload, 'issueId'), listId: field(payload, 'listId'), taskId: field(payload, 'taskId') })),
  'todo/unlink': ({ payload, context }) => run('todo/unlink', context, (me, a) => a.todo.unlink(me, { issueId: field(payload, 'issueId'), linkId: field(payload, 'linkId') })),
};
