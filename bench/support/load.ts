import { Agent, request } from 'node:http';

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  perSecond: number;
  statuses: Record<number, number>;
}

export interface HttpCall {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

const send = (agent: Agent, origin: URL, call: HttpCall): Promise<number> =>
  new Promise((resolve, reject) => {
    const req = request(
      { agent, host: origin.hostname, port: origin.port, method: call.method, path: call.path, headers: { ...call.headers, ...(call.body ? { 'content-length': String(call.body.length) } : {}) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(call.body);
  });

export const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

/** `total` calls from `concurrency` keep-alive connections; latency per call in milliseconds. */
export const runLoad = async (url: string, concurrency: number, total: number, nextCall: (i: number) => HttpCall): Promise<LatencySummary> => {
  const origin = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < total) {
        const call = nextCall(issued++);
        const t0 = performance.now();
        const status = await send(agent, origin, call);
        latencies.push(performance.now() - t0);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { count: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), perSecond: latencies.length / seconds, statuses };
};
