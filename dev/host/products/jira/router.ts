import { jiraError, type Handled } from '../http';
import type { JiraApi, JiraRequest } from './api';
import { issueRoutes } from './issues';
import { jqlRoutes } from './jql';
import { permissionRoutes } from './permissions-api';
import { projectRoutes } from './projects';
import { searchEngine, searchJql } from './search';
import { userRoutes } from './users';

/** The search endpoints Atlassian removed (CHANGE-2046): they answer 410 Gone. */
const REMOVED_SEARCH = /^\/rest\/api\/[23]\/search(\/id)?$/;

/**
 * The slice of Jira Cloud's REST API v3 the host emulates. An unknown path answers 404 the way
 * Jira does, so a missing emulation shows up in tests at once.
 */
export function jiraRouter(api: JiraApi) {
  const engine = searchEngine(api);
  return function route(req: JiraRequest): Handled {
    const path = req.url.pathname;
    if (path === '/rest/api/3/search/jql') {
      if (req.method === 'GET' || req.method === 'POST') return searchJql(api, engine, req);
      return jiraError(405, `Method ${req.method} is not allowed for ${path}.`);
    }
    if (REMOVED_SEARCH.test(path)) return jiraError(410, 'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046');
    return (
      issueRoutes(api, req) ??
      jqlRoutes(api, req) ??
      permissionRoutes(api, req) ??
      userRoutes(api, req) ??
      projectRoutes(api, req) ??
      jiraError(404, `The local host does not emulate ${req.method} ${path}.`)
    );
  };
}
