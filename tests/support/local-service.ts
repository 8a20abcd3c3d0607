import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort } from './free-port';
import { waitFor } from './wait-for';
import { SIGNATURE_HEADER, signatureOf } from '../../cli/signature';

export { waitFor };

export const repoRoot = resolve(__dirname, '../..');

export interface LocalService {
  url: string;
  adminToken: string;
  genericSecret: string;
  output: () => string;
  /** SIGTERM, as Ctrl-C would: a clean stop. */
  stop(): Promise<void>;
  /** SIGKILL to the whole process group (and the DynamoDB Local npm start started, if it started one): a crash. */
  kill(): Promise<void>;
}

/**
 * Whether a process of the group is still running. On Linux, members that are dead but not yet
 * reaped (zombies, whose parent died with the group) do not count: they hold no port and no file.
 */
const groupAlive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so read after the last ")".
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') return true;
  }
  return false;
};

/**
 * Starts `npm start` exactly as a user would, on free ports, in its own process group, and waits
 * until /healthz answers 200 — and, with `demo`, `npm start -- --demo` until its world is loaded.
 */
export const startLocalService = async ({
  dataDir,
  env = {},
  demo = false,
}: {
  dataDir: string;
  env?: Record<string, string>;
  demo?: boolean;
}): Promise<LocalService> => {
  const port = await freePort();
  const adminToken = 'e2e-admin-token';
  const genericSecret = 'e2e-generic-secret';
  const child: ChildProcess = spawn('npm', demo ? ['start', '--', '--demo'] : ['start'], {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      npm_config_update_notifier: 'false',
      PORT: String(port),
      SWAY_DYNAMODB_PORT: String(await freePort()),
      SWAY_DATA_DIR: dataDir,
      SWAY_RECOMPUTE_INTERVAL_S: '0',
      SWAY_ADMIN_TOKEN: adminToken,
      SWAY_SECRET_GENERIC: genericSecret,
      ...env,
    },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const url = `http://127.0.0.1:${port}`;

  const signalGroup = async (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      return;
    }
    await exited;
    // The group may outlive its leader for a moment (DynamoDB Local shutting down).
    for (let i = 0; i < 500; i++) {
      if (!groupAlive(child.pid!)) return;
      await new Promise((resolveWait) => setTimeout(resolveWait, 20));
    }
    process.kill(-child.pid!, 'SIGKILL');
  };

  // Loading the demo world applies thousands of interactions and recomputes 31 days: it takes longer.
  const deadline = Date.now() + (demo ? 300_000 : 120_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > deadline) {
      await signalGroup('SIGKILL');
      throw new Error(`npm start did not become healthy:\n${output}`);
    }
    try {
      if ((await fetch(`${url}/healthz`)).status === 200 && (!demo || output.includes('Demo ready'))) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
  }

  return {
    url,
    adminToken,
    genericSecret,
    output: () => output,
    stop: () => signalGroup('SIGTERM'),
    kill: () => signalGroup('SIGKILL'),
  };
};

export const signedPost = (service: LocalService, body: string | Buffer, headers: Record<string, string> = {}) =>
  fetch(`${service.url}/v1/interactions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: signatureOf(service.genericSecret, Buffer.from(body)),
      ...headers,
    },
    body,
  });

export const admin = (service: LocalService, path: string, init: RequestInit = {}) =>
  fetch(`${service.url}${path}`, { ...init, headers: { authorization: `Bearer ${service.adminToken}`, ...init.headers } });

/** Waits until the queue has drained, starts a recompute and waits for it to succeed. */
export const drainAndRecompute = async (service: LocalService, timeoutMs = 60_000) => {
  await waitFor(
    'the queue to drain',
    async () => {
      const stats = (await (await admin(service, '/v1/admin/stats')).json()) as { pending: number };
      return stats.pending === 0 ? true : undefined;
    },
    timeoutMs,
  );
  const started = await admin(service, '/v1/admin/recompute', { method: 'POST' });
  if (started.status !== 202) throw new Error(`recompute answered ${started.status}`);
  const { runId } = (await started.json()) as { runId: string };
  return waitFor(
    'the run to finish',
    async () => {
      const run = (await (await admin(service, `/v1/admin/runs/${runId}`)).json()) as { status: string };
      return run.status === 'running' ? undefined : run;
    },
    timeoutMs,
  );
};
