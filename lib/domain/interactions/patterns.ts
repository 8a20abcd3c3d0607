/**
 * Name patterns with no dependencies, so the browser pages can share them with the service without
 * bundling zod.
 */
export const NETWORK_PATTERN = /^[a-z0-9-]{1,32}$/;
export const TOPIC_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** One interaction carries at most this many topics: explicit ones first, then hashtags (CONTRACT §2). */
export const MAX_TOPICS_PER_INTERACTION = 20;
