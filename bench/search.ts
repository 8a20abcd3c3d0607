/**
 * Campaign search's latency (`GET /v1/search/influencers`) against the ceiling of the reads it
 * needs, done directly: per search, each topic's board pointer and all of its chunks, the topics'
 * rank indexes, and the page's accounts (twice the page, projected, as the handler reads them).
 */
import { BatchGetCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DEFAULT_PAGE_LIMIT } from '../lib/app/api/schemas';
import { chunkEntries, chunkRefs, type StoredBoardPointer } from '../lib/adapters/dynamodb/boards-store';
import { boards, keys } from '../lib/adapters/dynamodb/keys';
import { tables } from '../lib/adapters/dynamodb/tables';
import { apiGatewayEvent } from '../tests/support/webhook-deliveries';
import { round, type BenchmarkResult } from './result';
import type { InProcessFunctions } from './support/in-process';
import { concurrentDocumentClient } from './support/local-dynamodb';
import { percentile, runLoad, timeConcurrently } from './support/load';

const CONNECTIONS = 50;
const TABLE = tables.main.localName;

/** The reads of one search, straight from DynamoDB Local; latency of each search's reads in ms. */
const searchReadLatency = async (endpoint: string, topics: readonly string[], total: number) => {
  const db = concurrentDocumentClient(endpoint, CONNECTIONS);
  const batchGet = async (itemKeys: Record<string, unknown>[], projection?: string) => {
    const found: Record<string, unknown>[] = [];
    for (let start = 0; start < itemKeys.length; start += 100) {
      const answer = await db.send(
        new BatchGetCommand({
          RequestItems: { [TABLE]: { Keys: itemKeys.slice(start, start + 100), ...(projection ? { ProjectionExpression: projection } : {}) } },
        }),
      );
      found.push(...(answer.Responses?.[TABLE] ?? []));
    }
    return found;
  };
  const search = async () => {
    const chunks = await Promise.all(
      topics.map(async (topic) => {
        const board = boards.leaderboard(topic);
        const { Item } = await db.send(new GetCommand({ TableName: TABLE, Key: keys.boardPointer(board) }));
        const pointer = Item as StoredBoardPointer;
        return batchGet(chunkRefs(pointer).map((ref) => keys.boardChunk(board, ref.version, ref.chunk)));
      }),
    );
    await batchGet(topics.map((topic) => keys.rankIndex(topic)));
    const page = chunks[0]!.flatMap((chunk) => chunkEntries<{ network: string; id: string }>(chunk)).slice(0, DEFAULT_PAGE_LIMIT * 2);
    await batchGet(
      page.map(({ network, id }) => keys.accountScore(network, id)),
      'network, id, handle, score, optedOut, campaigns, computedAt',
    );
  };
  const timed = await timeConcurrently(CONNECTIONS, total, search);
  db.destroy();
  return timed;
};

/**
 * p99 of searches over the largest topics (up to three), by relevance and by rising alternately, 50
 * concurrent over HTTP, against the same reads straight from DynamoDB Local at the same
 * concurrency; in the notes, the same searches one at a time through the handler in this process.
 */
export const benchSearchLatency = async (url: string, endpoint: string, functions: InProcessFunctions, quick: boolean): Promise<BenchmarkResult> => {
  const list = (await (await fetch(`${url}/v1/topics`)).json()) as { items: { topic: string; accounts: number }[] };
  const topics = list.items.slice(0, 3).map((item) => item.topic);
  if (topics.length === 0) throw new Error('search.latency: no topic has a leaderboard');
  const query = (i: number) => ({ topics: topics.join(','), sort: i % 2 === 0 ? 'relevance' : 'rising' });
  const pathOf = (i: number) => `/v1/search/influencers?${new URLSearchParams(query(i)).toString()}`;
  const total = quick ? 1_000 : 5_000;
  await runLoad(url, CONNECTIONS, 100, (i) => ({ method: 'GET', path: pathOf(i) }));
  const load = await runLoad(url, CONNECTIONS, total, (i) => ({ method: 'GET', path: pathOf(i) }));
  if (load.statuses[200] !== total) throw new Error(`search.latency: statuses ${JSON.stringify(load.statuses)}`);
  await searchReadLatency(endpoint, topics, 100);
  const ceiling = await searchReadLatency(endpoint, topics, total);

  const handlerSearch = async (i: number) => {
    const started = performance.now();
    const response = await functions.invoke<unknown, APIGatewayProxyStructuredResultV2>(
      'search-influencers',
      apiGatewayEvent({ method: 'GET', path: '/v1/search/influencers', query: query(i) }),
    );
    if (response.statusCode !== 200) throw new Error(`search.latency: the handler answered ${response.statusCode}`);
    return performance.now() - started;
  };
  await handlerSearch(0); // loads the handler, as a cold start would
  const oneAtATime: number[] = [];
  for (let i = 0; i < total / 10; i++) oneAtATime.push(await handlerSearch(i));
  oneAtATime.sort((a, b) => a - b);
  await functions.takeUsage();
  const sizes = list.items
    .slice(0, 3)
    .map((item) => `${item.topic} (${item.accounts} accounts)`)
    .join(', ');
  return {
    name: 'search.latency',
    value: round(load.p99),
    unit: 'ms',
    ceiling: round(ceiling.p99),
    ratio: round(ceiling.p99 / load.p99, 3),
    notes:
      `p50 ${round(load.p50)} ms; ${total} first pages of a search over ${sizes}, by relevance and by rising alternately, ${CONNECTIONS} concurrent, ${round(load.perSecond)} searches/s; ` +
      `ceiling: the reads a search needs (each topic's board pointer and chunks, the rank indexes, ${DEFAULT_PAGE_LIMIT * 2} account items projected) from the bench process, ${CONNECTIONS} concurrent: p50 ${round(ceiling.p50)} ms, p99 ${round(ceiling.p99)} ms, ${round(ceiling.perSecond)} searches/s; ` +
      `${oneAtATime.length} of the same searches one at a time through functions/search-influencers.ts in the bench process: p50 ${round(percentile(oneAtATime, 50))} ms, p99 ${round(percentile(oneAtATime, 99))} ms`,
  };
};
