/**
 * Claims construct ids at stack level for an entry of an environment's config (see
 * EnvironmentStack): false when one of them is taken already, which it reports.
 */
export type ClaimIds = (field: string, key: string, ids: readonly string[]) => boolean;
