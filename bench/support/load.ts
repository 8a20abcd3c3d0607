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
      {
        agent,
        host: origin.hostname,
        port: origin.port,
        method: call.method,
        path: call.path,
        headers: { ...call.headers, ...(call.body ? { 'content-length': String(call.body.length) } : {}) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(call.body);
  });

export const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

/** `total` calls of `work`, `concurrency` at a time; latency of each in milliseconds. */
export const timeConcurrently = async (concurrency: number, total: number, work: (i: number) => Promise<void>): Promise<Omit<LatencySummary, 'statuses'>> => {
  const latencies: number[] = [];
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < total) {
        const i = issued++;
        const t0 = performance.now();
        await work(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { count: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), perSecond: latencies.length / seconds };
};

/** `total` calls from `concurrency` keep-alive connections; latency per call in milliseconds. */
export const runLoad = async (url: string, concurrency: number, total: number, nextCall: (i: number) => HttpCall): Promise<LatencySummary> => {
  const origin = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const statuses: Record<number, number> = {};
  const timed = await timeConcurrently(concurrency, total, async (i) => {
    const status = await send(agent, origin, nextCall(i));
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  agent.destroy();
  return { ...timed, statuses };
};
