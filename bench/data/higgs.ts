import { createReadStream, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Interaction } from '../../lib/domain/interactions/schema';

/** SNAP Higgs Twitter activity (De Domenico et al. 2013), read in place from ../shared/data. */
export const HIGGS_ACTIVITY = resolve(__dirname, '../../../shared/data/higgs-twitter/higgs-activity_time.txt.gz');

export const higgsAvailable = (): boolean => existsSync(HIGGS_ACTIVITY);

const TYPES: Record<string, Interaction['type']> = { RT: 'share', RE: 'reply', MT: 'mention' };

/**
 * The activity as canonical interactions in time order. A reply is also listed as a mention of
 * the same (A, B, t); that mention is dropped so the tweet counts once (self-interactions stay:
 * scoring ignores them). Timestamps are moved
 * forward so the newest event is `newest` (the 2012 data would otherwise fall outside the window).
 */
export async function* higgsInteractions({ limit = Infinity, newest = new Date() } = {}): AsyncGenerator<Interaction> {
  const lastTimestamp = 1341705593;
  const shiftSeconds = Math.floor(newest.getTime() / 1000) - lastTimestamp;
  const lines = createInterface({ input: createReadStream(HIGGS_ACTIVITY).pipe(createGunzip()), crlfDelay: Infinity });
  let pending: { key: string; rows: string[][] } | null = null;
  let emitted = 0;
  // Rows are sorted by time: group one second's rows, and drop a mention that is also a reply.
  const flush = function* (group: { key: string; rows: string[][] }): Generator<Interaction> {
    const replies = new Set(group.rows.filter((row) => row[3] === 'RE').map((row) => `${row[0]} ${row[1]}`));
    for (const row of group.rows) {
      const [actor, target, timestamp, kind] = row as [string, string, string, string];
      if (kind === 'MT' && replies.has(`${actor} ${target}`)) continue;
      yield {
        id: `higgs-${timestamp}-${actor}-${target}-${kind}`,
        network: 'x',
        type: TYPES[kind] ?? 'mention',
        actor: { id: actor },
        target: { id: target },
        topics: ['higgs'],
        occurredAt: new Date((Number(timestamp) + shiftSeconds) * 1000).toISOString(),
      };
    }
  };
  for await (const line of lines) {
    const row = line.trim().split(' ');
    if (row.length !== 4) continue;
    const key = row[2] as string;
    if (pending && pending.key !== key) {
      for (const interaction of flush(pending)) {
        if (emitted++ >= limit) return;
        yield interaction;
      }
      pending = null;
    }
    pending ??= { key, rows: [] };
    pending.rows.push(row);
  }
  if (pending) {
    for (const interaction of flush(pending)) {
      if (emitted++ >= limit) return;
      yield interaction;
    }
  }
}
