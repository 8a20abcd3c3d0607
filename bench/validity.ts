/**
 * `npx tsx bench/validity.ts` (and the `scoring.validity` rows of `npm run bench`): do Sway's scores agree with a real community's own judgement?
 *
 * 1. Quantum Computing Stack Exchange (../shared/data/quantumcomputing-stackexchange, its README
 *    says how to cite it), as a new user would send it: questions as posts in their tags, answers
 *    as replies to the asker, comments as replies to the post's owner, up-votes as likes from the
 *    anonymous voters the dump records, accepted answers as shares from the asker. Every
 *    interaction is validated by the ingest schema, aggregated by the log's rules
 *    (aggregateInMemory, held to the DuckDB aggregation by tests/integration/in-memory-aggregation.test.ts)
 *    and scored by the service's scorer — as of the extract's last day, and with the extract's 174
 *    days mapped in order onto the scoring window (reputation is earned over a site's whole life,
 *    and never decays). Printed: Spearman(score, reputation) over the accounts that posted or
 *    commented, and the top-10 overlap with the top answerers (by answer up-votes) of the three
 *    largest tags — for Sway and three naive baselines of the same run, with the site's own
 *    reputation rules applied to the dump's votes as a reference; then the same from the answer
 *    and comment graphs alone (reputation is built from votes).
 * 2. Bitcoin OTC (../shared/data/bitcoin-otc): positive ratings as engagements, their six years
 *    mapped in order onto the scoring window; accounts whose received ratings are net negative (the
 *    community's fraud signal) should rank below the median of rated accounts.
 *
 * `npx tsx bench/validity.ts --ablations` prints instead what drove the gap: the model with one
 * thing changed at a time (the last two rows: every engager alike), on both data sets and the
 * planted world, and who rates Bitcoin OTC's distrusted accounts (docs/SCORING.md, "What drove
 * the gap").
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InteractionSchema, type Interaction } from '../lib/domain/interactions/schema';
import { topicAggregatesOf } from '../lib/domain/scoring/engagement';
import { aggregateInMemory } from '../lib/dev/evaluation/in-memory-aggregates';
import { scoringModel, type ScoringModel } from '../lib/domain/scoring/model';
import { scoreTopic } from '../lib/domain/scoring/topic-scores';
import { OVERALL_TOPIC } from '../lib/adapters/dynamodb/keys';
import { toTopicSlug } from '../lib/domain/topics/extract';
import { plantedWorldChecks } from './planted-world-checks';
import { round, type BenchmarkResult } from './result';

const DATA = resolve(__dirname, '../../shared/data');
const STACK_EXCHANGE = resolve(DATA, 'quantumcomputing-stackexchange');
const BITCOIN_OTC = resolve(DATA, 'bitcoin-otc/soc-sign-bitcoinotc.csv');
const NETWORK = 'discourse';
const DAY_MS = 86_400_000;

type Row = Record<string, string>;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescapeHtml = (value: string): string =>
  value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, name: string) =>
    name.startsWith('#x')
      ? String.fromCodePoint(parseInt(name.slice(2), 16))
      : name.startsWith('#')
        ? String.fromCodePoint(Number(name.slice(1)))
        : (ENTITIES[name] ?? entity),
  );

/** The `<row …/>` elements of a Stack Exchange dump file, attributes unescaped. */
const rowsOf = (file: string): Row[] =>
  [...readFileSync(resolve(STACK_EXCHANGE, file), 'utf8').matchAll(/<row ([^>]*?)\/>/g)].map(([, attributes]) =>
    Object.fromEntries([...attributes!.matchAll(/(\w+)="([^"]*)"/g)].map(([, name, value]) => [name!, unescapeHtml(value!)])),
  );

/** A dump timestamp (UTC, no zone written) as ISO 8601. */
const instant = (value: string): string => new Date(`${value}Z`).toISOString();

/** Spearman's rank correlation, ties given their average rank. */
export const spearman = (xs: readonly number[], ys: readonly number[]): number => {
  const ranks = (values: readonly number[]) => {
    const order = values.map((value, i) => [value, i] as const).sort((a, b) => a[0] - b[0]);
    const rank = new Array<number>(values.length);
    for (let start = 0; start < order.length; ) {
      let end = start;
      while (end + 1 < order.length && order[end + 1]![0] === order[start]![0]) end++;
      for (let k = start; k <= end; k++) rank[order[k]![1]] = (start + end) / 2 + 1;
      start = end + 1;
    }
    return rank;
  };
  const rx = ranks(xs);
  const ry = ranks(ys);
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const mx = mean(rx);
  const my = mean(ry);
  let covariance = 0;
  let vx = 0;
  let vy = 0;
  for (let i = 0; i < rx.length; i++) {
    covariance += (rx[i]! - mx) * (ry[i]! - my);
    vx += (rx[i]! - mx) ** 2;
    vy += (ry[i]! - my) ** 2;
  }
  return covariance / Math.sqrt(vx * vy);
};

/** `[first, last]` (epoch ms) in order onto the scoring window ending at `asOf`: the first a window ago, the last at `asOf`. */
const ontoWindow = (first: number, last: number, asOf: Date) => {
  const windowMs = (scoringModel.windowDays - 1) * DAY_MS;
  return (time: number) => new Date(asOf.getTime() - windowMs + ((time - first) / Math.max(1, last - first)) * windowMs).toISOString();
};

/** The interactions with their times mapped in order onto the scoring window ending at `asOf`. */
const mappedOntoWindow = (interactions: readonly Interaction[], asOf: Date): Interaction[] => {
  const times = interactions.map((interaction) => Date.parse(interaction.occurredAt));
  const when = ontoWindow(Math.min(...times), Math.max(...times), asOf);
  return interactions.map((interaction, i) => ({ ...interaction, occurredAt: when(times[i]!) }));
};

interface StackExchangeSite {
  interactions: Interaction[];
  /** Interactions that are votes (up-votes and accepts). */
  votes: Set<string>;
  reputation: Map<string, number>;
  /** Accounts that wrote a question, an answer or a comment. */
  writers: Set<string>;
  /** Per tag (as a topic), the up-votes each answerer's answers in it received. */
  answerVotes: Map<string, Map<string, number>>;
  /** Questions per tag. */
  questions: Map<string, number>;
  /**
   * Reputation as the site's rules compute it from the dump's votes (+10 an up-vote on an answer,
   * +5 on a question, +15 an accepted answer, +2 accepting one, −2 a down-vote): how far any
   * scorer of these interactions can agree, the rest being the association bonus, edits and bounties.
   */
  reputationRules: Map<string, number>;
  asOf: Date;
}

const account = (userId: string) => `${NETWORK}:u${userId}`;

export const readStackExchange = (): StackExchangeSite => {
  const posts = new Map(rowsOf('Posts.xml').map((post) => [post.Id!, post]));
  const tagsOf = (post: Row | undefined): string[] => {
    const question = post?.PostTypeId === '2' ? posts.get(post.ParentId ?? '') : post;
    return [...(question?.Tags ?? '').matchAll(/<([^>]+)>/g)].map(([, tag]) => toTopicSlug(tag!)).filter((slug): slug is string => slug !== null);
  };
  const contentOf = (post: Row) => `p${post.Id}`;
  const interactions: Interaction[] = [];
  const votes = new Set<string>();
  const writers = new Set<string>();
  const questions = new Map<string, number>();
  const answerVotes = new Map<string, Map<string, number>>();
  let newest = 0;
  const add = (interaction: Interaction) => {
    interactions.push(InteractionSchema.parse(interaction));
    newest = Math.max(newest, Date.parse(interaction.occurredAt));
  };

  for (const post of posts.values()) {
    const owner = post.OwnerUserId;
    if (!owner || (post.PostTypeId !== '1' && post.PostTypeId !== '2')) continue;
    writers.add(account(owner));
    const topics = tagsOf(post);
    if (post.PostTypeId === '1') {
      for (const topic of topics) questions.set(topic, (questions.get(topic) ?? 0) + 1);
      add({
        id: `post-${post.Id}`,
        network: NETWORK,
        type: 'post',
        actor: { id: `u${owner}` },
        topics,
        contentId: contentOf(post),
        occurredAt: instant(post.CreationDate!),
      });
      continue;
    }
    const question = posts.get(post.ParentId ?? '');
    if (!question?.OwnerUserId) continue;
    add({
      id: `post-${post.Id}`,
      network: NETWORK,
      type: 'reply',
      actor: { id: `u${owner}` },
      target: { id: `u${question.OwnerUserId}` },
      topics,
      contentId: contentOf(post),
      parentContentId: contentOf(question),
      occurredAt: instant(post.CreationDate!),
    });
  }
  for (const comment of rowsOf('Comments.xml')) {
    const post = posts.get(comment.PostId ?? '');
    if (!comment.UserId || !post?.OwnerUserId) continue;
    writers.add(account(comment.UserId));
    add({
      id: `comment-${comment.Id}`,
      network: NETWORK,
      type: 'reply',
      actor: { id: `u${comment.UserId}` },
      target: { id: `u${post.OwnerUserId}` },
      topics: tagsOf(post),
      contentId: `c${comment.Id}`,
      parentContentId: contentOf(post),
      occurredAt: instant(comment.CreationDate!),
    });
  }
  const reputationRules = new Map<string, number>();
  const earn = (userId: string, points: number) => reputationRules.set(account(userId), (reputationRules.get(account(userId)) ?? 1) + points);
  for (const vote of rowsOf('Votes.xml')) {
    const post = posts.get(vote.PostId ?? '');
    if (!post?.OwnerUserId) continue;
    if (vote.VoteTypeId === '3') earn(post.OwnerUserId, -2);
    const base = {
      network: NETWORK,
      target: { id: `u${post.OwnerUserId}` },
      topics: tagsOf(post),
      parentContentId: contentOf(post),
      occurredAt: instant(vote.CreationDate!),
    };
    if (vote.VoteTypeId === '2') {
      earn(post.OwnerUserId, post.PostTypeId === '2' ? 10 : 5);
      // The voter is anonymous in the dump: one account per vote, whom nobody engages.
      add({ ...base, id: `vote-${vote.Id}`, type: 'like', actor: { id: `voter-${vote.Id}` } });
      votes.add(`vote-${vote.Id}`);
      if (post.PostTypeId === '2') {
        for (const topic of tagsOf(post)) {
          const byAnswerer = answerVotes.get(topic) ?? new Map<string, number>();
          byAnswerer.set(account(post.OwnerUserId), (byAnswerer.get(account(post.OwnerUserId)) ?? 0) + 1);
          answerVotes.set(topic, byAnswerer);
        }
      }
    } else if (vote.VoteTypeId === '1' && post.PostTypeId === '2') {
      const asker = posts.get(post.ParentId ?? '')?.OwnerUserId;
      if (!asker) continue;
      add({ ...base, id: `vote-${vote.Id}`, type: 'share', actor: { id: `u${asker}` } });
      votes.add(`vote-${vote.Id}`);
      earn(post.OwnerUserId, 15);
      if (asker !== post.OwnerUserId) earn(asker, 2);
    }
  }
  const reputation = new Map(rowsOf('Users.xml').map((user) => [account(user.Id!), Number(user.Reputation)]));
  // The day after the newest interaction: votes carry dates only.
  return { interactions, votes, reputation, writers, answerVotes, questions, reputationRules, asOf: new Date(Math.ceil(newest / DAY_MS) * DAY_MS) };
};

/** A score per account in one topic, by Sway and by each baseline, from the same interactions. */
type Scorer = (topic: string) => Map<string, number>;

/**
 * The service's constants with a window as long as the data and no decay: a diagnostic, to tell
 * what the window and the decay do to a score from what the rest of the model does.
 */
const timeless: ScoringModel = { ...scoringModel, windowDays: 10_000, halfLifeDays: 1e12 } as unknown as ScoringModel;

const scorersOf = (interactions: readonly Interaction[], asOf: Date): Record<string, Scorer> => {
  const aggregates = aggregateInMemory(interactions);
  const cache = new Map<string, Map<string, number>>();
  const memo =
    (name: string, compute: (topic: string) => Map<string, number>): Scorer =>
    (topic) => {
      const key = `${name}\u0000${topic}`;
      let scores = cache.get(key);
      if (!scores) {
        scores = compute(topic);
        cache.set(key, scores);
      }
      return scores;
    };
  const rows = (topic: string) => aggregates.get(topic) ?? { edges: [], posts: [], content: [] };
  const weights = scoringModel.engagementWeights;
  return {
    sway: memo('sway', (topic) => {
      const { edges, posts } = rows(topic);
      return new Map(scoreTopic(topicAggregatesOf(edges, posts), asOf).ranked.map((entry) => [entry.account, entry.score]));
    }),
    'sway without window or decay (diagnostic)': memo('timeless', (topic) => {
      const { edges, posts } = rows(topic);
      return new Map(scoreTopic(topicAggregatesOf(edges, posts), asOf, { constants: timeless }).ranked.map((entry) => [entry.account, entry.score]));
    }),
    'distinct engagers': memo('distinct', (topic) => {
      const engagers = new Map<string, Set<string>>();
      for (const edge of rows(topic).edges) engagers.set(edge.author, (engagers.get(edge.author) ?? new Set()).add(edge.engager));
      return new Map([...engagers].map(([author, set]) => [author, set.size]));
    }),
    'weighted in-degree': memo('weighted', (topic) => {
      const total = new Map<string, number>();
      for (const edge of rows(topic).edges) {
        const value = Object.entries(edge.counts).reduce((sum, [type, count]) => sum + (weights[type as keyof typeof weights] ?? 0) * (count ?? 0), 0);
        total.set(edge.author, (total.get(edge.author) ?? 0) + value);
      }
      return total;
    }),
    'post count': memo('posts', (topic) => {
      // Questions are posts; answers are replies, and count as what a user wrote too.
      const count = new Map<string, number>();
      for (const post of rows(topic).posts) count.set(post.author, (count.get(post.author) ?? 0) + post.posts);
      for (const interaction of interactions) {
        if (interaction.type !== 'reply' || !interaction.id.startsWith('post-')) continue;
        if (topic !== OVERALL_TOPIC && !interaction.topics?.includes(topic)) continue;
        const author = `${interaction.network}:${interaction.actor.id}`;
        count.set(author, (count.get(author) ?? 0) + 1);
      }
      return count;
    }),
  };
};

const topTen = (scores: Map<string, number>): string[] =>
  [...scores]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .slice(0, 10)
    .map(([name]) => name);

interface Figures {
  rho: number;
  overlaps: number[];
}

/** The accounts that posted or commented and have a reputation, in name order. */
const writersOf = (site: StackExchangeSite): string[] => [...site.writers].filter((writer) => site.reputation.has(writer)).sort();

/** The site's three largest tags, by questions. */
const largestTagsOf = (site: StackExchangeSite): string[] =>
  [...site.questions]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .slice(0, 3)
    .map(([tag]) => tag);

/** Spearman(overall score, reputation) over the writers, and the top-10 overlap with the top answerers of each largest tag. */
const stackExchangeFigures = (site: StackExchangeSite, scorer: Scorer): Figures => {
  const writers = writersOf(site);
  const overall = scorer(OVERALL_TOPIC);
  const rho = spearman(
    writers.map((writer) => overall.get(writer) ?? 0),
    writers.map((writer) => site.reputation.get(writer)!),
  );
  const overlaps = largestTagsOf(site).map((tag) => {
    const truth = new Set(topTen(site.answerVotes.get(tag) ?? new Map()));
    return topTen(scorer(tag)).filter((name) => truth.has(name)).length;
  });
  return { rho, overlaps };
};

/** Prints the table and returns each scorer's figures. */
const stackExchangeTable = (
  site: StackExchangeSite,
  interactions: readonly Interaction[],
  title: string,
  { withReference = false } = {},
): Record<string, Figures> => {
  const figures: Record<string, Figures> = {};
  const scorers = scorersOf(interactions, site.asOf);
  const writers = writersOf(site);
  const largestTags = largestTagsOf(site);
  console.log(
    `\n${title}: ${interactions.length.toLocaleString('en')} interactions, scored as of ${site.asOf.toISOString().slice(0, 10)}; ${writers.length} accounts that posted or commented`,
  );
  console.log(`| scorer | Spearman(score, reputation) | ${largestTags.map((tag) => `top-10 overlap, ${tag}`).join(' | ')} |`);
  console.log(`|---|---:|${largestTags.map(() => '---:').join('|')}|`);
  for (const [name, scorer] of Object.entries(scorers)) {
    const { rho, overlaps } = stackExchangeFigures(site, scorer);
    console.log(`| ${name} | ${round(rho, 3)} | ${overlaps.map((overlap) => `${overlap} of 10`).join(' | ')} |`);
    figures[name] = { rho, overlaps };
  }
  if (withReference) {
    const rho = spearman(
      writers.map((writer) => site.reputationRules.get(writer) ?? 1),
      writers.map((writer) => site.reputation.get(writer)!),
    );
    console.log(`| reference: the site's reputation rules on the dump's votes | ${round(rho, 3)} | ${largestTags.map(() => '—').join(' | ')} |`);
    figures[REFERENCE] = { rho, overlaps: [] };
  }
  return figures;
};

/** Bitcoin OTC's positive ratings as engagements, and each rated account's net received rating. */
export const readBitcoinOtc = () => {
  const ratings = readFileSync(BITCOIN_OTC, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(',').map(Number) as [number, number, number, number]);
  const first = Math.min(...ratings.map(([, , , time]) => time));
  const last = Math.max(...ratings.map(([, , , time]) => time));
  const asOf = new Date('2026-11-25T00:00:00Z');
  // Six years in order onto the window: the oldest rating a window ago, the newest today.
  const when = ontoWindow(first, last, asOf);
  const interactions: Interaction[] = ratings
    .filter(([, , rating]) => rating > 0)
    .map(([source, target, rating, time], i) =>
      InteractionSchema.parse({
        id: `rating-${i}`,
        network: NETWORK,
        // Stronger trust as a stronger engagement.
        type: rating >= 5 ? 'reply' : rating >= 2 ? 'share' : 'like',
        actor: { id: `n${source}` },
        target: { id: `n${target}` },
        occurredAt: when(time),
      }),
    );
  const net = new Map<string, number>();
  for (const [, target, rating] of ratings) net.set(`${NETWORK}:n${target}`, (net.get(`${NETWORK}:n${target}`) ?? 0) + rating);
  return { ratings: ratings.length, interactions, net, asOf };
};

/** How many distrusted accounts score below the median of the rated ones, and their median percentile. */
const distrustedBelowMedian = (scores: Map<string, number>, rated: readonly string[], distrusted: readonly string[]) => {
  const values = rated.map((name) => scores.get(name) ?? 0).sort((a, b) => a - b);
  const median = values[Math.floor(values.length / 2)]!;
  const percentile = (value: number) => values.filter((other) => other < value).length / values.length;
  const percentiles = distrusted.map((name) => percentile(scores.get(name) ?? 0)).sort((a, b) => a - b);
  return { below: distrusted.filter((name) => (scores.get(name) ?? 0) < median).length, medianPercentile: percentiles[Math.floor(percentiles.length / 2)]! };
};

/** Bitcoin OTC: where the accounts the community distrusts rank among everyone rated. */
const bitcoinOtc = (): Record<string, number> => {
  const shares: Record<string, number> = {};
  const { ratings, interactions, net, asOf } = readBitcoinOtc();
  const scorers = scorersOf(interactions, asOf);
  const rated = [...net.keys()];
  const distrusted = rated.filter((name) => net.get(name)! < 0);
  console.log(
    `\nBitcoin OTC: ${ratings.toLocaleString('en')} ratings (${interactions.length.toLocaleString('en')} positive, as engagements), ${rated.length.toLocaleString('en')} rated accounts, ${distrusted.length} with net negative ratings`,
  );
  console.log('| scorer | distrusted accounts below the median of rated accounts | their median percentile |');
  console.log('|---|---:|---:|');
  // Bitcoin OTC has no posts: the post-count baseline says nothing there.
  for (const [name, scorer] of Object.entries(scorers).filter(([name]) => name !== 'post count')) {
    const { below, medianPercentile } = distrustedBelowMedian(scorer(OVERALL_TOPIC), rated, distrusted);
    console.log(`| ${name} | ${below} of ${distrusted.length} (${round((below / distrusted.length) * 100, 1)} %) | ${round(medianPercentile * 100, 1)} |`);
    shares[name] = below / distrusted.length;
  }
  return shares;
};

export const validityDataAvailable = (): boolean => existsSync(STACK_EXCHANGE) && existsSync(BITCOIN_OTC);

const BASELINES = ['distinct engagers', 'weighted in-degree', 'post count'];
const REFERENCE = 'reputation rules';

/**
 * `scoring.validity`: Spearman(score, reputation) on quantumcomputing, with the best naive
 * baseline of the same run as its ceiling; `scoring.validity_bitcoin_otc`: the share of
 * net-negatively rated accounts below the median.
 */
export const benchValidity = (): BenchmarkResult[] => {
  const site = readStackExchange();
  const asDated = stackExchangeTable(site, site.interactions, "Quantum Computing Stack Exchange, with votes, as of the extract's last day", {
    withReference: true,
  });
  const mapped = mappedOntoWindow(site.interactions, site.asOf);
  const withVotes = stackExchangeTable(site, mapped, 'Quantum Computing Stack Exchange, with votes, its 174 days mapped onto the window');
  const graphsOnly = stackExchangeTable(
    site,
    mapped.filter((interaction) => !site.votes.has(interaction.id)),
    'Quantum Computing Stack Exchange, the answer and comment graphs alone (no votes), mapped onto the window',
  );
  const bitcoin = bitcoinOtc();
  const describe = (figures: Record<string, Figures>) =>
    Object.entries(figures)
      .map(([name, { rho, overlaps }]) => `${name} ${round(rho, 3)}${overlaps.length ? ` (top-10 overlaps ${overlaps.join('/')})` : ''}`)
      .join(', ');
  const best = Math.max(...BASELINES.map((name) => withVotes[name]!.rho));
  return [
    {
      name: 'scoring.validity',
      value: round(withVotes.sway!.rho, 3),
      unit: 'Spearman',
      ceiling: round(best, 3),
      ratio: round(withVotes.sway!.rho / best, 3),
      notes:
        `Spearman(overall score, reputation) over the accounts that posted or commented on quantumcomputing.stackexchange (2018 extract, its 174 days mapped onto the window; bench/validity.ts); ceiling: the best naive baseline of the same run. ` +
        `With votes: ${describe(withVotes)}. As of the extract's last day: ${describe(asDated)}. Answer and comment graphs alone: ${describe(graphsOnly)}`,
    },
    {
      name: 'scoring.validity_bitcoin_otc',
      value: round(bitcoin.sway! * 100, 1),
      unit: '%',
      notes: `share of Bitcoin OTC accounts with net negative received ratings that rank below the median of rated accounts (positive ratings as engagements, six years mapped onto the window): ${Object.entries(
        bitcoin,
      )
        .map(([name, share]) => `${name} ${round(share * 100, 1)} %`)
        .join(', ')}`,
    },
  ];
};

/** The model with one thing changed at a time (docs/SCORING.md, "What drove the gap"). */
const ABLATIONS: Record<string, Partial<Record<keyof ScoringModel, unknown>>> = {
  'the model': {},
  'no window, no decay': { windowDays: timeless.windowDays, halfLifeDays: timeless.halfLifeDays },
  'every engager weighs at least 1 (engagerWeightFloor 1, not 0.01)': { engagerWeightFloor: 1 },
  'no activity discount': { engagerAuthorsBeforeDiscount: Infinity },
  'breadth alone in the log-score': { factorWeights: { response: 0, breadth: 1, efficiency: 0 } },
  'authority capped at 5, not 25': { authorityCap: 5 },
  'returned engagement carries a quarter of its weight into authority (returnedAuthorityShare 0.25, not 0)': { returnedAuthorityShare: 0.25 },
  // Every engager alike, whatever its standing: how far the rest of the model is from the naive counts.
  'every engager weighs 1 (engagerWeightFloor 1, authorityCap 0)': { engagerWeightFloor: 1, authorityCap: 0 },
  'every engager weighs 1, no window, no decay': {
    engagerWeightFloor: 1,
    authorityCap: 0,
    windowDays: timeless.windowDays,
    halfLifeDays: timeless.halfLifeDays,
  },
};

/** `npx tsx bench/validity.ts --ablations`: each ablation on both data sets and the planted world, then what tells Bitcoin OTC's distrusted accounts apart. */
const ablations = () => {
  const site = readStackExchange();
  const mapped = aggregateInMemory(mappedOntoWindow(site.interactions, site.asOf));
  const bitcoin = readBitcoinOtc();
  const bitcoinAggregates = aggregateInMemory(bitcoin.interactions);
  const rated = [...bitcoin.net.keys()];
  const distrusted = rated.filter((name) => bitcoin.net.get(name)! < 0);
  const sway =
    (aggregates: ReturnType<typeof aggregateInMemory>, asOf: Date, constants: ScoringModel): Scorer =>
    (topic) => {
      const rows = aggregates.get(topic);
      return rows
        ? new Map(scoreTopic(topicAggregatesOf(rows.edges, rows.posts), asOf, { constants }).ranked.map((entry) => [entry.account, entry.score]))
        : new Map();
    };
  const ringBelowMedian = (planted: ReturnType<typeof plantedWorldChecks>) =>
    planted.every((topic) => topic.ring.every((member) => member.score < topic.median));
  const range = (ranks: (number | undefined)[]) =>
    `#${Math.min(...ranks.map((rank) => rank ?? Infinity))}–#${Math.max(...ranks.map((rank) => rank ?? Infinity))}`;
  console.log(
    '| change | Stack Exchange, mapped: Spearman (top-10 overlaps) | Bitcoin OTC below the median | planted world: mean precision@10, best gamer, ring, like farm, 40 one-off likes |',
  );
  console.log('|---|---:|---:|---|');
  for (const [name, change] of Object.entries(ABLATIONS)) {
    const constants = { ...scoringModel, ...change } as ScoringModel;
    const { rho, overlaps } = stackExchangeFigures(site, sway(mapped, site.asOf, constants));
    const { below } = distrustedBelowMedian(sway(bitcoinAggregates, bitcoin.asOf, constants)(OVERALL_TOPIC), rated, distrusted);
    const planted = plantedWorldChecks(constants);
    const precision = planted.reduce((sum, topic) => sum + topic.precisionAt10, 0) / planted.length;
    console.log(
      `| ${name} | ${round(rho, 3)} (${overlaps.join('/')}) | ${round((below / distrusted.length) * 100, 1)} % | ${precision}, ${range(planted.map((topic) => topic.bestGamer?.rank))}, ` +
        `${range(planted.flatMap((topic) => topic.ring.map((member) => member.rank)))}${ringBelowMedian(planted) ? '' : ' (above a median)'}, ${range(planted.map((topic) => topic.farmed?.rank))}, ${range(planted.map((topic) => topic.oneOffFarmed?.rank))} |`,
    );
  }

  // Who rates the accounts with 2 or more positive raters: distrusted ones against the others.
  const raters = new Map<string, Set<string>>();
  const rates = new Map<string, Set<string>>();
  for (const rating of bitcoin.interactions) {
    const [from, to] = [`${NETWORK}:${rating.actor.id}`, `${NETWORK}:${rating.target!.id}`];
    raters.set(to, (raters.get(to) ?? new Set()).add(from));
    rates.set(from, (rates.get(from) ?? new Set()).add(to));
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  for (const [label, group] of [
    ['distrusted', distrusted],
    ['the others', rated.filter((name) => bitcoin.net.get(name)! >= 0)],
  ] as const) {
    const accounts = group.filter((name) => (raters.get(name)?.size ?? 0) >= 2);
    const pairs = accounts.flatMap((name) => [...raters.get(name)!].map((rater) => [name, rater] as const));
    const returned = pairs.filter(([name, rater]) => rates.get(name)?.has(rater)).length;
    console.log(
      `Bitcoin OTC, ${label} with 2+ positive raters: ${accounts.length} accounts; ${round((returned / pairs.length) * 100, 1)} % of their positive ratings returned; ` +
        `their raters' median count of positive raters of their own: ${median(pairs.map(([, rater]) => raters.get(rater)?.size ?? 0))}`,
    );
  }
};

if (require.main === module) {
  if (!validityDataAvailable()) {
    console.error(`bench/validity.ts needs the data sets in ${DATA} (they are not part of this repository)`);
    process.exit(1);
  }
  if (process.argv.includes('--ablations')) ablations();
  else benchValidity();
}
