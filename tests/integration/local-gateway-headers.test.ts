/**
 * The security headers `npm start` sends (web/security-headers.ts, the ones CloudFront adds in
 * AWS): the pages' own on every page, asset and 404 page; the API's on every answer of the API,
 * whatever its route, status or content type. Over HTTP, through the local gateway and the real
 * handlers against DynamoDB Local.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebAssets } from '../../web/build';
import { apiSecurityHeaders, pageSecurityHeaders, type SecurityHeaders } from '../../web/security-headers';
import { assetsFolder } from '../../web/site';
import { startGateway } from '../../infra/local/gateway';
import { freePort } from '../support/free-port';
import { IN_PROCESS_ADMIN_TOKEN, startInProcessSway } from '../support/in-process-sway';

const webRoot = mkdtempSync(join(tmpdir(), 'sway-gateway-headers-'));
let server: Server;
let url: string;

beforeAll(async () => {
  const { dependencies } = await startInProcessSway();
  await buildWebAssets(webRoot);
  server = await startGateway(await freePort(), { adminToken: IN_PROCESS_ADMIN_TOKEN, webRoot, dependencies });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  rmSync(webRoot, { recursive: true, force: true });
});

const expectHeaders = (response: Response, expected: SecurityHeaders, what: string) => {
  for (const [name, value] of Object.entries(expected)) expect(response.headers.get(name), `${what}: ${name}`).toBe(value);
};

describe('security headers of the local gateway', () => {
  it("sends the pages' headers with every page, asset and 404 page", async () => {
    const [script] = readdirSync(join(webRoot, assetsFolder)).filter((file) => file.endsWith('.js'));
    const [style] = readdirSync(join(webRoot, assetsFolder)).filter((file) => file.endsWith('.css'));
    const pages: [string, number][] = [
      ['/', 200],
      ['/topics/physics', 200],
      ['/accounts/x/alice', 200],
      ['/method', 200],
      [`/${assetsFolder}/${script}`, 200],
      [`/${assetsFolder}/${style}`, 200],
      ['/no/such/page', 404],
    ];
    for (const [path, status] of pages) {
      const response = await fetch(`${url}${path}`);
      expect(response.status, path).toBe(status);
      expectHeaders(response, pageSecurityHeaders, path);
      await response.arrayBuffer();
    }
    const head = await fetch(`${url}/topics/physics`, { method: 'HEAD' });
    expectHeaders(head, pageSecurityHeaders, 'HEAD /topics/physics');
  });

  it("sends the API's headers, never the pages', with every answer of the API: JSON, problems, handshakes, refusals", async () => {
    const requests: [string, RequestInit, number][] = [
      ['/healthz', {}, 200],
      ['/openapi.json', {}, 200],
      ['/v1/leaderboard', {}, 200],
      ['/v1/topics/physics/leaderboard', {}, 200],
      ['/v1/accounts/x/nobody', {}, 404],
      ['/v1/no-such-route', {}, 404],
      ['/v1/leaderboard', { method: 'POST' }, 405],
      ['/v1/interactions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"interactions":[]}' }, 401],
      ['/v1/admin/stats', {}, 401],
      ['/v1/admin/stats', { headers: { authorization: `Bearer ${IN_PROCESS_ADMIN_TOKEN}` } }, 200],
      ['/v1/webhooks/meta?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1', {}, 403],
      ['/', { method: 'POST' }, 404],
    ];
    for (const [path, init, status] of requests) {
      const what = `${init.method ?? 'GET'} ${path}`;
      const response = await fetch(`${url}${path}`, init);
      expect(response.status, what).toBe(status);
      expectHeaders(response, apiSecurityHeaders, what);
      expect(response.headers.get('content-security-policy'), what).not.toBe(pageSecurityHeaders['content-security-policy']);
      await response.arrayBuffer();
    }
  });

  it('keeps the API content types and caching headers the handlers set', async () => {
    const response = await fetch(`${url}/v1/leaderboard`);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('etag')).toBeTruthy();
    expect(response.headers.get('cache-control')).toContain('max-age=30');
  });
});
