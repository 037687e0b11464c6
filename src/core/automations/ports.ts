/**
 * What the automations core needs from the outside, as ports: storage, Jira as a named person,
 * Microsoft Graph as a named person, the async queue, the web trigger's address. Production passes
 * Forge adapters (src/adapters/forge/automations.ts); tests pass in-memory fakes.
 */
import type { Result } from '../result';
import type { DeliveryEntry, Rule, StatusMapping, StatusRef, TodoLink, TodoSubscription } from './model';
import type { JiraChange } from './events';

/**
 * Whom Jira is asked as: `live` is the person calling a resolver (`asUser()`); otherwise the app acts
 * for them offline (`asUser(accountId)`, Forge's offline user impersonation), e.g. in the queue consumer.
 */
export interface Actor {
  accountId: string;
  live: boolean;
}

export interface IssueFacts {
  id: string;
  key: string;
  projectId: string;
  summary: string;
  /** `https://<site>/browse/<key>`. */
  url: string;
  status?: StatusRef;
  priority?: { id: string; name: string };
  assignee?: { accountId: string; displayName: string } | null;
}

export interface Transition {
  id: string;
  to: StatusRef;
}

export interface JiraPort {
  /** Whether the person administers the project (ADMINISTER_PROJECTS, asked as them). */
  isProjectAdmin(who: Actor, projectId: string): Promise<boolean>;
  /** The project as the person sees it (NOT_FOUND when they may not browse it). */
  project(who: Actor, projectIdOrKey: string): Promise<Result<{ id: string; key: string; name: string }>>;
  /** Whether the issue matches the JQL as the person sees it (a hidden issue does not match). */
  matches(who: Actor, issueId: string, jql: string): Promise<Result<boolean>>;
  /** Jira's own check of a rule's JQL (`jql/parse?validation=strict`): its words when it is wrong. */
  checkJql(who: Actor, jql: string): Promise<Result<void>>;
  issue(who: Actor, issueId: string): Promise<Result<IssueFacts>>;
  displayName(who: Actor, accountId: string): Promise<string | undefined>;
  mayTransition(who: Actor, issueId: string): Promise<Result<boolean>>;
  transitions(who: Actor, issueId: string): Promise<Result<Transition[]>>;
  transition(who: Actor, issueId: string, transitionId: string): Promise<Result<void>>;
  /** The statuses the project's issues can be in (for pickers). */
  statuses(who: Actor, projectId: string): Promise<Result<StatusRef[]>>;
  /**
   * The app property the product-event trigger's filter reads (`app.properties['m365-automations']`,
   * written as the app): the projects with an active rule while the feature is on. Events of every
   * other project are dropped by Jira before they reach the app; an empty list removes the property.
   */
  setActiveProjects(projectIds: string[]): Promise<Result<void>>;
}

export interface TodoTask {
  id: string;
  status: string;
  /** Graph's `completedDateTime.dateTime`, when completed. */
  completedAt?: string;
}

export interface GraphSubscription {
  id: string;
  expirationDateTime: string;
}

export interface GraphPort {
  /** The person's Microsoft 365 connection (which account, what it may do), or undefined when they are signed out. */
  connection(accountId: string): Promise<{ msUserId: string; scopes: readonly string[] } | undefined>;
  postToChannel(accountId: string, teamId: string, channelId: string, html: string): Promise<Result<{ id: string }>>;
  postToChat(accountId: string, chatId: string, html: string): Promise<Result<{ id: string }>>;
  getTask(accountId: string, listId: string, taskId: string): Promise<Result<TodoTask>>;
  createSubscription(
    accountId: string,
    input: { resource: string; changeType: string; notificationUrl: string; lifecycleNotificationUrl: string; expirationDateTime: string; clientState: string },
  ): Promise<Result<GraphSubscription>>;
  renewSubscription(accountId: string, graphId: string, expirationDateTime: string): Promise<Result<GraphSubscription>>;
  deleteSubscription(accountId: string, graphId: string): Promise<Result<void>>;
}

/** Work for the queue consumer. Ids only: the message text is built when it is sent. */
export type Job =
  | { kind: 'jira'; event: JiraChange }
  | { kind: 'send'; projectId: string; ruleId: string; event: JiraChange; entryId: string; attempt: number }
  /** `graphId`: the Graph subscription the notification came from (an older one's are dropped). */
  | { kind: 'todo'; subId: string; taskId: string; graphId?: string }
  | { kind: 'lifecycle'; subId: string; event: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed'; graphId?: string }
  /** The admin switched the feature; the subscriptions are deleted (or made again) here, not in the admin's resolver. */
  | { kind: 'switch'; on: boolean };

export interface QueuePort {
  /** Pushes jobs (the adapter splits them into pushes of ≤ 50). `delaySeconds` ≤ 900. */
  push(jobs: Job[], opts?: { delaySeconds?: number }): Promise<void>;
}

export interface AutomationStore {
  rulesOfProject(projectId: string): Promise<Rule[]>;
  allRules(): Promise<Rule[]>;
  getRule(projectId: string, ruleId: string): Promise<Rule | undefined>;
  putRule(rule: Rule): Promise<void>;
  deleteRule(projectId: string, ruleId: string): Promise<void>;

  /** The rule's delivery log, newest first (at most 50). */
  log(ruleId: string): Promise<DeliveryEntry[]>;
  /** Writes one entry (same id: replaces it) and drops entries beyond the newest 50. */
  putLogEntry(ruleId: string, entry: DeliveryEntry): Promise<void>;

  /** Marks `key` as taken for `ttlSeconds`; false when it already was (atomic: KVS `FAIL_IF_EXISTS`). */
  claim(key: string, ttlSeconds: number): Promise<boolean>;
  /** Adds one to a counter that lives `ttlSeconds`; returns the new value (not atomic: a bound, not a count). */
  bump(key: string, ttlSeconds: number): Promise<number>;

  getMapping(projectId: string): Promise<StatusMapping | undefined>;
  putMapping(mapping: StatusMapping): Promise<void>;

  allLinks(): Promise<TodoLink[]>;
  linksOfAccount(accountId: string): Promise<TodoLink[]>;
  linksOfIssue(issueId: string): Promise<TodoLink[]>;
  getLink(accountId: string, linkId: string): Promise<TodoLink | undefined>;
  putLink(link: TodoLink): Promise<void>;
  deleteLink(link: TodoLink): Promise<void>;

  getSubscription(subId: string): Promise<TodoSubscription | undefined>;
  allSubscriptions(): Promise<TodoSubscription[]>;
  putSubscription(sub: TodoSubscription): Promise<void>;
  deleteSubscription(subId: string): Promise<void>;
  /**
   * The installation's key the subscriptions' clientStates are derived from (made on first use);
   * `rotate` replaces it, so every clientState handed out before stops being accepted.
   */
  notificationKey(opts?: { rotate?: boolean }): Promise<string>;
  /** Lists the account as holding data (personal data reporting). */
  indexAccount(accountId: string): Promise<void>;
}
