import { describe, expect, it } from 'vitest';
import { formatImportSummary } from '../../../cli/commands/import';
import { formatAccount } from '../../../cli/format/account';
import { flattenRow, formatExplanation, humanize } from '../../../cli/format/explanation';
import { formatLeaderboard } from '../../../cli/format/leaderboard';
import { formatRunSummary } from '../../../cli/format/run';
import { formatStats } from '../../../cli/format/stats';
import { formatDuration, formatFields, formatTable } from '../../../cli/format/table';
import type { Account, Run } from '../../../lib/app/api/schemas';

describe('formatTable', () => {
  it('pads columns, right-aligns numbers, trims line ends', () => {
    expect(
      formatTable(
        [{ header: 'name' }, { header: 'n' }],
        [
          ['alice', 5],
          ['bo', 120],
        ],
      ),
    ).toBe(['name     n', 'alice    5', 'bo     120'].join('\n'));
  });

  it('follows an explicit alignment and shows missing cells as blanks', () => {
    expect(
      formatTable(
        [{ header: 'score', align: 'right' }, { header: 'who' }],
        [
          ['9.5', null],
          ['10.0', 'x'],
        ],
      ),
    ).toBe(['score  who', '  9.5', ' 10.0  x'].join('\n'));
  });

  it('keeps control characters from the server off the terminal', () => {
    expect(formatTable([{ header: 'handle' }], [['evil\u001b[31m\nname']])).toBe('handle\nevil [31m name');
  });
});

describe('formatFields and formatDuration', () => {
  it('line up labelled values', () => {
    expect(
      formatFields([
        ['pending', 0],
        ['dead letters', 3],
      ]),
    ).toBe('pending       0\ndead letters  3');
  });

  it('say durations in the unit that reads best', () => {
    expect(formatDuration(12_345)).toBe('12.3 s');
    expect(formatDuration(184_000)).toBe('3 min 4 s');
    expect(formatDuration(3_723_000)).toBe('1 h 2 min');
  });
});

const account: Account = {
  network: 'x',
  id: '42',
  handle: 'alice',
  score: 87.25,
  topics: [
    { topic: 'rust', score: 91.2, rank: 1 },
    { topic: 'wasm', score: 55, rank: 12 },
  ],
  computedAt: '2025-01-02T03:04:05.000Z',
};

describe('formatAccount', () => {
  it('prints handle, network:id, the overall score and a table of topic scores', () => {
    expect(formatAccount(account)).toBe(
      ['alice (x:42)', 'score        87.3', 'computed at  2025-01-02T03:04:05.000Z', '', 'topic  score  rank', 'rust    91.2     1', 'wasm    55.0    12'].join(
        '\n',
      ),
    );
  });

  it('prints only the topics asked for, and says when there are none', () => {
    expect(formatAccount(account, [account.topics[1] as Account['topics'][number]])).not.toContain('rust');
    expect(formatAccount({ ...account, handle: null, topics: [] })).toMatch(/^x:42\n[\s\S]*no topic scores yet$/);
  });
});

describe('formatLeaderboard', () => {
  const board = {
    items: [
      { rank: 1, network: 'x', id: '42', handle: 'alice', score: 91.2 },
      { rank: 2, network: 'github', id: '7', handle: null, score: 80 },
    ],
    nextCursor: 'abc',
    computedAt: null,
  };

  it('prints rank, score, network and handle or id, then the next cursor', () => {
    expect(formatLeaderboard(board, 'rust')).toBe(
      [
        'leaderboard of topic rust',
        '',
        'rank  score  network  account',
        '   1   91.2  x        alice',
        '   2   80.0  github   7',
        '',
        'next page: --cursor abc',
      ].join('\n'),
    );
  });

  it('says when the board is empty', () => {
    expect(formatLeaderboard({ items: [], nextCursor: null, computedAt: null }, undefined)).toBe('overall leaderboard\n\nno scored accounts yet');
  });
});

describe('formatExplanation', () => {
  it('prints scalars as fields and lists of records as tables under their names', () => {
    const text = formatExplanation({
      topic: 'rust',
      score: 91.23456,
      factors: [
        { name: 'engagement', contribution: 0.75 },
        { name: 'reach', contribution: 0.25, note: 'capped' },
      ],
      topEngagers: [{ account: { network: 'x', handle: 'bob' }, weight: 12 }],
      topContent: [],
    });
    expect(text).toBe(
      [
        'topic        rust',
        'score        91.235',
        'top content  none',
        '',
        'factors:',
        '  name        contribution  note',
        '  engagement          0.75',
        '  reach               0.25  capped',
        '',
        'top engagers:',
        '  account network  account handle  weight',
        '  x                bob                 12',
      ].join('\n'),
    );
  });

  it('flattens nested records and names keys readably', () => {
    expect(flattenRow({ a: { b: 1, c: { d: 'e' } }, list: [1, 2] })).toEqual({ 'a b': '1', 'a c d': 'e', list: '1, 2' });
    expect(humanize('topEngagers')).toBe('top engagers');
    expect(humanize('dead_letters')).toBe('dead letters');
  });
});

const run: Run = {
  runId: 'run-1',
  status: 'succeeded',
  trigger: 'api',
  startedAt: '2025-01-02T03:00:00.000Z',
  finishedAt: '2025-01-02T03:00:12.500Z',
  topics: 7,
  accounts: 56,
};

describe('run and stats', () => {
  it('summarize a run', () => {
    expect(formatRunSummary(run)).toBe(
      ['run         run-1', 'status      succeeded', 'started at  2025-01-02T03:00:00.000Z', 'duration    12.5 s', 'topics      7', 'accounts    56'].join(
        '\n',
      ),
    );
    expect(formatRunSummary({ ...run, status: 'failed', error: 'boom' })).toContain('error       boom');
    expect(formatRunSummary({ ...run, status: 'running', finishedAt: null })).toContain('duration    still running');
  });

  it('print the stats with the last run on one line', () => {
    const stats = { interactions: 1234, pending: 0, deadLetters: 2, accounts: 56, topics: 7, lastRun: run };
    expect(formatStats(stats)).toBe(
      [
        'interactions  1234',
        'pending       0',
        'dead letters  2',
        'accounts      56',
        'topics        7',
        'last run      run-1 succeeded at 2025-01-02T03:00:12.500Z, 12.5 s, 7 topics, 56 accounts',
      ].join('\n'),
    );
    expect(formatStats({ ...stats, lastRun: null })).toMatch(/last run {6}none yet$/);
  });
});

describe('formatImportSummary', () => {
  it('prints the four counts and where the rejected lines are', () => {
    expect(formatImportSummary({ accepted: 10, duplicates: 2, ignored: 0, rejected: 1, rejectedFile: '/tmp/in.jsonl.rejected.jsonl' })).toBe(
      ['accepted    10', 'duplicates  2', 'ignored     0', 'rejected    1 (see /tmp/in.jsonl.rejected.jsonl)'].join('\n'),
    );
  });
});
