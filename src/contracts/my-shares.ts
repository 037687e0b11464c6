import type { Result } from '../core/result';
import type { ShareScope } from '../core/settings/model';
import type { HandoverOutcome, MySharesView, ProjectPolicyView } from '../core/sharing/my-shares';
import type { OpensSummary } from '../core/sharing/opens';

export type { HandoverOutcome, MySharesView, ProjectPolicyView };
export type { MyShareView, OfferView } from '../core/sharing/my-shares';
export type { KindPolicy, ProjectKindRule, SharingKindName } from '../core/sharing/kind-policy';

export type OpensView = Omit<OpensSummary, 'people'> & { people: Array<{ accountId: string; name: string; count: number; lastAt: string }> };

/**
 * Keeping shares under control: My shares (a person's own shares), hand-over to a colleague, and a
 * project's sharing rules. The caller is always the invocation's account; a share or offer id from a
 * payload is acted on only when the stored record is the caller's.
 */
export type MySharesDefs = {
  /** Everything the caller shared, where (as far as they may still look), and hand-overs to and from them. */
  'myShares/list': () => Promise<Result<MySharesView>>;
  'myShares/scope': (p: { shareId: string; scope: ShareScope }) => Promise<Result<{ scope: ShareScope; expiresAt?: string }>>;
  /** A new end date (ISO 8601, UTC), or none (`null`). */
  'myShares/expiry': (p: { shareId: string; expiresAt: string | null }) => Promise<Result<{ expiresAt?: string }>>;
  'myShares/remove': (p: { shareId: string }) => Promise<Result<{ removed: number }>>;
  /** Removes every share of the caller; `confirm` must be 'remove-all'. */
  'myShares/removeAll': (p: { confirm: 'remove-all' }) => Promise<Result<{ removed: number }>>;
  /** Who opened one of the caller's shares in the last 90 days. */
  'myShares/opens': (p: { shareId: string }) => Promise<Result<OpensView>>;
  /** Colleagues to hand shares to, by the start of a name or e-mail. */
  'myShares/people': (p: { query: string }) => Promise<Result<Array<{ accountId: string; name: string }>>>;
  'myShares/offer': (p: { toAccountId: string; shareIds: string[] }) => Promise<Result<{ offerId: string }>>;
  /** The colleague takes over what they can read in their own Microsoft 365; the rest is listed as not transferable. */
  'myShares/accept': (p: { offerId: string }) => Promise<Result<HandoverOutcome>>;
  /** The colleague refuses, or the person who offered withdraws. */
  'myShares/refuse': (p: { offerId: string }) => Promise<Result<{ refused: true }>>;
  /** A project's sharing rules (project admins). */
  'projectSharing/get': (p: { projectId: string }) => Promise<Result<ProjectPolicyView>>;
  /** Narrows the site's rules for the project; nothing here can widen them. */
  'projectSharing/save': (p: { projectId: string; kinds: Record<string, unknown> }) => Promise<Result<ProjectPolicyView>>;
};
