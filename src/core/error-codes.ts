/**
 * The app's error codes (src/core/result.ts is the vocabulary around them, src/core/messages.ts the words). Their own
 * file so the words' table can be keyed by them without importing the results that use the words.
 */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHENTICATED'        // no Atlassian user (anonymous visitor)
  | 'FORBIDDEN'              // Atlassian or Microsoft says this user may not do or see this
  | 'NOT_FOUND'
  | 'FEATURE_OFF'            // an admin turned the feature off
  | 'MS_SIGN_IN_REQUIRED'    // no usable Microsoft 365 connection for this Atlassian user
  | 'MS_SIGN_IN_FAILED'      // the sign-in itself failed (state, consent, code exchange)
  | 'MS_CONSENT_REQUIRED'    // the tenant's policy needs an administrator to approve the permission
  | 'MS_UNAVAILABLE'         // Microsoft answered with an unexpected failure
  | 'THROTTLED'
  | 'STORAGE_UNAVAILABLE'
  | 'MISCONFIGURED'
  | 'INTERNAL';

export const ERROR_CODES: readonly ErrorCode[] = [
  'BAD_REQUEST', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'FEATURE_OFF', 'MS_SIGN_IN_REQUIRED', 'MS_SIGN_IN_FAILED',
  'MS_CONSENT_REQUIRED', 'MS_UNAVAILABLE', 'THROTTLED', 'STORAGE_UNAVAILABLE', 'MISCONFIGURED', 'INTERNAL',
];
