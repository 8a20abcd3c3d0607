import { problems } from '../http/problem';
import type { StoredAccountScore, SwayStore } from '../store/sway-store';

/** The account behind a lookup route: 404 if never scored, 410 if it opted out. */
export const scoredAccount = async (store: Pick<SwayStore, 'accountScore'>, network: string, idOrHandle: string): Promise<StoredAccountScore> => {
  const account = await store.accountScore(network, idOrHandle);
  if (!account) throw problems.notFound(`No account ${network}:${idOrHandle} has been scored.`);
  if ('optedOut' in account) throw problems.gone(`${network}:${idOrHandle} opted out of Sway.`);
  return account;
};
