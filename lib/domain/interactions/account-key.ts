/**
 * Identity of an account across Sway: `network:id`. Apart from the schemas (schema.ts re-exports
 * it) so that what only keys accounts, as every DynamoDB store does, does not bundle zod.
 */
export const accountKey = (network: string, id: string): string => `${network}:${id}`;

export const parseAccountKey = (key: string): { network: string; id: string } => {
  const at = key.indexOf(':');
  return { network: key.slice(0, at), id: key.slice(at + 1) };
};
