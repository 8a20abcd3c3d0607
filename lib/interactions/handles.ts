/**
 * The handles seen for each account. Handles change; the one seen on the latest day wins, and a
 * tie goes to the greater string, so the result does not depend on the order of arrival. A handle
 * the account claimed for itself wins over every sighting.
 */
export class HandleSightings {
  private readonly latest = new Map<string, { handle: string; day: string }>();

  constructor(private readonly claimed: ReadonlyMap<string, string> = new Map()) {}

  saw(account: string, handle: unknown, day: string): void {
    if (typeof handle !== 'string' || handle === '') return;
    const known = this.latest.get(account);
    if (!known || day > known.day || (day === known.day && handle > known.handle)) this.latest.set(account, { handle, day });
  }

  merge(other: HandleSightings): void {
    for (const [account, { handle, day }] of other.latest) this.saw(account, handle, day);
  }

  handleOf(account: string): string | null {
    return this.claimed.get(account) ?? this.latest.get(account)?.handle ?? null;
  }
}
