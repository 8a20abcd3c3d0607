import { parseArgs } from 'node:util';
import { MAX_INTERACTIONS_PER_REQUEST, NETWORK_PATTERN, TOPIC_PATTERN } from '../lib/domain/interactions/schema';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, MAX_SEARCH_TOPICS } from '../lib/app/api/schemas';
import { SEARCH_SORTS } from '../lib/domain/search/relevance';
import { envVars } from './credentials';
import { isOutputsFile } from './stack-outputs';
import { UsageError } from './errors';
import type { InputFormat } from './input/read-interactions';
import { allQueueNames } from '../lib/wiring/config';
import type { QueueName } from '../lib/wiring/workers';

export const DEFAULT_URL = 'http://localhost:3000';
export const DEFAULT_BATCH_SIZE = 500;
export const DEFAULT_CONCURRENCY = 4;
const MAX_CONCURRENCY = 16;
export const DEFAULT_RECOMPUTE_TIMEOUT_SECONDS = 600;

export interface AccountRef {
  network: string;
  /** An id, or for lookups a handle. */
  idOrHandle: string;
}

export interface GlobalOptions {
  /** The service's URL, or a `cdk deploy --outputs-file` file that holds it (cli/stack-outputs.ts). */
  url: string;
  json: boolean;
  /** Sign admin requests with SigV4 (also the default for an amazonaws.com URL). */
  iam: boolean;
}

export type SearchSort = (typeof SEARCH_SORTS)[number];

export type Command =
  | { name: 'import'; file: string; format: InputFormat; batchSize: number; concurrency: number }
  | { name: 'recompute'; wait: boolean; timeoutSeconds: number }
  | { name: 'score'; account: AccountRef; topic: string | undefined; explain: boolean }
  | ({ name: 'leaderboard'; topic: string | undefined } & PageOptions)
  | ({
      name: 'find';
      topics: string[];
      minScore: number | undefined;
      maxScore: number | undefined;
      sort: SearchSort | undefined;
      csv: boolean;
    } & PageOptions)
  | { name: 'forget'; account: AccountRef }
  | { name: 'stats' }
  | { name: 'redrive'; queue: QueueName | undefined };

export type CommandName = Command['name'];

/** `--limit`, `--network` and `--cursor` of a command that lists accounts a page at a time. */
export interface PageOptions {
  limit: number | undefined;
  network: string | undefined;
  cursor: string | undefined;
}

export type CommandLine = { kind: 'help'; command: CommandName | undefined } | { kind: 'run'; options: GlobalOptions; command: Command };

interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Shown in the usage: `--limit N`. */
  valueName?: string;
  description: string;
}

type Values = Record<string, string | boolean | undefined>;

interface CommandSpec {
  synopsis: string;
  summary: string;
  options: Record<string, OptionSpec>;
  build(positionals: string[], values: Values): Command;
}

const globalOptions: Record<string, OptionSpec> = {
  url: {
    type: 'string',
    valueName: 'URL',
    description: `the Sway service (default $${envVars.url} or ${DEFAULT_URL}); or the JSON file of \`cdk deploy --outputs-file\`, whose ApiUrl it uses`,
  },
  iam: { type: 'boolean', description: 'sign admin requests with SigV4 from the AWS credential chain and AWS_REGION (the default for an amazonaws.com URL)' },
  json: { type: 'boolean', description: 'machine-readable output: one JSON document on stdout' },
  help: { type: 'boolean', short: 'h', description: 'print this help' },
};

const queueNames = allQueueNames();

const pageOptionSpecs = {
  limit: { type: 'string', valueName: 'N', description: `entries, 1-${MAX_PAGE_LIMIT} (default ${DEFAULT_PAGE_LIMIT})` },
  network: { type: 'string', valueName: 'NETWORK', description: 'only accounts of this network' },
  cursor: { type: 'string', valueName: 'CURSOR', description: 'the next page, as printed by the previous one' },
} satisfies Record<keyof PageOptions, OptionSpec>;

