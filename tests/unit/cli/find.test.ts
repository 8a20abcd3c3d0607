/** `sway find`: usage, the request it sends, the table, the CSV and the exit codes, against the loopback fake of the API. */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_URL, parseCommandLine } from '../../../cli/command-line';
import { csvField, csvRecord } from '../../../lib/app/api/csv';
import { formatRising } from '../../../cli/format/influencer-search';
import { searchableInfluencers, startFakeSway } from './fake-sway-server';
import { runSway } from './run-sway';

let server: Awaited<ReturnType<typeof startFakeSway>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const start = async () => {
  server = await startFakeSway();
  return server;
};

describe('sway find: the command line', () => {
  it('reads the topics as the server does (trimmed, without repeats) and every option', () => {
    expect(parseCommandLine(['find', '--topics', 'rust'], {})).toEqual({
      kind: 'run',
      options: { url: DEFAULT_URL, json: false, iam: false },
      command: {
        name: 'find',
        topics: ['rust'],
        minScore: undefined,
        maxScore: undefined,
        sort: undefined,
        csv: false,
        limit: undefined,
        network: undefined,
        cursor: undefined,
      },
    });
    const argv = ['find', '--topics', 'rust, wasm,rust', '--network', 'x', '--min-score', '0', '--max-score', '99.5', '--sort', 'rising'];
    expect(parseCommandLine([...argv, '--limit', '100', '--cursor', 'abc', '--csv'], {})).toMatchObject({
      command: { topics: ['rust', 'wasm'], network: 'x', minScore: 0, maxScore: 99.5, sort: 'rising', limit: 100, cursor: 'abc', csv: true },
    });
    expect(parseCommandLine(['find', '--topics', 'go', '--min-score', '50', '--max-score', '50'], {})).toMatchObject({
      command: { minScore: 50, maxScore: 50 },
    });
  });

  it.each([
    [['find'], 'missing --topics'],
    [['find', '--topics', ''], 'missing --topics'],
    [['find', '--topics', 'Rust'], '"Rust" is not a topic'],
    [['find', '--topics', 'rust,,wasm'], '"" is not a topic'],
    [['find', '--topics=rust,-wasm'], '"-wasm" is not a topic'],
    [['find', '--topics', Array.from({ length: 11 }, (_, index) => `t${index}`).join(',')], '--topics takes at most 10 topics'],
    [['find', '--topics', 'rust', '--min-score', 'high'], '--min-score must be a number from 0 to 100'],
    [['find', '--topics', 'rust', '--min-score=-1'], '--min-score must be a number from 0 to 100'],
    [['find', '--topics', 'rust', '--max-score', '100.5'], '--max-score must be a number from 0 to 100'],
    [['find', '--topics', 'rust', '--max-score', '1e2'], '--max-score must be a number from 0 to 100'],
    [['find', '--topics', 'rust', '--min-score', '60', '--max-score', '40'], '--min-score must not be above --max-score'],
    [['find', '--topics', 'rust', '--sort', 'newest'], '--sort must be relevance or rising, not "newest"'],
    [['find', '--topics', 'rust', '--limit', '0'], '--limit must be a whole number from 1 to 100'],
    [['find', '--topics', 'rust', '--limit', '101'], '--limit must be a whole number from 1 to 100'],
    [['find', '--topics', 'rust', '--network', 'X!'], 'is not a network name'],
    [['find', '--topics', 'rust', '--cursor', ''], '--cursor needs a value'],
    [['find', '--topics', 'rust', '--csv', '--json'], '--csv and --json do not go together'],
    [['--json', 'find', '--topics', 'rust', '--csv'], '--csv and --json do not go together'],
    [['find', 'rust'], 'unexpected argument "rust"'],
  ])('%j is bad usage: %s', (argv, message) => {
    expect(() => parseCommandLine(argv, {})).toThrow(
      expect.objectContaining({ name: 'UsageError', message: expect.stringContaining(message), command: 'find' }),
    );
  });

  it('exits 2 with the usage of find on stderr and sends nothing', async () => {
    const sway = await start();
    const result = await runSway(['--url', sway.url, 'find', '--topics', 'rust', '--min-score', '70', '--max-score', '20']);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^sway: --min-score must not be above --max-score\n\nUsage: sway find --topics TOPIC\[,TOPIC…\]/);
    expect(result.stderr).toContain('--sort relevance|rising');
    expect(sway.state.requests).toEqual([]);
  });
});

