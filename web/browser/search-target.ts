const NETWORK = /^[a-z0-9-]{1,32}$/;
const TOPIC = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * Where the search box goes: `network:handle` (or `network:id`) to an account page, anything else
 * to the topic page of its slug — written the way Sway turns hashtags into topics (`#Like_This` →
 * `like-this`).
 */
export const searchTarget = (query: string): { href: string } | { error: string } => {
  const text = query.trim();
  if (!text) return { error: 'Type a topic, such as astronomy, or an account as network:handle, such as x:alice.' };
  const account = /^([^:\s]+):\s*@?(\S.*)$/.exec(text);
  if (account) {
    const network = account[1]!.toLowerCase();
    if (!NETWORK.test(network)) return { error: `“${account[1]}” is not a network name (letters, digits and dashes).` };
    return { href: `/accounts/${encodeURIComponent(network)}/${encodeURIComponent(account[2]!.trim())}` };
  }
  const topic = text
    .replace(/^#/, '')
    .toLowerCase()
    .replace(/[\s_]+/g, '-')
    .replace(/[^a-z0-9-]/g, '')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  if (!TOPIC.test(topic)) return { error: `“${text}” is not a topic: topics are words of letters, digits and dashes.` };
  return { href: `/topics/${topic}` };
};
