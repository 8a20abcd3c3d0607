import type { Stats } from '../../lib/app/api/schemas';
import { formatRunLine } from './run';
import { formatFields } from './table';

export const formatStats = (stats: Stats): string =>
  formatFields([
    ['interactions', stats.interactions],
    ['pending', stats.pending],
    ['dead letters', stats.deadLetters],
    ['accounts', stats.accounts],
    ['topics', stats.topics],
    ['last run', stats.lastRun ? formatRunLine(stats.lastRun) : 'none yet'],
  ]);
