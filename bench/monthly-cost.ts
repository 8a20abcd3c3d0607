/**
 * `npx tsx bench/monthly-cost.ts`: what a deployment costs a month at three traffic levels, from the
 * benchmark's measured unit figures and its price table (bench/support/aws-prices.ts), and the
 * count of what it keeps running (alarms, dashboards, secrets) from the synthesized stacks. Prints
 * the table of docs/OPERATIONS.md, "Monthly cost".
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildSwayStacks } from '../infra/sway-app';
import { awsPrices } from './support/aws-prices';

/**
 * Measured unit figures: `npm run bench` of 2026-12-04 (docs/BENCHMARKS.md) and, for lookups,
 * `npm run bench -- --only lookup.rcu,cost.per_million_lookups` of the same day.
 */
const measured = {
  /** cost.per_million_interactions, deliveries of 100. */
  perMillionInteractions: 0.776,
  /** cost.per_million_lookups, without and with API keys (cost.per_million_lookups_keyed). */
  perMillionLookups: 1.294,
  perMillionKeyedLookups: 1.942,
  /** recompute.higgs: 62,989 WCU for 35,458 accounts written from nothing (account item, explanation, history point). */
  fullPassWcuPerAccount: 62_989 / 35_458,
  /** recompute.incremental: 1,923 WCU after 1,000 new interactions. */
  incrementalWcuPerNewInteraction: 1_923 / 1_000,
  /** ingest.wcu_per_interaction's notes: log and recompute state in S3 per interaction in the window. */
  logBytesPerInteraction: 39.7,
  stateBytesPerInteraction: 101.4,
};

/** Assumptions, as docs/SCALING.md makes them. */
const assumptions = { windowDays: 90, daysPerMonth: 30, accountsPerInteraction: 0.1 };

const levels = [
  { name: 'a community', interactionsPerDay: 10_000, lookupsPerDay: 100_000 },
  { name: 'a busy network', interactionsPerDay: 1_110_000, lookupsPerDay: 1_000_000 },
  { name: 'a large one', interactionsPerDay: 10_000_000, lookupsPerDay: 10_000_000 },
];

const dollars = (value: number): string => (value >= 100 ? `$${Math.round(value).toLocaleString('en-US')}` : `$${value.toFixed(2)}`);

const monthly = (level: (typeof levels)[number]) => {
  const month = assumptions.daysPerMonth;
  const window = level.interactionsPerDay * assumptions.windowDays;
  const writePrice = awsPrices.dynamodb.perMillionWriteRequestUnits / 1e6;
  return {
    window,
    ingest: (level.interactionsPerDay * month * measured.perMillionInteractions) / 1e6,
    lookups: (level.lookupsPerDay * month * measured.perMillionLookups) / 1e6,
    keyedLookups: (level.lookupsPerDay * month * measured.perMillionKeyedLookups) / 1e6,
    storage: ((window * (measured.logBytesPerInteraction + measured.stateBytesPerInteraction)) / 1e9) * awsPrices.s3.perGbMonth,
    // An upper bound: every account's score, explanation and history point rewritten by each daily full pass.
    fullPasses: month * window * assumptions.accountsPerInteraction * measured.fullPassWcuPerAccount * writePrice,
    incrementalRuns: month * level.interactionsPerDay * measured.incrementalWcuPerNewInteraction * writePrice,
  };
};

/** What the stacks keep running whatever the traffic, counted in the synthesized templates. */
const standing = () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stacks = buildSwayStacks(app);
  const count = (type: string) =>
    [stacks.stateful, stacks.stateless, stacks.web, stacks.monitoring].reduce(
      (sum, stack) => sum + Object.keys(Template.fromStack(stack).findResources(type)).length,
      0,
    );
  return { alarms: count('AWS::CloudWatch::Alarm'), dashboards: count('AWS::CloudWatch::Dashboard'), secrets: count('AWS::SecretsManager::Secret') };
};

const rows = levels.map((level) => ({ level, cost: monthly(level) }));
const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
console.log(
  line([
    'a month',
    ...rows.map(
      ({ level }) =>
        `${level.name}: ${(level.interactionsPerDay / 1e6).toLocaleString('en-US')} M interactions, ${(level.lookupsPerDay / 1e6).toLocaleString('en-US')} M lookups a day`,
    ),
  ]),
);
console.log(line(['---', ...rows.map(() => '---:')]));
const parts: [string, (cost: ReturnType<typeof monthly>) => number][] = [
  ['ingest (API Gateway, Lambda, SQS, dedupe key, log PUTs)', (cost) => cost.ingest],
  ['lookups, open (with API keys)', (cost) => cost.lookups],
  ['log and recompute state in S3', (cost) => cost.storage],
  ['recompute writes: incremental runs every 5 minutes', (cost) => cost.incrementalRuns],
  ['recompute writes: daily full passes (upper bound)', (cost) => cost.fullPasses],
];
for (const [name, of] of parts) {
  console.log(
    line([name, ...rows.map(({ cost }) => (name.startsWith('lookups') ? `${dollars(of(cost))} (${dollars(cost.keyedLookups)})` : dollars(of(cost))))]),
  );
}
console.log(line(['**total**', ...rows.map(({ cost }) => `**${dollars(parts.reduce((sum, [, of]) => sum + of(cost), 0))}**`)]));
console.log(line(['interactions in the window', ...rows.map(({ cost }) => `${(cost.window / 1e6).toLocaleString('en-US')} M`)]));
const { alarms, dashboards, secrets } = standing();
console.log(
  `\nStanding, whatever the traffic (not in the benchmark's price table): ${alarms} CloudWatch alarms, ${dashboards} dashboard, ${secrets} Secrets Manager secrets; and CloudFront requests for the pages.`,
);
console.log(
  `Prices: ${awsPrices.region} on-demand of ${awsPrices.checked} (DynamoDB) and ${awsPrices.checkedLogAndEngines} (S3), bench/support/aws-prices.ts.`,
);
