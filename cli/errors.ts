import type { CommandName } from './command-line';

/** Bad usage: an unknown command or option, a missing or malformed argument. Exit code 2, with the usage. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose usage to print; undefined prints the usage of every command. */
    readonly command?: CommandName,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Bad setup: a missing environment variable, an unreadable input file. Exit code 2, no usage. */
export class SetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SetupError';
  }
}

/**
 * A command that could not do what was asked, for a reason it explains (`x:alice not found`).
 * Exit code 1. `cause` (a problem, a connection error) is printed below the message.
 */
export class CommandFailedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CommandFailedError';
  }
}
