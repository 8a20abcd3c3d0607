import { AccountSchema } from '../../lib/app/api/schemas';
import { z } from 'zod';
import { formatAccountRef, type AccountRef, type Command } from '../command-line';
import { printJson, printText, segment, type CommandContext } from '../command-context';
import { lookupHeaders } from '../credentials';
import { CommandFailedError } from '../errors';
import { formatAccount } from '../format/account';
import { formatExplanation } from '../format/explanation';
import { ProblemError } from '../http-client';

export const EXPLANATIONS_UNAVAILABLE = 'explanations are not available on this server';

const accountPath = ({ network, idOrHandle }: AccountRef): string => `/v1/accounts/${segment(network)}/${segment(idOrHandle)}`;

/**
 * A 404 from a route this server does not have, as opposed to a 404 about the account: API
 * Gateway's own `{"message":"Not Found"}` (no problem type), or a problem that names the route.
 */
export const isUnknownRoute = (error: unknown): boolean =>
  error instanceof ProblemError &&
  error.status === 404 &&
  (error.problemType === undefined || [error.problemType, error.title, error.detail].some((text) => /route/i.test(text)));

const lookupFailure = (error: unknown, account: AccountRef): unknown => {
  const label = formatAccountRef(account);
  if (error instanceof ProblemError && error.status === 404) return new CommandFailedError(`${label} not found`, { cause: error });
  if (error instanceof ProblemError && error.status === 410) return new CommandFailedError(`${label} opted out`, { cause: error });
  return error;
};

/** The explanation, or undefined when the server has no explain route. */
const fetchExplanation = async (command: Extract<Command, { name: 'score' }>, context: CommandContext): Promise<unknown> => {
  try {
    const { raw } = await context.client.json('GET', `${accountPath(command.account)}/explain`, z.unknown(), {
      query: { topic: command.topic },
      headers: lookupHeaders(context.runtime.env),
    });
    return raw;
  } catch (error) {
    if (isUnknownRoute(error)) return undefined;
    if (error instanceof ProblemError && error.status === 404) {
      const about = command.topic ? ` in topic ${command.topic}` : '';
      throw new CommandFailedError(`no explanation for ${formatAccountRef(command.account)}${about}`, { cause: error });
    }
    throw lookupFailure(error, command.account);
  }
};

export const runScore = async (command: Extract<Command, { name: 'score' }>, context: CommandContext): Promise<number> => {
  const { account } = command;
  const response = await context.client
    .json('GET', accountPath(account), AccountSchema, { headers: lookupHeaders(context.runtime.env) })
    .catch((error: unknown) => {
      throw lookupFailure(error, account);
    });
  const topics = command.topic ? response.data.topics.filter((topic) => topic.topic === command.topic) : response.data.topics;
  if (!topics.length && command.topic) {
    throw new CommandFailedError(`${formatAccountRef(account)} has no score in topic ${command.topic}`);
  }
  const explanation = command.explain ? await fetchExplanation(command, context) : undefined;

  if (context.json) {
    const document = { ...(response.raw as Record<string, unknown>), ...(command.topic ? { topics } : {}) };
    printJson(context, command.explain ? { ...document, explanation: explanation ?? null } : document);
    if (command.explain && explanation === undefined) context.runtime.stderr.write(`${EXPLANATIONS_UNAVAILABLE}\n`);
    return 0;
  }
  printText(context, formatAccount(response.data, topics));
  if (command.explain) {
    printText(context, `\n${explanation === undefined ? EXPLANATIONS_UNAVAILABLE : `why:\n${formatExplanation(explanation, '  ')}`}`);
  }
  return 0;
};
