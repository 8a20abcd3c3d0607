const NETWORK_NAMES: Record<string, string> = {
  x: 'X',
  bluesky: 'Bluesky',
  mastodon: 'Mastodon',
  facebook: 'Facebook',
  instagram: 'Instagram',
  slack: 'Slack',
  github: 'GitHub',
  discourse: 'Discourse',
};

/** Networks the filters offer, most used first. */
export const KNOWN_NETWORKS = Object.keys(NETWORK_NAMES);

export const networkName = (network: string): string => NETWORK_NAMES[network] ?? network;

export const accountLabel = (account: { handle: string | null; id: string }): string => (account.handle ? `@${account.handle}` : account.id);

export const accountHref = (network: string, id: string, topic?: string | null): string =>
  `/accounts/${encodeURIComponent(network)}/${encodeURIComponent(id)}${topic ? `?topic=${encodeURIComponent(topic)}` : ''}`;

export const topicHref = (topic: string): string => `/topics/${encodeURIComponent(topic)}`;

export const formatScore = (score: number): string => score.toFixed(1);

export const formatPercent = (share: number): string => `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;

export const formatDate = (iso: string): string => `${new Date(iso).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })} UTC`;
