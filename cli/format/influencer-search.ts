import type { Influencer, InfluencerSearch } from '../../lib/app/api/schemas';
import type { SearchSort } from '../command-line';
import { csvRecord } from '../../lib/app/api/csv';
import { formatScore, formatTable, nextPageLine, type Cell } from './table';

/** `+3.2`, `-1.0`, and `0.0` for what rounds to nothing. */
export const formatRising = (rising: number): string => {
  const rounded = Math.round(rising * 10) / 10;
  if (rounded > 0) return `+${rounded.toFixed(1)}`;
  return rounded < 0 ? rounded.toFixed(1) : '0.0';
};

const topicScore = (influencer: Influencer, topic: string) => influencer.topics.find((score) => score.topic === topic);

const topicCell = (influencer: Influencer, topic: string): Cell => {
  const score = topicScore(influencer, topic);
  return score ? `${formatScore(score.score)} (#${score.rank})` : '–';
};

/** A page of campaign search: one column per requested topic, in the order asked. */
export const formatInfluencerSearch = (search: InfluencerSearch, topics: string[], sort: SearchSort = 'relevance'): string => {
  const heading = `${sort === 'rising' ? 'rising fastest in' : 'most relevant to'} ${topics.join(', ')}`;
  const nextPage = search.nextCursor ? ['', nextPageLine(search.nextCursor)] : [];
  if (!search.items.length) return [heading, '', 'no accounts found', ...nextPage].join('\n');
  const table = formatTable(
    [
      { header: '#' },
      { header: 'account' },
      { header: 'relevance', align: 'right' },
      { header: 'rising', align: 'right' },
      { header: 'overall', align: 'right' },
      ...topics.map((topic) => ({ header: topic, align: 'right' as const })),
    ],
    search.items.map((influencer, index) => [
      index + 1,
      `${influencer.network}:${influencer.handle ?? influencer.id}`,
      formatScore(influencer.relevance),
      formatRising(influencer.rising),
      formatScore(influencer.score),
      ...topics.map((topic) => topicCell(influencer, topic)),
    ]),
  );
  return [heading, '', table, ...nextPage].join('\n');
};

/** A header line, then one line per account; a topic the account is not scored in has empty cells. */
export const formatInfluencerSearchCsv = (search: InfluencerSearch, topics: string[]): string =>
  [
    csvRecord(['network', 'id', 'handle', 'relevance', 'rising', 'score', ...topics.flatMap((topic) => [topic, `${topic}_rank`])]),
    ...search.items.map((influencer) =>
      csvRecord([
        influencer.network,
        influencer.id,
        influencer.handle,
        influencer.relevance,
        influencer.rising,
        influencer.score,
        ...topics.flatMap((topic) => {
          const score = topicScore(influencer, topic);
          return [score?.score, score?.rank];
        }),
      ]),
    ),
  ].join('\n');