describe('sway find: the request and its output', () => {
  it('sends every filter in the query string, with the API key', async () => {
    const sway = await start();
    const argv = ['find', '--topics', 'rust,wasm', '--network', 'x', '--min-score', '10', '--max-score', '95.5', '--sort', 'rising', '--limit', '5'];
    const result = await runSway(['--url', sway.url, ...argv, '--cursor', 'abc'], { env: { SWAY_API_KEY: 'k1' } });
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    const request = sway.state.requests[0];
    const url = new URL(request?.url ?? '', 'http://localhost');
    expect(url.pathname).toBe('/v1/search/influencers');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      topics: 'rust,wasm',
      network: 'x',
      minScore: '10',
      maxScore: '95.5',
      sort: 'rising',
      limit: '5',
      cursor: 'abc',
    });
    expect(request?.headers['x-api-key']).toBe('k1');
  });

  it('sends only the topics when nothing else is asked', async () => {
    const sway = await start();
    await runSway(['--url', sway.url, 'find', '--topics', 'rust']);
    expect(sway.state.requests[0]?.url).toBe('/v1/search/influencers?topics=rust');
  });

  it('prints a table: account, relevance, signed rising, overall score, and each topic asked with its rank', async () => {
    const sway = await start();
    const result = await runSway(['--url', sway.url, 'find', '--topics', 'rust,wasm']);
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(result.stdout).toBe(
      [
        'most relevant to rust, wasm',
        '',
        '#  account                           relevance  rising  overall       rust        wasm',
        '1  x:alice                                91.2    +3.2     87.3  91.2 (#1)  55.0 (#12)',
        '2  github:=HYPERLINK("http://evil")       70.5    -1.0     60.0  70.5 (#3)           –',
        '3  x:bob, "the builder"                   30.0     0.0     40.0          –  30.0 (#40)',
        '',
      ].join('\n'),
    );
  });

  it('prints the next cursor after a full page, and says what it sorted by', async () => {
    const sway = await start();
    const result = await runSway(['--url', sway.url, 'find', '--topics', 'wasm', '--sort', 'rising', '--limit', '1']);
    expect(result.stdout).toBe(
      [
        'rising fastest in wasm',
        '',
        '#  account  relevance  rising  overall        wasm',
        '1  x:alice       91.2    +3.2     87.3  55.0 (#12)',
        '',
        'next page: --cursor page-2',
        '',
      ].join('\n'),
    );
  });

  it('says so when no account is found', async () => {
    const sway = await start();
    const result = await runSway(['--url', sway.url, 'find', '--topics', 'cobol']);
    expect(result).toEqual({ exitCode: 0, stdout: 'most relevant to cobol\n\nno accounts found\n', stderr: '' });
  });

  it('prints CSV: quoted where needed, formulas defused, numbers as numbers, empty cells for unscored topics', async () => {
    const sway = await start();
    const result = await runSway(['--url', sway.url, 'find', '--topics', 'rust,wasm', '--csv']);
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(result.stdout).toBe(
      [
        'network,id,handle,relevance,rising,score,rust,rust_rank,wasm,wasm_rank',
        'x,42,alice,91.2,3.24,87.3,91.2,1,55,12',
        `github,"'=HYPERLINK(""http://evil"")",,70.5,-1,60,70.5,3,,`,
        'x,7,"bob, ""the builder""",30,0,40,,,30,40',
        '',
      ].join('\n'),
    );
  });

  it('keeps the CSV on stdout pure: the next cursor goes to stderr, and no accounts is just the header', async () => {
    const sway = await start();
    const page = await runSway(['--url', sway.url, 'find', '--topics', 'rust', '--limit', '1', '--csv']);
    expect(page).toEqual({
      exitCode: 0,
      stdout: 'network,id,handle,relevance,rising,score,rust,rust_rank\nx,42,alice,91.2,3.24,87.3,91.2,1\n',
      stderr: 'next page: --cursor page-2\n',
    });
    const empty = await runSway(['--url', sway.url, 'find', '--topics', 'cobol', '--csv']);
    expect(empty).toEqual({ exitCode: 0, stdout: 'network,id,handle,relevance,rising,score,cobol,cobol_rank\n', stderr: '' });
  });

  it('prints the answer as it is with --json', async () => {
    const sway = await start();
    const result = await runSway(['--url', sway.url, '--json', 'find', '--topics', 'rust', '--limit', '1']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      items: [searchableInfluencers[0]].map((influencer) => ({ ...influencer, topics: [influencer?.topics[0]] })),
      nextCursor: 'page-2',
    });
  });

  it("exits 1 with the problem's title and detail when the server answers 400", async () => {
    const sway = await start();
    const result = await runSway(['--url', sway.url, 'find', '--topics', 'rust', '--cursor', 'stale']);
    expect(result).toEqual({ exitCode: 1, stdout: '', stderr: 'sway: Bad Request (400): The cursor does not belong to this search.\n' });
  });
});

describe('CSV fields and rising', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', '-1'],
    ['-1+A1', "'-1+A1"],
    ['@sum', "'@sum"],
    ['\tx', "'\tx"],
    ['\rx', `"'\rx"`],
    ['=a,b', `"'=a,b"`],
  ])('the text %j is written %j: quoted as RFC 4180 says, defused where a spreadsheet would run it', (text, written) => {
    expect(csvField(text)).toBe(written);
  });

  it('writes numbers as numbers, a missing value as an empty field', () => {
    expect(csvRecord([-1.5, 0, null, undefined, 'x'])).toBe('-1.5,0,,,x');
  });

  it('rising is signed with one decimal', () => {
    expect(formatRising(3.24)).toBe('+3.2');
    expect(formatRising(-1)).toBe('-1.0');
    expect(formatRising(0)).toBe('0.0');
    expect(formatRising(-0.04)).toBe('0.0');
  });
});
