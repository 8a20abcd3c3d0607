import type { Interaction } from '../../domain/interactions/schema';
import { seededRandom } from '../evaluation/seeded-random';

export const DEMO_TOPICS = ['astronomy', 'climate', 'cooking', 'jazz', 'open-source', 'urban-cycling'] as const;
export const DEMO_NETWORKS = ['x', 'mastodon', 'bluesky'] as const;
type DemoNetwork = (typeof DEMO_NETWORKS)[number];

export interface DemoWorld {
  interactions: Interaction[];
  /** Every generated account, `network:id`. */
  accounts: string[];
  asOf: Date;
}

export interface DemoWorldOptions {
  seed?: number;
  people?: number;
  /** Interactions happen over the days before this instant, never after it. */
  asOf: Date;
}

const DAY_MS = 86_400_000;
const WINDOW_DAYS = 60;

const FIRST_NAMES = [
  'maya',
  'jonas',
  'priya',
  'tomas',
  'aiko',
  'lena',
  'omar',
  'sofia',
  'kwame',
  'ines',
  'ravi',
  'clara',
  'mateo',
  'yuki',
  'amara',
  'felix',
  'nadia',
  'hugo',
  'zara',
  'leon',
  'mira',
  'diego',
  'elif',
  'noah',
  'ana',
  'sami',
  'freya',
  'idris',
  'lucia',
  'bruno',
  'hana',
  'oscar',
  'leila',
  'pablo',
  'greta',
  'tariq',
  'vera',
  'ezra',
  'nina',
  'malik',
];
const LAST_NAMES = [
  'okafor',
  'berg',
  'raman',
  'novak',
  'tanaka',
  'fischer',
  'haddad',
  'rossi',
  'mensah',
  'costa',
  'iyer',
  'dubois',
  'silva',
  'sato',
  'adeyemi',
  'wagner',
  'karim',
  'moreau',
  'khan',
  'weber',
  'lindqvist',
  'ortega',
  'yilmaz',
  'park',
  'lopes',
  'nasser',
  'larsen',
  'bello',
  'ferri',
  'kowalski',
  'mori',
  'eriksen',
  'amin',
  'vidal',
  'brandt',
  'osei',
];
const MASTODON_INSTANCES = ['mastodon.social', 'fosstodon.org', 'hachyderm.io', 'scholar.social'];
const ENGAGEMENT_TYPES: Interaction['type'][] = ['reply', 'reply', 'quote', 'share', 'share', 'like', 'like', 'like', 'like', 'mention'];

interface Person {
  network: DemoNetwork;
  id: string;
  handle: string;
  topics: string[];
  /** How much others respond to this person: heavy-tailed, a few draw most of the response. */
  pull: number;
  /** −1 … 1: whether this person's activity lies mostly in the older (−) or the recent (+) part of the window. */
  momentum: number;
  posts: number;
  engagements: number;
}

/**
 * A believable, seeded world for `npm start -- --demo`: people with person-like handles on three
 * networks, each interested in one or two of six topics, posting and responding to each other
 * within their network. Response is heavy-tailed, some people are rising and some fading (so the
 * history charts have a shape), and each topic has one prolific poster whom few answer — the kind
 * of account the score is built to keep down.
 */
