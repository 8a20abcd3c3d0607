import { LeaderboardSchema } from '../../lib/app/api/schemas';
import type { Command } from '../command-line';
import { printJson, printText, segment, type CommandContext } from '../command-context';
import { lookupHeaders } from '../credentials';
import { formatLeaderboard } from '../format/leaderboard';

export const leaderboardPath = (topic: string | undefined): string => (topic ? `/v1/topics/${segment(topic)}/leaderboard` : '/v1/leaderboard');

export const runLeaderboard = async (command: Extract<Command, { name: 'leaderboard' }>, context: CommandContext): Promise<number> => {
  const { data, raw } = await context.client.json('GET', leaderboardPath(command.topic), LeaderboardSchema, {
    query: { limit: command.limit, network: command.network, cursor: command.cursor },
    headers: lookupHeaders(context.runtime.env),
  });
  if (context.json) printJson(context, raw);
  else printText(context, formatLeaderboard(data, command.topic));
  return 0;
};