const commands: Record<CommandName, CommandSpec> = {
  import: {
    synopsis: 'import FILE [--format jsonl|csv] [--batch-size N] [--concurrency N]',
    summary:
      'Send canonical interactions from JSON Lines or CSV (FILE - reads stdin) in signed batches to POST /v1/interactions. ' +
      `Rejected lines go to FILE.rejected.jsonl. Signs with $${envVars.genericSecret}.`,
    options: {
      format: { type: 'string', valueName: 'jsonl|csv', description: 'input format (default: csv for a .csv FILE, else jsonl)' },
      'batch-size': {
        type: 'string',
        valueName: 'N',
        description: `interactions per request, 1-${MAX_INTERACTIONS_PER_REQUEST} (default ${DEFAULT_BATCH_SIZE})`,
      },
      concurrency: { type: 'string', valueName: 'N', description: `requests in flight, 1-${MAX_CONCURRENCY} (default ${DEFAULT_CONCURRENCY})` },
    },
    build: (positionals, values) => {
      const file = exactlyOne(positionals, 'FILE', 'import');
      return {
        name: 'import',
        file,
        format: inputFormat(values.format, file),
        batchSize: numberOption(values['batch-size'], 'batch-size', 1, MAX_INTERACTIONS_PER_REQUEST, 'import') ?? DEFAULT_BATCH_SIZE,
        concurrency: numberOption(values.concurrency, 'concurrency', 1, MAX_CONCURRENCY, 'import') ?? DEFAULT_CONCURRENCY,
      };
    },
  },
  recompute: {
    synopsis: 'recompute [--wait] [--timeout SECONDS]',
    summary: `Start a recompute and print its run id. Uses $${envVars.adminToken}.`,
    options: {
      wait: { type: 'boolean', description: 'wait for the queue to drain, then for the run to finish, and print its summary' },
      timeout: {
        type: 'string',
        valueName: 'SECONDS',
        description: `give up waiting after this long (default ${DEFAULT_RECOMPUTE_TIMEOUT_SECONDS})`,
      },
    },
    build: (positionals, values) => {
      none(positionals, 'recompute');
      if (values.timeout !== undefined && !values.wait) throw new UsageError('--timeout only applies with --wait', 'recompute');
      return {
        name: 'recompute',
        wait: values.wait === true,
        timeoutSeconds: numberOption(values.timeout, 'timeout', 1, 24 * 3600, 'recompute') ?? DEFAULT_RECOMPUTE_TIMEOUT_SECONDS,
      };
    },
  },
  score: {
    synopsis: 'score NETWORK:ID_OR_HANDLE [--topic TOPIC] [--explain]',
    summary: `Print an account's overall score and its topic scores. Sends $${envVars.apiKey} when set.`,
    options: {
      topic: { type: 'string', valueName: 'TOPIC', description: 'only this topic' },
      explain: { type: 'boolean', description: 'also print why: the factors, top engagers and top content' },
    },
    build: (positionals, values) => ({
      name: 'score',
      account: accountRef(exactlyOne(positionals, 'NETWORK:ID_OR_HANDLE', 'score'), 'score'),
      topic: topic(values.topic, 'score'),
      explain: values.explain === true,
    }),
  },
  leaderboard: {
    synopsis: 'leaderboard [TOPIC] [--limit N] [--network NETWORK] [--cursor CURSOR]',
    summary: `Print the overall leaderboard, or a topic's. Sends $${envVars.apiKey} when set.`,
    options: pageOptionSpecs,
    build: (positionals, values) => {
      if (positionals.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[1])}`, 'leaderboard');
      return { name: 'leaderboard', topic: topic(positionals[0], 'leaderboard'), ...pageOptions(values, 'leaderboard') };
    },
  },
  find: {
    synopsis:
      'find --topics TOPIC[,TOPIC…] [--network NETWORK] [--min-score S] [--max-score S] [--sort relevance|rising] [--limit N] [--cursor CURSOR] [--csv]',
    summary: `Campaign search: the accounts most relevant to a set of topics, or rising fastest in them, as a table or CSV. Sends $${envVars.apiKey} when set.`,
    options: {
      topics: { type: 'string', valueName: 'TOPIC[,TOPIC…]', description: `the topics, 1-${MAX_SEARCH_TOPICS}, comma-separated (required)` },
      network: pageOptionSpecs.network,
      'min-score': { type: 'string', valueName: 'S', description: 'lowest relevance listed, 0-100' },
      'max-score': { type: 'string', valueName: 'S', description: 'highest relevance listed, 0-100: to find niche voices' },
      sort: { type: 'string', valueName: SEARCH_SORTS.join('|'), description: 'by relevance (default), or by rising: the change of relevance over 30 days' },
      limit: pageOptionSpecs.limit,
      cursor: pageOptionSpecs.cursor,
      csv: { type: 'boolean', description: 'CSV on stdout instead of a table (the next cursor goes to stderr); not with --json' },
    },
    build: (positionals, values) => {
      none(positionals, 'find');
      if (values.csv && values.json) throw new UsageError('--csv and --json do not go together', 'find');
      const minScore = numberOption(values['min-score'], 'min-score', 0, 100, 'find', 'decimal');
      const maxScore = numberOption(values['max-score'], 'max-score', 0, 100, 'find', 'decimal');
      if (minScore !== undefined && maxScore !== undefined && minScore > maxScore) {
        throw new UsageError('--min-score must not be above --max-score', 'find');
      }
      return {
        name: 'find',
        topics: topicList(values.topics, 'find'),
        minScore,
        maxScore,
        sort: choiceOption(values.sort, 'sort', SEARCH_SORTS, 'find'),
        csv: values.csv === true,
        ...pageOptions(values, 'find'),
      };
    },
  },
  forget: {
    synopsis: 'forget NETWORK:ID',
    summary: `Opt an account out: every trace of it is gone after the next recompute. Uses $${envVars.adminToken}.`,
    options: {},
    build: (positionals) => ({ name: 'forget', account: accountRef(exactlyOne(positionals, 'NETWORK:ID', 'forget'), 'forget') }),
  },
  stats: {
    synopsis: 'stats',
    summary: `Print the counts of interactions, pending work, dead letters, accounts and topics, and the last run. Uses $${envVars.adminToken}.`,
    options: {},
    build: (positionals) => {
      none(positionals, 'stats');
      return { name: 'stats' };
    },
  },
  redrive: {
    synopsis: 'redrive [--queue QUEUE]',
    summary:
      'Put dead letters back on their queue once what made them fail is fixed: every queue, or the one named. ' +
      `Locally they are moved at once; in AWS SQS moves them in the background. Uses $${envVars.adminToken}.`,
    options: { queue: { type: 'string', valueName: 'QUEUE', description: `only this queue: ${queueNames.join(' or ')} (default: every queue)` } },
    build: (positionals, values) => {
      none(positionals, 'redrive');
      return { name: 'redrive', queue: choiceOption(values.queue, 'queue', queueNames, 'redrive') };
    },
  },
};

const isCommandName = (name: string): name is CommandName => Object.hasOwn(commands, name);

/** Index of the command: the first argument that is neither an option nor the value of `--url`. */
const commandIndex = (argv: string[]): number => {
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (arg === '--') return index + 1 < argv.length ? index + 1 : -1;
    if (arg === '--url') index++;
    else if (arg === '-' || !arg.startsWith('-')) return index;
  }
  return -1;
};

/** Reads the command line; bad usage throws a UsageError. `env` gives `--url` its default. */
export const parseCommandLine = (argv: string[], env: Record<string, string | undefined>): CommandLine => {
  const index = commandIndex(argv);
  const name = index >= 0 ? (argv[index] as string) : undefined;
  if (name === 'help') {
    const about = argv[index + 1];
    if (about !== undefined && !isCommandName(about)) throw new UsageError(`unknown command ${JSON.stringify(about)}`);
    return { kind: 'help', command: about };
  }
  if (name !== undefined && !isCommandName(name)) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
  const spec = name === undefined ? undefined : commands[name];
  const rest = index >= 0 ? [...argv.slice(0, index), ...argv.slice(index + 1)] : argv;

  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: rest, options: { ...globalOptions, ...spec?.options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'bad usage', name);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help', command: name as CommandName | undefined };
  if (!spec) throw new UsageError('no command given');
  return {
    kind: 'run',
    options: { url: serviceUrl(values.url as string | undefined, env), json: values.json === true, iam: values.iam === true },
    command: spec.build(positionals, values),
  };
};

const serviceUrl = (flag: string | undefined, env: Record<string, string | undefined>): string => {
  const value = flag ?? (env[envVars.url] || DEFAULT_URL);
  if (isOutputsFile(value)) return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${JSON.stringify(value)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${JSON.stringify(value)} is not an http(s) URL`);
  return value;
};

