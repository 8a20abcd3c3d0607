/** Interactions count for 90 days (the scoring window); what records them is kept a little longer. */
export const RETENTION_DAYS = 100;
