/**
 * The anti-gaming flags that keep accounts out of campaign search, on the planted world: every
 * scored ring member, farm beneficiary and lockstep target is flagged, and nobody else; an
 * incremental rescoring against the frozen model flags exactly as the full pass did.
 */
import { describe, expect, it } from 'vitest';
import { topicAggregatesOf, type TopicAggregates } from '../../../lib/domain/scoring/engagement';
import { aggregateInMemory } from '../../../lib/dev/evaluation/in-memory-aggregates';
import { plantedWorld } from '../../../lib/dev/evaluation/planted-world';
import { FLAGS, flagNames } from '../../../lib/domain/scoring/model';
import { rescoreAuthors, scoreTopic } from '../../../lib/domain/scoring/topic-scores';

const world = plantedWorld();
const planted = aggregateInMemory(world.interactions);
const topicInput = (topic: string): TopicAggregates => topicAggregatesOf(planted.get(topic)!.edges, planted.get(topic)!.posts);

describe('anti-gaming flags on the planted world', () => {
  for (const topic of world.topics) {
    it(`${topic}: flag the scored gamers that rings, farms and lockstep groups lift, and no one else`, () => {
      const { ranked } = scoreTopic(topicInput(topic), world.asOf);
      const flagged = new Map(ranked.filter((entry) => entry.flags !== 0).map((entry) => [entry.account.replace(`x:${topic}-`, ''), flagNames(entry.flags)]));
      for (let i = 0; i < 8; i++) expect(flagged.get(`ring-${i}`)).toContain('ring');
      expect(flagged.get('farmed')).toEqual(['boosted']);
      expect(flagged.get('lockstep-target-0')).toEqual(['boosted']);
      expect(flagged.get('lockstep-target-1')).toEqual(['boosted']);
      expect(flagged.size).toBe(11);
      const influencers = new Set(world.influencers.get(topic));
      expect(ranked.filter((entry) => influencers.has(entry.account)).every((entry) => entry.flags === 0)).toBe(true);
    });
  }

  it('flags the engagers themselves: farm bots and lockstep members, in the frozen model', () => {
    const { model } = scoreTopic(topicInput('jazz'), world.asOf);
    const flagsOf = (account: string) => model.flags[model.accounts.indexOf(account)]!;
    expect(flagsOf('x:jazz-farm-bot-0') & FLAGS.farm.bit).toBe(FLAGS.farm.bit);
    expect(flagsOf('x:jazz-lockstep-0') & FLAGS.lockstep.bit).toBe(FLAGS.lockstep.bit);
    expect(flagsOf('x:jazz-bot-0')).toBe(0);
  });

  it('are the same when authors are rescored against the frozen model', () => {
    const input = topicInput('cooking');
    const full = scoreTopic(input, world.asOf);
    const authors = full.ranked.map((entry) => entry.account);
    const rescored = rescoreAuthors(full.model, input, authors, world.asOf);
    const flagsOf = new Map(rescored.scores.map((entry) => [entry.account, entry.flags]));
    for (const entry of full.ranked) expect([entry.account, flagsOf.get(entry.account)]).toEqual([entry.account, entry.flags]);
  });
});
