import type { ProjectAutomationsView, RuleInput, RuleView, DeliveryView, StatusRef, TodoPanelView, LinkView, WhenKind } from '../core/automations';
import type { Result } from '../core/result';

export type { ProjectAutomationsView, RuleInput, RuleView, DeliveryView, StatusRef, TodoPanelView, LinkView, WhenKind };

/**
 * Automations. The project settings page (project admins, asked of Jira as the caller on every call):
 * rules, their delivery logs, take-over, test messages, the status for completed To Do tasks. The
 * issue panel: the caller's own To Do links. The calling user always comes from the invocation's
 * context; ids in payloads only name what to act on and are checked.
 */
export type AutomationsDefs = {
  'automations/project': (p: { projectId: string }) => Promise<Result<ProjectAutomationsView>>;
  'automations/rule/create': (p: { projectId: string; input: RuleInput }) => Promise<Result<ProjectAutomationsView>>;
  /** The owner only: messages go out in their name. */
  'automations/rule/update': (p: { projectId: string; ruleId: string; input: RuleInput }) => Promise<Result<ProjectAutomationsView>>;
  'automations/rule/delete': (p: { projectId: string; ruleId: string }) => Promise<Result<ProjectAutomationsView>>;
  'automations/rule/switch': (p: { projectId: string; ruleId: string; on: boolean }) => Promise<Result<ProjectAutomationsView>>;
  /** The caller becomes the owner (and the rule active again). */
  'automations/rule/takeOver': (p: { projectId: string; ruleId: string }) => Promise<Result<ProjectAutomationsView>>;
  'automations/rule/test': (p: { projectId: string; ruleId: string }) => Promise<Result<ProjectAutomationsView>>;
  'automations/rule/resend': (p: { projectId: string; ruleId: string; entryId: string }) => Promise<Result<ProjectAutomationsView>>;
  /** The status completed To Do tasks move the project's issues to; `null` for none. */
  'automations/completedStatus': (p: { projectId: string; status: StatusRef | null }) => Promise<Result<ProjectAutomationsView>>;
  'todo/panel': (p: { issueId: string }) => Promise<Result<TodoPanelView>>;
  /** Links a task the caller created or picked in their own To Do (the browser did that with their token). */
  'todo/link': (p: { issueId: string; listId: string; taskId: string }) => Promise<Result<TodoPanelView>>;
  'todo/unlink': (p: { issueId: string; linkId: string }) => Promise<Result<TodoPanelView>>;
};
