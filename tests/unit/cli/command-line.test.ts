import { describe, expect, it } from 'vitest';
import { DEFAULT_URL, parseAccountRef, parseCommandLine, usage } from '../../../cli/command-line';
import { UsageError } from '../../../cli/errors';

const parse = (argv: string[], env: Record<string, string> = {}) => parseCommandLine(argv, env);

const usageErrorOf = (argv: string[]): UsageError => {
  try {
    parse(argv);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`expected ${argv.join(' ')} to be bad usage`);
};

describe('parseCommandLine', () => {
  it('reads import with its defaults, CSV chosen by the extension', () => {
    expect(parse(['import', 'data.jsonl'])).toEqual({
      kind: 'run',
      options: { url: DEFAULT_URL, json: false, iam: false },
      command: { name: 'import', file: 'data.jsonl', format: 'jsonl', batchSize: 500, concurrency: 4 },
    });
    expect(parse(['import', 'DATA.CSV'])).toMatchObject({ command: { format: 'csv' } });
    expect(parse(['import', '-', '--format', 'csv', '--batch-size', '1000', '--concurrency', '2'])).toMatchObject({
      command: { file: '-', format: 'csv', batchSize: 1000, concurrency: 2 },
    });
  });

  it('takes global options before or after the command, --url over $SWAY_URL over the default', () => {
    expect(parse(['--url', 'http://a:1', '--json', 'stats'])).toEqual({
      kind: 'run',
      options: { url: 'http://a:1', json: true, iam: false },
      command: { name: 'stats' },
    });
    expect(parse(['stats', '--url=http://b:2'], { SWAY_URL: 'http://env:3' })).toMatchObject({ options: { url: 'http://b:2' } });
    expect(parse(['stats'], { SWAY_URL: 'http://env:3' })).toMatchObject({ options: { url: 'http://env:3' } });
    expect(parse(['--iam', 'stats'])).toMatchObject({ options: { iam: true } });
    expect(parse(['--url', 'cdk-outputs.json', 'stats'])).toMatchObject({ options: { url: 'cdk-outputs.json' } });
  });

  it('reads score, leaderboard, forget and recompute', () => {
    expect(parse(['score', 'github:octo:cat', '--topic', 'rust', '--explain'])).toMatchObject({
      command: { name: 'score', account: { network: 'github', idOrHandle: 'octo:cat' }, topic: 'rust', explain: true },
    });
    expect(parse(['leaderboard'])).toMatchObject({ command: { name: 'leaderboard', topic: undefined, limit: undefined } });
    expect(parse(['leaderboard', 'rust', '--limit', '5', '--network', 'x', '--cursor', 'abc'])).toMatchObject({
      command: { topic: 'rust', limit: 5, network: 'x', cursor: 'abc' },
    });
    expect(parse(['forget', 'x:42'])).toMatchObject({ command: { name: 'forget', account: { network: 'x', idOrHandle: '42' } } });
    expect(parse(['recompute'])).toMatchObject({ command: { name: 'recompute', wait: false } });
    expect(parse(['recompute', '--wait', '--timeout', '30'])).toMatchObject({ command: { wait: true, timeoutSeconds: 30 } });
  });

  it('answers help for --help, -h and `help COMMAND`', () => {
    expect(parse(['--help'])).toEqual({ kind: 'help', command: undefined });
    expect(parse(['import', '-h'])).toEqual({ kind: 'help', command: 'import' });
    expect(parse(['help', 'score'])).toEqual({ kind: 'help', command: 'score' });
  });

  it.each([
    [[], 'no command given'],
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['stats', '--verbose'], "Unknown option '--verbose'"],
    [['stats', 'extra'], 'unexpected argument "extra"'],
    [['import'], 'missing FILE'],
    [['import', 'a', 'b'], 'unexpected argument "b"'],
    [['import', 'a', '--batch-size', '1001'], '--batch-size must be a whole number from 1 to 1000'],
    [['import', 'a', '--batch-size', '0'], '--batch-size must be a whole number from 1 to 1000'],
    [['import', 'a', '--concurrency', 'many'], '--concurrency must be a whole number'],
    [['import', 'a', '--format', 'xml'], '--format must be jsonl or csv'],
    [['score'], 'missing NETWORK:ID_OR_HANDLE'],
    [['score', 'alice'], '"alice" is not NETWORK:ID'],
    [['score', 'X:alice'], '"X:alice" is not NETWORK:ID'],
    [['score', 'x:'], '"x:" is not NETWORK:ID'],
    [['score', 'x:alice', '--topic', 'Rust'], '"Rust" is not a topic'],
    [['score', 'x:alice', '--limit', '3'], "Unknown option '--limit'"],
    [['leaderboard', 'rust', 'go'], 'unexpected argument "go"'],
    [['leaderboard', '--limit', '101'], '--limit must be a whole number from 1 to 100'],
    [['leaderboard', '--network', 'X!'], 'is not a network name'],
    [['forget'], 'missing NETWORK:ID'],
    [['recompute', '--timeout', '5'], '--timeout only applies with --wait'],
    [['stats', '--url'], "Option '--url <value>' argument missing"],
    [['--url', 'not a url', 'stats'], '"not a url" is not a URL'],
    [['--url', 'ftp://host', 'stats'], 'is not an http(s) URL'],
    [['help', 'nope'], 'unknown command "nope"'],
  ])('%j is bad usage: %s', (argv, message) => {
    expect(usageErrorOf(argv).message).toContain(message);
  });

  it('names the command whose usage to print', () => {
    expect(usageErrorOf(['import']).command).toBe('import');
    expect(usageErrorOf(['frobnicate']).command).toBeUndefined();
  });
});

describe('parseAccountRef', () => {
  it('splits at the first colon only', () => {
    expect(parseAccountRef('mastodon:alice@example.social')).toEqual({ network: 'mastodon', idOrHandle: 'alice@example.social' });
    expect(parseAccountRef('bluesky:did:plc:abc')).toEqual({ network: 'bluesky', idOrHandle: 'did:plc:abc' });
    expect(parseAccountRef(':alice')).toBeUndefined();
  });
});

describe('usage', () => {
  it('lists every command, and one command with its options', () => {
    const all = usage();
    for (const command of ['import FILE', 'recompute', 'score NETWORK:ID_OR_HANDLE', 'leaderboard [TOPIC]', 'forget NETWORK:ID', 'stats']) {
      expect(all).toContain(`sway ${command}`);
    }
    expect(usage('import')).toContain('--batch-size N');
    expect(usage('import')).not.toContain('--explain');
  });
});
