import { formatAccountRef, type Command } from '../command-line';
import { printJson, printText, segment, type CommandContext } from '../command-context';

export const runForget = async (command: Extract<Command, { name: 'forget' }>, context: CommandContext): Promise<number> => {
  const { network, idOrHandle: id } = command.account;
  const { status, text } = await context.client.send('DELETE', `/v1/accounts/${segment(network)}/${segment(id)}`, {
    admin: true,
  });
  if (context.json) printJson(context, answerOrSummary(text, { network, id, accepted: true, status }));
  else printText(context, `${formatAccountRef(command.account)}: opt-out accepted; every trace of the account is gone after the next recompute`);
  return 0;
};

/** The server's JSON answer when it gave one; the contract only promises a 202. */
const answerOrSummary = (text: string, summary: Record<string, unknown>): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return summary;
  }
};
