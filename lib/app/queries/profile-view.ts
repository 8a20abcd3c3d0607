import type { Profile } from '../api/schemas';
import type { Stores } from '../../wiring/dependencies';
import type { StoredAccount } from '../../adapters/dynamodb/accounts-store';
import type { StoredProfile } from '../../adapters/dynamodb/profiles-store';
import { combinedScore } from '../../domain/profiles/combined-score';
import { NotFoundError } from '../../domain/errors';

/**
 * The profile as lookups show it: each linked account with its current score (null until scored),
 * accounts that opted out left out entirely, and the combined score of those scored.
 */
export const profileView = async ({ profiles, accounts }: Pick<Stores, 'profiles' | 'accounts'>, profileId: string): Promise<Profile> => {
  const profile = await profiles.profile(profileId);
  if (!profile) throw new NotFoundError(`No profile ${profileId}.`);
  return viewOf(profile, await Promise.all(profile.accounts.map(({ network, id }) => accounts.account(network, id))));
};

const viewOf = (profile: StoredProfile, lookups: Awaited<ReturnType<Stores['accounts']['account']>>[]): Profile => {
  const accounts: Profile['accounts'] = [];
  const scored: StoredAccount[] = [];
  profile.accounts.forEach(({ network, id }, i) => {
    const found = lookups[i];
    if (found && 'optedOut' in found) return;
    if (found) scored.push(found);
    accounts.push({ network, id, handle: found?.handle ?? null, score: found?.score ?? null });
  });
  const combined = combinedScore(scored);
  return {
    profileId: profile.profileId,
    name: profile.name,
    score: combined?.score ?? null,
    topics: combined?.topics ?? [],
    accounts,
    updatedAt: profile.updatedAt,
  };
};
