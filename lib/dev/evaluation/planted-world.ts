import type { Interaction } from '../../domain/interactions/schema';
import { seededRandom } from './seeded-random';

export interface PlantedWorld {
  interactions: Interaction[];
  topics: string[];
  /** Per topic, the accounts (`x:id`) planted as its genuine influencers. */
  influencers: Map<string, string[]>;
  /** Per topic, the accounts that game: prolific posters, farm targets and bots, ring members, lockstep groups and their targets, bots. */
  gamers: Map<string, string[]>;
  asOf: Date;
}

export interface PlantedWorldOptions {
  seed?: number;
  topics?: string[];
  influencersPerTopic?: number;
  usersPerTopic?: number;
  engagementsPerUser?: number;
  asOf?: Date;
}

const DAY_MS = 86_400_000;

/**
 * A seeded world with planted truth: per topic, genuine influencers whom many genuine users (and
 * each other) respond to, and every kind of gamer the score must resist — a prolific low-value
 * poster, a like farm, a reciprocal ring, a lockstep group and bots that react to everything.
 */
export const plantedWorld = ({
  seed = 7,
  topics = ['astronomy', 'cooking', 'football', 'jazz'],
  influencersPerTopic = 10,
  usersPerTopic = 400,
  engagementsPerUser = 8,
  asOf = new Date('2026-11-25T00:00:00Z'),
}: PlantedWorldOptions = {}): PlantedWorld => {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const interactions: Interaction[] = [];
  let sequence = 0;
  const at = (maxDaysAgo = 60) => new Date(asOf.getTime() - Math.floor(random() * maxDaysAgo * DAY_MS)).toISOString();
  const add = (type: Interaction['type'], actor: string, target: string | null, topic: string, occurredAt = at()) => {
    sequence++;
    const interaction: Interaction = { id: `w${seed}-${sequence}`, network: 'x', type, actor: { id: actor, handle: actor }, topics: [topic], occurredAt };
    if (target) interaction.target = { id: target, handle: target };
    interactions.push(interaction);
  };
  const engagementType = (): Interaction['type'] => pick(['reply', 'reply', 'quote', 'share', 'share', 'like', 'like', 'like', 'like', 'mention']);

  const influencers = new Map<string, string[]>();
  const gamers = new Map<string, string[]>();
  for (const topic of topics) {
    const stars = Array.from({ length: influencersPerTopic }, (_, i) => `${topic}-star-${i}`);
    const users = Array.from({ length: usersPerTopic }, (_, i) => `${topic}-user-${i}`);
    influencers.set(
      topic,
      stars.map((id) => `x:${id}`),
    );

    for (const star of stars) for (let p = 0; p < 12; p++) add('post', star, null, topic);
    for (const user of users) {
      if (random() < 0.5) add('post', user, null, topic);
      for (let k = 0; k < engagementsPerUser; k++) {
        // Most response goes to the few who deserve it; the rest goes to peers, whose popularity is heavy-tailed as in real networks.
        const target = random() < 0.55 ? stars[Math.floor(stars.length * random() ** 1.5)]! : users[Math.floor(users.length * random() ** 2.5)]!;
        if (target !== user) add(engagementType(), user, target, topic);
      }
    }
    for (const star of stars)
      for (let k = 0; k < 6; k++) {
        const other = pick(stars);
        if (other !== star) add(engagementType(), star, other, topic);
      }

    const topicGamers: string[] = [];
    // A prolific poster: hundreds of posts, a trickle of response.
    const poster = `${topic}-prolific`;
    topicGamers.push(poster);
    for (let p = 0; p < 300; p++) add('post', poster, null, topic);
    for (let k = 0; k < 6; k++) add(engagementType(), pick(users), poster, topic);
    // A like farm: bots that like one target over and over.
    const farmed = `${topic}-farmed`;
    topicGamers.push(farmed);
    for (let b = 0; b < 40; b++) {
      const bot = `${topic}-farm-bot-${b}`;
      topicGamers.push(bot);
      for (let k = 0; k < 15; k++) add('like', bot, farmed, topic);
    }
    // A reciprocal ring: every member replies to every other.
    const ring = Array.from({ length: 8 }, (_, i) => `${topic}-ring-${i}`);
    topicGamers.push(...ring);
    for (const member of ring) for (const other of ring) if (other !== member) for (let k = 0; k < 5; k++) add('reply', member, other, topic);
    // A lockstep group: the same targets, the same minutes.
    const lockstepTargets = [`${topic}-lockstep-target-0`, `${topic}-lockstep-target-1`];
    topicGamers.push(...lockstepTargets);
    const burst = Array.from({ length: 6 }, () => at(30));
    const cover = pick(stars);
    for (let g = 0; g < 25; g++) {
      const member = `${topic}-lockstep-${g}`;
      topicGamers.push(member);
      burst.forEach((time, i) => {
        add(i % 2 ? 'share' : 'like', member, lockstepTargets[i % 2]!, topic, time);
      });
      add('like', member, cover, topic, burst[0]);
    }
    // Bots that react to everything.
    for (let b = 0; b < 30; b++) {
      const bot = `${topic}-bot-${b}`;
      topicGamers.push(bot);
      for (let k = 0; k < 60; k++) add('like', bot, pick(users), topic);
    }
    gamers.set(
      topic,
      topicGamers.map((id) => `x:${id}`),
    );
  }
  return { interactions, topics, influencers, gamers, asOf };
};
