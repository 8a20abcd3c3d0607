import type { SwayHttpClient } from './http-client';
import type { CliRuntime } from './runtime';

/** What every command gets: where it talks to, where it writes, and whether output is for machines. */
export interface CommandContext {
  runtime: CliRuntime;
  client: SwayHttpClient;
  json: boolean;
}

export const printText = (context: CommandContext, text: string): void => {
  context.runtime.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
};

export const printJson = (context: CommandContext, value: unknown): void => {
  context.runtime.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};

/** A path segment: handles and ids may hold `/`, `@`, spaces. */
export const segment = (value: string): string => encodeURIComponent(value);
