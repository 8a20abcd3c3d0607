/**
 * A map item's topics write their files together (lib/app/recompute/topic-files.ts): every topic's
 * scores and explanation file must be the file it writes alone — a full pass's (the overall topic's
 * unscored accounts listed at 1), an incremental run's with its previous scores and explanations
 * kept (merged with the earlier files, or a file beside them), and one with nobody scored.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { withDuckDb } from '../../lib/adapters/duckdb/duckdb';
import { FolderObjectStore } from '../../lib/adapters/object-store/object-store';
import type { AuthorScore } from '../../lib/domain/scoring/author-scores';
import { listedAuthors, PendingTopicFiles, type TopicFiles } from '../../lib/app/recompute/topic-files';

const scratch = mkdtempSync(join(tmpdir(), 'sway-topic-files-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const author = (account: string, score: number, flags = 0): AuthorScore => ({
  account,
  score,
  logScore: score / 10,
  factors: [{ name: 'response', value: score, contribution: score }],
  topEngagers: [{ account: `${account}-fan`, interactions: 2, weight: 1 }],
  flags,
});

/** A Parquet file of these rows, written by DuckDB from a VALUES list with these columns. */
const parquet = async (db: DuckDBConnection, name: string, columns: string, values: string): Promise<string> => {
  const file = join(scratch, `${name}.parquet`);
  await db.run(`COPY (SELECT * FROM (VALUES ${values}) t(${columns})) TO '${file}' (FORMAT parquet)`);
  return file;
};

interface Topic {
  files: TopicFiles;
  scored: AuthorScore[];
  seenUnscored: string[];
}

