import type { AccountStates } from '../accounts';
import type { Directory } from '../tenant';
import type { Who } from './permissions';
import type { RenderContext } from './render';
import type { JiraSite } from './store';

/** What every Jira REST handler gets: the site, account states, and how to render users and issues. */
export interface JiraApi {
  dir: Directory;
  jira: JiraSite;
  accounts: AccountStates;
  siteUrl: string;
  render: RenderContext;
}

export interface JiraRequest {
  who: Who;
  method: string;
  url: URL;
  body?: string;
}

/** Query parameters that may repeat and hold comma-separated lists (`fields`, `properties`, …). */
export const listParam = (url: URL, name: string): string[] =>
  url.searchParams
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
