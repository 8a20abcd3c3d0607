/**
 * API keys guard exactly the lookups: each HTTP function says whether it serves lookups
 * (`httpHandler`'s `lookup`, which adds the API-key middleware), and that must be what the route
 * table says of its routes — the table is what CDK, the local gateway and OpenAPI read, the flag is
 * what keeps the table out of every function's bundle.
 */
import { describe, expect, it } from 'vitest';
import { loadHandler } from '../../infra/local/lambda-context';
import type { Dependencies } from '../../lib/wiring/dependencies';
import { routes } from '../../lib/wiring/routes';

/** Building a handler reads none of its ports; serving a request would. */
const unused = new Proxy({} as Dependencies, {
  get: (_target, port) => () => {
    throw new Error(`${String(port)} is not used while a handler is built`);
  },
});

const authOf = new Map<string, Set<string>>();
for (const route of routes) authOf.set(route.functionName, (authOf.get(route.functionName) ?? new Set()).add(route.auth));

describe('HTTP functions and the route table', () => {
  it('gives each function routes of one kind of access', () => {
    for (const [functionName, kinds] of authOf) expect([functionName, [...kinds]]).toEqual([functionName, [[...kinds][0]]]);
  });

  it.each([...authOf.keys()])('%s carries the API keys if and only if it serves lookups', async (functionName) => {
    const handler = (await loadHandler(functionName, unused)) as unknown as { servesLookups?: boolean };
    expect(handler.servesLookups).toBe(authOf.get(functionName)!.has('lookup'));
  });
});
