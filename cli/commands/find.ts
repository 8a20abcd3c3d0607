import { InfluencerSearchSchema } from '../../lib/app/api/schemas';
import type { Command } from '../command-line';
import { printJson, printText, type CommandContext } from '../command-context';
import { lookupHeaders } from '../credentials';
import { formatInfluencerSearch, formatInfluencerSearchCsv } from '../format/influencer-search';
import { nextPageLine } from '../format/table';

export const runFind = async (command: Extract<Command, { name: 'find' }>, context: CommandContext): Promise<number> => {
  const { data, raw } = await context.client.json('GET', '/v1/search/influencers', InfluencerSearchSchema, {
    query: {
      topics: command.topics.join(','),
      network: command.network,
      minScore: command.minScore,
      maxScore: command.maxScore,
      sort: command.sort,
      limit: command.limit,
      cursor: command.cursor,
    },
    headers: lookupHeaders(context.runtime.env),
  });
  if (context.json) printJson(context, raw);
  else if (command.csv) {
    printText(context, formatInfluencerSearchCsv(data, command.topics));
    // stdout stays pure CSV.
    if (data.nextCursor) context.runtime.stderr.write(`${nextPageLine(data.nextCursor)}\n`);
  } else printText(context, formatInfluencerSearch(data, command.topics, command.sort));
  return 0;
};
