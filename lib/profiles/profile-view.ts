import type { Profile } from '../api/schemas';
import { problems } from '../http/problem';
import type { StoredAccountScore, StoredProfile, SwayStore } from '../store/sway-store';
import { combinedScore } from './combined-score';

/**
 * The profile as lookups show it: each linked account with its current score (null until scored),
 * accounts that opted out left out entirely, and the combined score of those scored.
 */
export const profileView = async (store: Pick<SwayStore, 'profile' | 'accountScore'>, profileId: string): Promise<Profile> => {
  const profile = await store.profile(profileId);
  if (!profile) throw problems.notFound(`No profile ${profileId}.`);
  return viewOf(profile, await Promise.all(profile.accounts.map(({ network, id }) => store.accountScore(network, id))));
};

const viewOf = (profile: StoredProfile, lookups: Awaited<ReturnType<SwayStore['accountScore']>>[]): Profile => {
  const accounts: Profile['accounts'] = [];
  const scored: StoredAccountScore[] = [];
  profile.accounts.forEach(({ network, id }, i) => {
    const found = lookups[i];
    if (found && 'optedOut' in found) return;
    if (found) scored.push(found);
    accounts.push({ network, id, handle: found?.handle ?? null, score: found?.score ?? null });
  });
  const combined = combinedScore(scored);
  return { profileId: profile.profileId, name: profile.name, score: combined?.score ?? null, topics: combined?.topics ?? [], accounts, updatedAt: profile.updatedAt };
};
