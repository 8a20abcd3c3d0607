/**
 * `kill -9` of the whole `npm start` process group (DynamoDB Local included), 20 times, at seeded
 * random moments during ingestion or during a recompute. After each restart every interaction
 * that got a 202 is applied; and a reader polling the leaderboard the whole time, across the
 * crashes, only ever sees complete boards, old or new.
 *
 * A complete board: its pages, followed by cursor, rank every entry 1..n with no gap or repeat,
 * scores never rise down the ranks, and n is never below a board seen before (boards only grow
 * here: every delivery brings a new author to the topic). At the end, after a last recompute, the
 * board holds exactly the authors whose deliveries were acknowledged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../lib/scoring/evaluation/seeded-random';
import { engagements } from '../support/interactions';
import { admin, drainAndRecompute, signedPost, startLocalService, waitFor, type LocalService } from '../support/local-service';

const SEED = 20_261_128;
const CRASHES = 20;
const TOPIC = 'crash';
const FANS_PER_AUTHOR = 3;
const BASE_AUTHORS = 120;
const PAGE = 25;

const dataDir = mkdtempSync(join(tmpdir(), 'sway-crash-'));
const random = seededRandom(SEED);
let service: LocalService;
let authors = 0;
/** Authors whose delivery was answered 202, and those sent but not answered when the service died. */
const acknowledged = new Set<string>();
let unanswered = 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const stats = async () => (await (await admin(service, '/v1/admin/stats')).json()) as { interactions: number; pending: number };

/** One delivery: new authors in the topic and the replies of their fans. */
const deliverNewAuthors = async (count = 1): Promise<void> => {
  const added = Array.from({ length: count }, () => `author-${authors++}`);
  const interactions = added.flatMap((author) => engagements(author, FANS_PER_AUTHOR, 'reply', [TOPIC]));
  const response = await signedPost(service, JSON.stringify({ interactions }));
  if (response.status !== 202) throw new Error(`ingest answered ${response.status}`);
  for (const author of added) acknowledged.add(author);
};

const reader = {
  running: true,
  reads: 0,
  unavailable: 0,
  largest: 0,
  incomplete: [] as string[],
  /**
   * Reads the whole board, page by page; null when the service is down (no answer, or a 5xx from a
   * store dying with it). Any other refusal is recorded as an incomplete read: a page of a version
   * deleted under the reader would show up as one (the cursor's 400).
   */
  async readBoard(): Promise<{ rank: number; id: string; score: number }[] | null> {
    const items: { rank: number; id: string; score: number }[] = [];
    let cursor: string | null = null;
    do {
      let response: Response;
      let body: string;
      try {
        response = await fetch(`${service.url}/v1/topics/${TOPIC}/leaderboard?limit=${PAGE}${cursor ? `&cursor=${cursor}` : ''}`);
        body = await response.text();
      } catch {
        return null;
      }
      if (response.status === 404 && !cursor) return [];
      if (response.status >= 500) return null;
      if (response.status !== 200) {
        this.incomplete.push(`a page after ${items.length} entries answered ${response.status}: ${body}`);
        return null;
      }
      const page = JSON.parse(body) as { items: { rank: number; id: string; score: number }[]; nextCursor: string | null };
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  },
  async poll() {
    while (this.running) {
      const board = await this.readBoard();
      if (board === null) {
        this.unavailable++;
        await sleep(100);
        continue;
      }
      this.reads++;
      const gap = board.findIndex((entry, i) => entry.rank !== i + 1 || (i > 0 && entry.score > board[i - 1]!.score));
      if (gap >= 0) this.incomplete.push(`entry ${gap} of ${board.length} out of order: ${JSON.stringify(board.slice(Math.max(0, gap - 1), gap + 1))}`);
      if (board.length < this.largest) this.incomplete.push(`a board of ${board.length} after one of ${this.largest}`);
      this.largest = Math.max(this.largest, board.length);
    }
  },
};
let polling: Promise<void>;

beforeAll(async () => {
  service = await startLocalService({ dataDir });
  await deliverNewAuthors(BASE_AUTHORS);
  await drainAndRecompute(service, 300_000);
  polling = reader.poll();
}, 600_000);

afterAll(async () => {
  reader.running = false;
  await polling;
  await service?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('kill -9 during ingestion and during recomputes', () => {
  it(`loses no acknowledged interaction and never serves a partial leaderboard, over ${CRASHES} crashes`, async () => {
    const crashes = { ingestion: 0, recompute: 0 };
    for (let crash = 0; crash < CRASHES; crash++) {
      const during = random() < 0.5 ? 'ingestion' : 'recompute';
      crashes[during]++;
      let sending = true;
      const sender = (async () => {
        while (sending) {
          try {
            await deliverNewAuthors();
          } catch {
            unanswered++;
            return;
          }
        }
      })();
      if (during === 'recompute') {
        await sleep(200);
        expect((await admin(service, '/v1/admin/recompute', { method: 'POST' })).status).toBe(202);
      }
      await sleep(100 + Math.floor(random() * 2_000));
      await service.kill();
      sending = false;
      await sender;

      service = await startLocalService({ dataDir });
      const settled = await waitFor('the queue to drain', async () => {
        const now = await stats();
        return now.pending === 0 ? now : undefined;
      });
      // Every acknowledged delivery is applied; an unanswered one may or may not have been queued.
      expect(settled.interactions).toBeGreaterThanOrEqual(acknowledged.size * FANS_PER_AUTHOR);
      expect(settled.interactions).toBeLessThanOrEqual((acknowledged.size + unanswered) * FANS_PER_AUTHOR);
    }

    // Under load, the interrupted run (received again) and this one can take minutes.
    expect(await drainAndRecompute(service, 300_000)).toMatchObject({ status: 'succeeded' });
    const board = await reader.readBoard();
    const onBoard = new Set(board?.map((entry) => entry.id));
    expect([...acknowledged].filter((author) => !onBoard.has(author))).toEqual([]);
    expect(reader.incomplete).toEqual([]);
    expect(reader.reads).toBeGreaterThan(CRASHES);
    console.log(
      `crash: ${CRASHES} kill -9 (${crashes.ingestion} during ingestion, ${crashes.recompute} during a recompute); ${acknowledged.size} acknowledged deliveries all applied (${unanswered} unanswered); ` +
        `${reader.reads} complete board reads, ${reader.unavailable} while down, none partial`,
    );
  }, 1_200_000);
});