describe('the files of a map item’s topics', () => {
  it('are written together as each topic writes them alone', async () => {
    await withDuckDb(async (db) => {
      await db.run(`CREATE OR REPLACE TEMP TABLE touched (topic VARCHAR, account VARCHAR)`);
      await db.run(`INSERT INTO touched VALUES ('rescored', 'x:b'), ('rescored', 'x:gone'), ('merging', 'x:d'), ('merging', 'x:e')`);
      await db.run(`CREATE OR REPLACE TEMP TABLE audiences (topic VARCHAR, account VARCHAR, engagers BIGINT, sketch UINTEGER[])`);
      await db.run(`INSERT INTO audiences VALUES ('full', 'x:a', 2, [7, 3]), ('rescored', 'x:b', 1, [5]), ('merging', 'x:d', 3, [9, 1, 4])`);
      const audiencesOf = (topic: string) => `(SELECT account, engagers, sketch FROM audiences WHERE topic = '${topic}')`;
      const touchedOf = (topic: string) => `SELECT account FROM touched WHERE topic = '${topic}'`;
      const scoreColumns = 'account, score, log_score, scored';
      // Written before flags: the column is missing, and reads as 0.
      const rescoredBefore = await parquet(
        db,
        'rescored-scores',
        scoreColumns,
        `('x:b', 10.0, 1.0, true), ('x:c', 20.0, 2.0, true), ('x:gone', 5.0, 0.5, true), ('x:seen', 1.0, 0.0, false)`,
      );
      const mergingBefore = await parquet(
        db,
        'merging-scores',
        `${scoreColumns}, flags`,
        `('x:d', 30.0, 3.0, true, 0::UTINYINT), ('x:f', 40.0, 4.0, true, 2::UTINYINT)`,
      );
      const explanationColumns = 'account, body, engagers, sketch, fingerprint';
      const earlier = await parquet(
        db,
        'merging-explanations-1',
        explanationColumns,
        `('x:d', '[1]', 1::BIGINT, [1]::UINTEGER[], 'fd'), ('x:f', '[2]', 2::BIGINT, [2]::UINTEGER[], 'ff'), ('x:e', '[3]', 0::BIGINT, NULL::UINTEGER[], 'fe')`,
      );
      const later = await parquet(db, 'merging-explanations-2', explanationColumns, `('x:f', '[4]', 2::BIGINT, [2]::UINTEGER[], 'ff2')`);
      const topics: Topic[] = [
        {
          files: {
            key: 'full',
            scores: { objectKey: 'full/scores.parquet', previous: null },
            explanations: { objectKey: 'full/explanations.parquet', audiences: audiencesOf('full'), previous: null },
            window: null,
          },
          scored: [author('x:a', 100, 4), author('x:z', 12.5)],
          seenUnscored: ['x:only-seen'],
        },
        {
          files: {
            key: 'rescored',
            scores: { objectKey: 'rescored/scores.parquet', previous: { file: rescoredBefore, rescored: touchedOf('rescored') } },
            explanations: {
              objectKey: 'rescored/explanations.parquet',
              audiences: audiencesOf('rescored'),
              previous: { files: [earlier], rescored: touchedOf('rescored'), merge: false },
            },
            window: null,
          },
          scored: [author('x:b', 15)],
          seenUnscored: [],
        },
        {
          files: {
            key: 'merging',
            scores: { objectKey: 'merging/scores.parquet', previous: { file: mergingBefore, rescored: touchedOf('merging') } },
            explanations: {
              objectKey: 'merging/explanations.parquet',
              audiences: audiencesOf('merging'),
              previous: { files: [earlier, later], rescored: touchedOf('merging'), merge: true },
            },
            window: null,
          },
          scored: [author('x:d', 33)],
          seenUnscored: [],
        },
        {
          files: {
            key: 'nobody',
            scores: { objectKey: 'nobody/scores.parquet', previous: null },
            explanations: { objectKey: 'nobody/explanations.parquet', audiences: audiencesOf('nobody'), previous: null },
            window: null,
          },
          scored: [],
          seenUnscored: [],
        },
      ];

      const together = new FolderObjectStore(join(scratch, 'together'));
      const item = await PendingTopicFiles.open(db, join(scratch, 'item'), 'item');
      for (const topic of topics) await item.add(topic.files, listedAuthors(topic.scored), topic.seenUnscored, new Map());
      expect(await item.write(together)).toEqual(new Map());
      const alone = new FolderObjectStore(join(scratch, 'alone'));
      for (const topic of topics) {
        const files = await PendingTopicFiles.open(db, join(scratch, `alone-${topic.files.key}`), 'topic');
        await files.add(topic.files, listedAuthors(topic.scored), topic.seenUnscored, new Map());
        expect(await files.write(alone)).toEqual(new Map());
      }

      const rows = async (objects: FolderObjectStore, key: string) => {
        const [file] = await objects.localPaths([key]);
        return (await db.runAndReadAll(`SELECT * FROM read_parquet('${file}') ORDER BY ALL`)).getRowObjectsJson();
      };
      for (const { files } of topics)
        for (const key of [files.scores.objectKey, files.explanations.objectKey]) expect(await rows(together, key)).toEqual(await rows(alone, key));

      const scores = (key: string) => rows(together, key).then((list) => list.map(({ account, score, scored, flags }) => [account, score, scored, flags]));
      expect(await scores('full/scores.parquet')).toEqual([
        ['x:a', 100, true, 4],
        ['x:only-seen', 1, false, 0],
        ['x:z', 12.5, true, 0],
      ]);
      // x:b rescored, x:c kept, x:gone touched and no longer scored, x:seen kept.
      expect(await scores('rescored/scores.parquet')).toEqual([
        ['x:b', 15, true, 0],
        ['x:c', 20, true, 0],
        ['x:seen', 1, false, 0],
      ]);
      const explanations = (key: string) => rows(together, key).then((list) => list.map(({ account, body }) => [account, body === null ? null : 'body']));
      // Beside the earlier files: the rescored account's explanation, and a row without one for x:gone.
      expect(await explanations('rescored/explanations.parquet')).toEqual([
        ['x:b', 'body'],
        ['x:gone', null],
      ]);
      // Merged: the rescored x:d's new explanation, x:f's latest earlier one; x:e, touched and not scored, gone.
      expect(await rows(together, 'merging/explanations.parquet').then((list) => list.map(({ account, fingerprint }) => [account, fingerprint]))).toEqual([
        ['x:d', expect.any(String)],
        ['x:f', 'ff2'],
      ]);
      expect(await rows(together, 'nobody/scores.parquet')).toEqual([]);
    });
  });
});
