/**
 * Name patterns with no dependencies, so the browser pages can share them with the service without
 * bundling zod.
 */
export const NETWORK_PATTERN = /^[a-z0-9-]{1,32}$/;
export const TOPIC_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
