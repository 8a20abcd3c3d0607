import { StatsSchema } from '../../lib/app/api/schemas';
import { printJson, printText, type CommandContext } from '../command-context';
import { formatStats } from '../format/stats';

export const runStats = async (context: CommandContext): Promise<number> => {
  const { data, raw } = await context.client.json('GET', '/v1/admin/stats', StatsSchema, { admin: true });
  if (context.json) printJson(context, raw);
  else printText(context, formatStats(data));
  return 0;
};
