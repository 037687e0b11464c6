import type { Principal } from '../data/directory';
import { GraphError } from './errors';
import { applySelect, selectOf } from './odata';
import type { GraphEnv, Route } from './types';

const ME_SCOPES = ['User.Read', 'User.ReadWrite', 'User.ReadBasic.All', 'User.Read.All', 'Directory.Read.All'];
const USERS_SCOPES = ['User.ReadBasic.All', 'User.Read.All', 'Directory.Read.All'];

// Graph returns this set unless $select asks for more; userType, for one, must be selected.
const DEFAULT = ['businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation',
  'preferredLanguage', 'surname', 'userPrincipalName', 'id'];

const renderUser = (p: Principal): Record<string, unknown> => ({
  businessPhones: [], displayName: p.displayName, givenName: p.givenName, jobTitle: p.jobTitle, mail: p.mail,
  mobilePhone: null, officeLocation: null, preferredLanguage: 'en-US', surname: p.surname,
  userPrincipalName: p.userPrincipalName, id: p.oid, userType: p.userType, accountEnabled: true,
  department: null, companyName: null, creationType: p.userType === 'Guest' ? 'Invitation' : null,
  otherMails: p.userType === 'Guest' ? [p.mail] : [], usageLocation: 'US',
});

const project = (env: GraphEnv, p: Principal, q: URLSearchParams, context: string): Record<string, unknown> => {
  const all = renderUser(p);
  const select = selectOf(q);
  const unknown = select?.find((s) => !Object.keys(all).some((k) => k.toLowerCase() === s.toLowerCase()));
  if (unknown !== undefined) {
    throw new GraphError(400, 'Request_BadRequest', `Could not find a property named '${unknown}' on type 'microsoft.graph.user'.`);
  }
  return { '@odata.context': `${env.origin}/graph/v1.0/$metadata#${context}`, ...applySelect(all, select ?? DEFAULT) };
};

export const userRoutes: Route[] = [
  {
    method: 'GET', path: 'me', scopes: ME_SCOPES,
    handle: ({ env, caller, req }) => ({ status: 200, body: project(env, caller.principal, req.query, 'users/$entity') }),
  },
  {
    method: 'GET', path: 'users/{user}', scopes: USERS_SCOPES,
    handle: ({ env, caller, req, params }) => {
      const ref = (params['user'] ?? '').toLowerCase();
      const p = env.model.directory.principals.find((x) => x.tenantId === caller.tenant.id
        && (x.oid === ref || x.userPrincipalName.toLowerCase() === ref || x.mail.toLowerCase() === ref));
      if (!p) {
        throw new GraphError(404, 'Request_ResourceNotFound',
          `Resource '${params['user'] ?? ''}' does not exist or one of its queried reference-property objects are not present.`);
      }
      return { status: 200, body: project(env, p, req.query, 'users/$entity') };
    },
  },
];
