/** What a product REST handler produced: the response, and what Atlassian's points meter counts for it. */
export interface Handled {
  res: Response;
  /** Objects the response returns (issues, users, …): each costs one point on top of the request's one. */
  objects?: number;
  /** Writes cost the base point only, whatever they return. */
  write?: boolean;
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(status === 204 ? null : JSON.stringify(body), { status, headers: status === 204 ? headers : { 'content-type': 'application/json;charset=UTF-8', ...headers } });

/** Jira's ErrorCollection: `{errorMessages, errors}`. */
export const jiraError = (status: number, ...messages: string[]): Handled => ({ res: json(status, { errorMessages: messages, errors: {} }) });

export const ok = (body: unknown, objects = 0): Handled => ({ res: json(200, body), objects });

export const noContent = (write = true): Handled => ({ res: json(204, null), write });

/** Jira's answer for anything a caller may not see, worded so it does not reveal whether it exists. */
export const ISSUE_NOT_FOUND = 'Issue does not exist or you do not have permission to see it.';

/** Reads a JSON request body; `undefined` for a missing or malformed one. */
export function parseBody(body: string | undefined): unknown {
  if (body === undefined || body === '') return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
