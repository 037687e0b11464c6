/**
 * The one installation the local host simulates. Real environment ids are UUIDs; this one is
 * readable because it shows up in product URLs (`/jira/settings/apps/{appId}/{envId}`).
 */
export const LOCAL_ENVIRONMENT = { id: 'local-development', type: 'DEVELOPMENT' } as const;
