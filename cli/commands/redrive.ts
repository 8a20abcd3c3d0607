import { RedriveResultSchema } from '../../lib/app/api/schemas';
import type { Command } from '../command-line';
import { printJson, printText, type CommandContext } from '../command-context';
import { formatRedrive } from '../format/redrive';

export const runRedrive = async (command: Extract<Command, { name: 'redrive' }>, context: CommandContext): Promise<number> => {
  const { data, raw } = await context.client.json('POST', '/v1/admin/redrive', RedriveResultSchema, {
    admin: true,
    headers: command.queue ? { 'content-type': 'application/json' } : {},
    ...(command.queue ? { body: JSON.stringify({ queue: command.queue }) } : {}),
  });
  if (context.json) printJson(context, raw);
  else printText(context, formatRedrive(data));
  return 0;
};
