/**
 * The Jira site's configuration the host serves: one workflow, the default priorities, one issue type.
 * Ids and names are those of a new Jira Cloud site (team-managed "simplified" workflow with global
 * transitions to every status, status categories 2 "new", 4 "indeterminate", 3 "done").
 */

export interface StatusCategory {
  id: number;
  key: 'new' | 'indeterminate' | 'done';
  name: string;
  colorName: string;
}

export const STATUS_CATEGORIES: StatusCategory[] = [
  { id: 2, key: 'new', name: 'To Do', colorName: 'blue-gray' },
  { id: 4, key: 'indeterminate', name: 'In Progress', colorName: 'yellow' },
  { id: 3, key: 'done', name: 'Done', colorName: 'green' },
];

export interface Status {
  id: string;
  name: string;
  category: StatusCategory;
}

const category = (key: StatusCategory['key']) => STATUS_CATEGORIES.find((c) => c.key === key) as StatusCategory;

export const STATUSES: Status[] = [
  { id: '10000', name: 'To Do', category: category('new') },
  { id: '3', name: 'In Progress', category: category('indeterminate') },
  { id: '10001', name: 'Done', category: category('done') },
];

/** Global transitions: from any status to the named one (ids as a new team-managed project has them). */
export const TRANSITIONS: Array<{ id: string; name: string; to: string }> = [
  { id: '11', name: 'To Do', to: '10000' },
  { id: '21', name: 'In Progress', to: '3' },
  { id: '31', name: 'Done', to: '10001' },
];

/** Highest first: `priority > Medium` means more important than Medium, as in Jira. */
export const PRIORITIES = [
  { id: '1', name: 'Highest' },
  { id: '2', name: 'High' },
  { id: '3', name: 'Medium' },
  { id: '4', name: 'Low' },
  { id: '5', name: 'Lowest' },
];

export const ISSUE_TYPE = { id: '10001', name: 'Task', subtask: false, hierarchyLevel: 0, description: 'A small, distinct piece of work.' };

export const RESOLUTION_DONE = { id: '10000', name: 'Done', description: 'Work has been completed on this issue.' };

export const statusById = (id: string): Status => STATUSES.find((s) => s.id === id) ?? (STATUSES[0] as Status);
const MEDIUM = { id: '3', name: 'Medium' };
export const priorityById = (id: string) => PRIORITIES.find((p) => p.id === id) ?? MEDIUM;

export type CustomFieldType = 'date' | 'datetime';

export interface CustomField {
  id: string;
  name: string;
  type: CustomFieldType;
}

/** A stored entity property: its value and its JSON length (the limit is in characters of JSON). */
export interface StoredProperty {
  value: unknown;
  length: number;
}

/**
 * One issue as the host keeps it. Instants are epoch milliseconds, date-only fields are epoch
 * milliseconds of their UTC day (every user's time zone is UTC here).
 */
export interface Issue {
  id: string;
  key: string;
  num: number;
  projectKey: string;
  summary: string;
  description: string;
  statusId: string;
  priorityId: string;
  assignee: string | null;
  reporter: string | null;
  created: number;
  updated: number;
  duedate: number | null;
  resolutiondate: number | null;
  labels: string[];
  securityLevelId: string | null;
  /** Custom date (day start) and date-time values by field id. */
  custom: Record<string, number | null>;
  properties: Map<string, StoredProperty>;
}
