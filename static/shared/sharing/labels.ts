import type { ShareKind } from '../../../src/contracts/sharing';
import type { ShareScope } from '../../../src/core/settings/model';

export const SCOPE_LABEL: Record<ShareScope, string> = { private: 'Private', atlassian: 'Atlassian users', public: 'Public' };
/** Who sees a share of each scope, said of where it is shared ("this issue", "this page"). */
export const scopeHelp = (scope: ShareScope, place = 'this issue'): string =>
  ({ private: 'Only you', atlassian: `Everyone logged in who can view ${place}`, public: `Anyone who can view ${place}, logged in or not` })[scope];

/** Kinds the sharer may choose, in the order the picker offers them. */
export const KIND_LABEL: Record<ShareKind, string> = {
  mail: 'This mail',
  conversation: 'The whole conversation, including future replies',
  calendar: 'A calendar, for a date window',
  event: 'One event or meeting',
  chat: 'A Teams chat',
};

/** When the sharer switches kind, the audience they chose stays if that kind allows it too; otherwise its default. */
export const pickScope = (chosen: ShareScope, rule: { allowedScopes: readonly ShareScope[]; defaultScope: ShareScope }): ShareScope =>
  rule.allowedScopes.includes(chosen) ? chosen : rule.defaultScope;