const exactlyOne = (positionals: string[], what: string, command: CommandName): string => {
  if (positionals.length === 0) throw new UsageError(`missing ${what}`, command);
  if (positionals.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[1])}`, command);
  return positionals[0] as string;
};

const none = (positionals: string[], command: CommandName): void => {
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, command);
};

export const parseAccountRef = (value: string): AccountRef | undefined => {
  const colon = value.indexOf(':');
  if (colon < 0) return undefined;
  const network = value.slice(0, colon);
  const idOrHandle = value.slice(colon + 1);
  return NETWORK_PATTERN.test(network) && idOrHandle ? { network, idOrHandle } : undefined;
};

export const formatAccountRef = ({ network, idOrHandle }: AccountRef): string => `${network}:${idOrHandle}`;

const accountRef = (value: string, command: CommandName): AccountRef => {
  const account = parseAccountRef(value);
  if (!account) throw new UsageError(`${JSON.stringify(value)} is not NETWORK:ID (for example x:12345 or github:octocat)`, command);
  return account;
};

const topic = (value: string | boolean | undefined, command: CommandName): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !TOPIC_PATTERN.test(value)) {
    throw new UsageError(`${JSON.stringify(value)} is not a topic (lower-case ${TOPIC_PATTERN.source})`, command);
  }
  return value;
};

/** `topics=a,b` as the server reads it: trimmed, without repeats. */
const topicList = (value: string | boolean | undefined, command: CommandName): string[] => {
  if (typeof value !== 'string' || value === '') throw new UsageError('missing --topics', command);
  const topics = [...new Set(value.split(',').map((name) => name.trim()))];
  for (const name of topics) topic(name, command);
  if (topics.length > MAX_SEARCH_TOPICS) throw new UsageError(`--topics takes at most ${MAX_SEARCH_TOPICS} topics`, command);
  return topics;
};

const pageOptions = (values: Values, command: CommandName): PageOptions => {
  if (values.network !== undefined && !NETWORK_PATTERN.test(String(values.network))) {
    throw new UsageError(`--network ${JSON.stringify(values.network)} is not a network name (${NETWORK_PATTERN.source})`, command);
  }
  if (values.cursor === '') throw new UsageError('--cursor needs a value', command);
  return {
    limit: numberOption(values.limit, 'limit', 1, MAX_PAGE_LIMIT, command),
    network: values.network as string | undefined,
    cursor: values.cursor as string | undefined,
  };
};

const numberOption = (
  value: string | boolean | undefined,
  name: string,
  min: number,
  max: number,
  command: CommandName,
  kind: 'whole' | 'decimal' = 'whole',
): number | undefined => {
  if (value === undefined) return undefined;
  const pattern = kind === 'whole' ? /^\d+$/ : /^\d+(\.\d+)?$/;
  const number = typeof value === 'string' && pattern.test(value) ? Number(value) : Number.NaN;
  if (!(number >= min && number <= max)) {
    throw new UsageError(`--${name} must be a ${kind === 'whole' ? 'whole number' : 'number'} from ${min} to ${max}`, command);
  }
  return number;
};

const choiceOption = <const Choice extends string>(
  value: string | boolean | undefined,
  name: string,
  choices: readonly Choice[],
  command: CommandName,
): Choice | undefined => {
  if (value === undefined) return undefined;
  if (!choices.includes(value as Choice)) throw new UsageError(`--${name} must be ${choices.join(' or ')}, not ${JSON.stringify(value)}`, command);
  return value as Choice;
};

const inputFormat = (value: string | boolean | undefined, file: string): InputFormat => {
  if (value === undefined) return /\.csv$/i.test(file) ? 'csv' : 'jsonl';
  if (value === 'jsonl' || value === 'csv') return value;
  throw new UsageError(`--format must be jsonl or csv`, 'import');
};

const optionLines = (options: Record<string, OptionSpec>): string[] => {
  const entries = Object.entries(options).map(([name, option]) => {
    const flag = `${option.short ? `-${option.short}, ` : ''}--${name}${option.valueName ? ` ${option.valueName}` : ''}`;
    return [flag, option.description] as const;
  });
  const width = Math.max(...entries.map(([flag]) => flag.length));
  return entries.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`);
};

/** The usage of one command, or of sway as a whole. */
export const usage = (command?: CommandName): string => {
  if (command) {
    const spec = commands[command];
    const options = optionLines(spec.options);
    return [
      `Usage: sway ${spec.synopsis} [--url URL] [--iam] [--json]`,
      '',
      spec.summary,
      '',
      ...(options.length ? ['Options:', ...options, ''] : []),
      'Global options:',
      ...optionLines(globalOptions),
      '',
    ].join('\n');
  }
  const synopses = Object.values(commands).map((spec) => spec.synopsis);
  return [
    'Usage: sway [--url URL] [--iam] [--json] COMMAND [options]',
    '',
    'The command-line client of a running Sway service.',
    '',
    'Commands:',
    ...synopses.map((synopsis) => `  sway ${synopsis}`),
    '',
    'Global options:',
    ...optionLines(globalOptions),
    '',
    'Run `sway COMMAND --help` for what a command does.',
    '',
  ].join('\n');
};
