import type { Account } from '../../lib/app/api/schemas';
import { formatFields, formatScore, formatTable, printable } from './table';

export const accountLabel = (account: { network: string; id: string; handle: string | null }): string =>
  account.handle ? `${printable(account.handle)} (${account.network}:${printable(account.id)})` : `${account.network}:${printable(account.id)}`;

/** An account's scores; with `topics`, only those topics' lines. */
export const formatAccount = (account: Account, topics: Account['topics'] = account.topics): string => {
  const header = [
    accountLabel(account),
    formatFields([
      ['score', formatScore(account.score)],
      ['computed at', account.computedAt],
    ]),
  ];
  if (!topics.length) return [...header, '', 'no topic scores yet'].join('\n');
  const table = formatTable(
    [{ header: 'topic' }, { header: 'score', align: 'right' }, { header: 'rank' }],
    topics.map((topic) => [topic.topic, formatScore(topic.score), topic.rank]),
  );
  return [...header, '', table].join('\n');
};