export const demoWorld = ({ seed = 2026, people = 360, asOf }: DemoWorldOptions): DemoWorld => {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const weightedPick = <T>(list: readonly T[], weight: (item: T) => number): T => {
    const total = list.reduce((sum, item) => sum + weight(item), 0);
    let threshold = random() * total;
    for (const item of list) {
      threshold -= weight(item);
      if (threshold <= 0) return item;
    }
    return list[list.length - 1]!;
  };

  const usedHandles = new Set<string>();
  const personHandle = (network: DemoNetwork): string => {
    for (let attempt = 0; ; attempt++) {
      const first = pick(FIRST_NAMES);
      const last = pick(LAST_NAMES);
      const suffix = attempt > 3 ? String(Math.floor(random() * 90) + 10) : '';
      const handle =
        network === 'x'
          ? `${first}${pick(['_', ''])}${last}${suffix}`
          : network === 'mastodon'
            ? `${first}${last}${suffix}@${pick(MASTODON_INSTANCES)}`
            : `${first}${last}${suffix}.bsky.social`;
      if (!usedHandles.has(handle)) {
        usedHandles.add(handle);
        return handle;
      }
    }
  };
  const personId = (network: DemoNetwork, index: number): string =>
    network === 'bluesky'
      ? `did:plc:${Array.from({ length: 24 }, () => pick([...'abcdefghijklmnopqrstuvwxyz234567'])).join('')}`
      : String((network === 'x' ? 1_200_000_000 : 109_000) + index * 7919 + Math.floor(random() * 7919));

  const population: Person[] = Array.from({ length: people }, (_, index) => {
    const network = weightedPick(DEMO_NETWORKS, (candidate) => ({ x: 0.45, mastodon: 0.3, bluesky: 0.25 })[candidate]);
    const first = pick(DEMO_TOPICS);
    const topics = random() < 0.35 ? [...new Set([first, pick(DEMO_TOPICS)])] : [first];
    return {
      network,
      id: personId(network, index),
      handle: personHandle(network),
      topics,
      pull: 1 / (0.02 + random()) ** 1.6,
      momentum: random() * 2 - 1,
      posts: 1 + Math.floor(random() * 4),
      engagements: 4 + Math.floor(random() * 9),
    };
  });
  // One prolific poster per topic, on X: hundreds of posts that earn almost nothing.
  const prolific = DEMO_TOPICS.map(
    (topic, index): Person => ({
      network: 'x',
      id: personId('x', people + index),
      handle: personHandle('x'),
      topics: [topic],
      pull: 0.05,
      momentum: 0,
      posts: 60,
      engagements: 2,
    }),
  );
  population.push(...prolific);

  const interactions: Interaction[] = [];
  let sequence = 0;
  const nextId = (network: DemoNetwork): string => {
    sequence++;
    return network === 'bluesky' ? `at://demo/app.bsky.feed.post/${seed}-${sequence}` : `${seed}${String(sequence).padStart(7, '0')}`;
  };
  /** Milliseconds before asOf, leaning recent for positive momentum and old for negative. */
  const ageOf = (momentum: number): number => {
    const u = random() ** (1 + 2 * Math.abs(momentum));
    return (momentum >= 0 ? u : 1 - u) * WINDOW_DAYS * DAY_MS;
  };
  const ref = (person: Person) => ({ id: person.id, handle: person.handle });

  for (const network of DEMO_NETWORKS) {
    for (const topic of DEMO_TOPICS) {
      const members = population.filter((person) => person.network === network && person.topics.includes(topic));
      if (members.length < 2) continue;
      const posts: { author: Person; contentId: string; age: number }[] = [];
      for (const author of members) {
        for (let p = 0; p < author.posts; p++) {
          const contentId = nextId(network);
          const age = ageOf(author.momentum);
          posts.push({ author, contentId, age });
          interactions.push({
            id: contentId,
            network,
            type: 'post',
            actor: ref(author),
            contentId,
            topics: [topic],
            occurredAt: new Date(asOf.getTime() - age).toISOString(),
          });
        }
      }
      const postsByAuthor = new Map<Person, typeof posts>();
      for (const post of posts) postsByAuthor.set(post.author, [...(postsByAuthor.get(post.author) ?? []), post]);
      const authors = [...postsByAuthor.keys()];

      for (const engager of members) {
        for (let k = 0; k < engager.engagements; k++) {
          const author = weightedPick(authors, (candidate) => (candidate === engager ? 0 : candidate.pull));
          if (author === engager) continue;
          const post = pick(postsByAuthor.get(author)!);
          // Responses come within two days of the post, and never after asOf.
          const age = post.age - random() * Math.min(2 * DAY_MS, post.age);
          interactions.push({
            id: nextId(network),
            network,
            type: pick(ENGAGEMENT_TYPES),
            actor: ref(engager),
            target: ref(author),
            parentContentId: post.contentId,
            topics: [topic],
            occurredAt: new Date(asOf.getTime() - age).toISOString(),
          });
        }
        if (random() < 0.3) {
          const followed = weightedPick(authors, (candidate) => (candidate === engager ? 0 : candidate.pull));
          if (followed !== engager) {
            interactions.push({
              id: nextId(network),
              network,
              type: 'follow',
              actor: ref(engager),
              target: ref(followed),
              topics: [topic],
              occurredAt: new Date(asOf.getTime() - ageOf(0)).toISOString(),
            });
          }
        }
      }
    }
  }
  return { interactions, accounts: population.map((person) => `${person.network}:${person.id}`), asOf };
};
