import type { Leaderboard } from '../../lib/app/api/schemas';
import { formatScore, formatTable, nextPageLine } from './table';

export const formatLeaderboard = (board: Leaderboard, topic: string | undefined): string => {
  const title = topic ? `leaderboard of topic ${topic}` : 'overall leaderboard';
  const heading = board.computedAt ? `${title}, computed at ${board.computedAt}` : title;
  if (!board.items.length) return `${heading}\n\nno scored accounts yet`;
  const table = formatTable(
    [{ header: 'rank' }, { header: 'score', align: 'right' }, { header: 'network' }, { header: 'account' }],
    board.items.map((entry) => [entry.rank, formatScore(entry.score), entry.network, entry.handle ?? entry.id]),
  );
  const nextPage = board.nextCursor ? ['', nextPageLine(board.nextCursor)] : [];
  return [heading, '', table, ...nextPage].join('\n');
};
