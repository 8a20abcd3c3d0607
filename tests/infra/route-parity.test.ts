import { beforeAll, describe, expect, it } from 'vitest';
import { routeKey, routes } from '../../lib/wiring/routes';
import { localOnlyFunctions } from '../../lib/wiring/workers';
import { resourcesOfType, synthesisTimeoutMs, synthesizeSway, type SwayFixture } from './sway-app-fixture';

let sway: SwayFixture;
beforeAll(() => {
  sway = synthesizeSway();
}, synthesisTimeoutMs);

const templateRouteKeys = (): string[] =>
  Object.values(resourcesOfType(sway.statelessTemplate, 'AWS::ApiGatewayV2::Route')).map((route) => route.Properties!.RouteKey as string);

describe('route parity between lib/wiring/routes.ts and the HTTP API', () => {
  it('has every route of the route table in the template', () => {
    const inTemplate = new Set(templateRouteKeys());
    const missing = routes.map(routeKey).filter((key) => !inTemplate.has(key));
    expect(missing).toEqual([]);
  });

  it('has no route in the template that the route table lacks', () => {
    const inTable = new Set(routes.map(routeKey));
    const extra = templateRouteKeys().filter((key) => !inTable.has(key));
    expect(extra).toEqual([]);
  });

  it('deploys the function behind every route, none of them local-only (start-recompute starts an execution instead of queueing)', () => {
    for (const route of routes) {
      expect(localOnlyFunctions.has(route.functionName), route.functionName).toBe(false);
      expect(sway.stateless.functions.has(route.functionName), route.functionName).toBe(true);
    }
  });

  it('has each route exactly once', () => {
    const keys = templateRouteKeys();
    expect(keys).toHaveLength(new Set(keys).size);
    expect(new Set(keys)).toEqual(new Set(routes.map(routeKey)));
  });
});
