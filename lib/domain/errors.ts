/**
 * What can go wrong in a use case, in the domain's words. A use case throws these; the HTTP adapter
 * (`lib/adapters/http/middleware.ts`) answers each with its problem+json, so nothing below it needs
 * to know about statuses. `detail` is the human sentence the answer carries.
 */
export abstract class DomainError extends Error {
  constructor(readonly detail: string) {
    super(detail);
  }
}

/** The caller gave something this service cannot use: a cursor it never gave out, or one that has expired. */
export class InvalidInputError extends DomainError {
  override name = 'InvalidInputError';
}

/** The thing asked for does not exist: an account never seen, a profile never created. */
export class NotFoundError extends DomainError {
  override name = 'NotFoundError';
}

/** The account asked for opted out of Sway: it existed, and is forgotten. */
export class OptedOutError extends DomainError {
  override name = 'OptedOutError';
}
