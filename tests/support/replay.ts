/**
 * A deterministic replay for reliability tests: a few thousand interactions over several topics
 * and two networks (posts with content, responses to that content, follows), cut into deliveries
 * as clients send them, plus the retractions a network would queue (un-likes, a deleted post).
 */
import type { Retraction } from '../../lib/domain/interactions/retraction';
import type { Interaction } from '../../lib/domain/interactions/schema';
import { seededRandom } from '../../lib/dev/evaluation/seeded-random';

export interface Replay {
  /** Deliveries of `POST /v1/interactions`, in order. */
  deliveries: Interaction[][];
  /** Queue message bodies carrying retractions, as the webhook handlers queue them. */
  retractionMessages: string[];
  interactions: Interaction[];
  /** Every account, `{network, id}`. */
  accounts: { network: string; id: string }[];
  topics: string[];
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export const replay = ({
  seed = 11,
  topics = ['astronomy', 'cooking', 'jazz', 'chess'],
  accountsPerNetwork = 150,
  engagements = 2_400,
  asOf = new Date(),
}: {
  seed?: number;
  topics?: string[];
  accountsPerNetwork?: number;
  engagements?: number;
  asOf?: Date;
} = {}): Replay => {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const networks = ['x', 'mastodon'];
  const accounts = networks.flatMap((network) => Array.from({ length: accountsPerNetwork }, (_, i) => ({ network, id: `${network}-user-${i}` })));
  const handleOf = (id: string) => id.replace('-user-', '_');
  const at = (maxDaysAgo: number) => new Date(asOf.getTime() - Math.floor(random() * maxDaysAgo * DAY_MS) - HOUR_MS).toISOString();
  const interactions: Interaction[] = [];
  let sequence = 0;
  const nextId = () => `r${seed}-${++sequence}`;

  // Authors are heavy-tailed: a few publish and are responded to a lot.
  const author = (network: string) => `${network}-user-${Math.floor(accountsPerNetwork * random() ** 3)}`;
  const posts: Interaction[] = [];
  for (let p = 0; p < engagements / 8; p++) {
    const network = pick(networks);
    const actor = author(network);
    const topic = pick(topics);
    const post: Interaction = {
      id: nextId(),
      network,
      type: 'post',
      actor: { id: actor, handle: handleOf(actor) },
      contentId: `content-${p}`,
      occurredAt: at(60),
      // Half name their topic, half carry it as a hashtag.
      ...(random() < 0.5 ? { topics: [topic] } : { text: `new notes on #${topic}` }),
    };
    posts.push(post);
    interactions.push(post);
  }
  for (let e = 0; e < engagements; e++) {
    const post = pick(posts);
    const engager = pick(accounts.filter((account) => account.network === post.network)).id;
    const type = pick(['reply', 'reply', 'quote', 'share', 'like', 'like', 'like', 'mention', 'follow'] as const);
    const occurredAt = new Date(Math.min(asOf.getTime() - HOUR_MS, Date.parse(post.occurredAt) + Math.floor(random() * 5 * DAY_MS))).toISOString();
    const engagement: Interaction = {
      id: nextId(),
      network: post.network,
      type,
      actor: { id: engager, handle: handleOf(engager) },
      target: { id: post.actor.id, handle: post.actor.handle },
      occurredAt,
    };
    // Explicit topics, so the outcome never depends on whether the post was applied first.
    if (type !== 'follow') Object.assign(engagement, { parentContentId: post.contentId, topics: post.topics ?? [post.text!.split('#')[1]!] });
    if (type === 'mention') engagement.contentId = `content-mention-${e}`;
    interactions.push(engagement);
  }

  const deliveries: Interaction[][] = [];
  for (let start = 0; start < interactions.length; ) {
    const size = 1 + Math.floor(random() * 40);
    deliveries.push(interactions.slice(start, start + size));
    start += size;
  }

  const retractions: Retraction[] = interactions
    .filter((interaction) => interaction.type === 'like' && random() < 0.08)
    .map((like) => ({
      kind: 'interaction',
      network: like.network,
      id: like.id,
      retractedAt: new Date(Date.parse(like.occurredAt) + HOUR_MS / 2).toISOString(),
    }));
  const deletedPost = posts[1]!;
  retractions.push({
    kind: 'content',
    network: deletedPost.network,
    contentId: deletedPost.contentId!,
    retractedAt: new Date(Date.parse(deletedPost.occurredAt) + DAY_MS).toISOString(),
  });
  const retractionMessages: string[] = [];
  for (let start = 0; start < retractions.length; start += 10) {
    retractionMessages.push(JSON.stringify({ receivedAt: asOf.toISOString(), interactions: [], retractions: retractions.slice(start, start + 10) }));
  }
  return { deliveries, retractionMessages, interactions, accounts, topics };
};

/** A seeded Fisher–Yates shuffle. */
export const shuffled = <T>(items: readonly T[], seed: number): T[] => {
  const random = seededRandom(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
};
