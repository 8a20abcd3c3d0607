/** The JSON API at the same origin as the pages; every outcome a page must show is a case here. */
export type ApiResult<T> =
  | { outcome: 'ok'; data: T }
  | { outcome: 'not-found' }
  | { outcome: 'gone' }
  | { outcome: 'refused'; status: number; detail: string }
  | { outcome: 'unreachable' };

const apiPath = (path: string, query: Record<string, string | number | null | undefined> = {}): string => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `${path}?${text}` : path;
};

export const getJson = async <T>(path: string, query: Record<string, string | number | null | undefined> = {}): Promise<ApiResult<T>> => {
  let response: Response;
  try {
    response = await fetch(apiPath(path, query), { headers: { accept: 'application/json' } });
  } catch {
    return { outcome: 'unreachable' };
  }
  if (response.ok) {
    try {
      return { outcome: 'ok', data: (await response.json()) as T };
    } catch {
      return { outcome: 'unreachable' };
    }
  }
  if (response.status === 404) return { outcome: 'not-found' };
  if (response.status === 410) return { outcome: 'gone' };
  // A gateway or function that fails is, for a reader, an API that cannot be reached right now.
  if (response.status >= 500) return { outcome: 'unreachable' };
  const problem = (await response.json().catch(() => ({}))) as { detail?: unknown };
  return { outcome: 'refused', status: response.status, detail: typeof problem.detail === 'string' ? problem.detail : response.statusText };
};

export const accountApiPath = (network: string, id: string, suffix = ''): string =>
  `/v1/accounts/${encodeURIComponent(network)}/${encodeURIComponent(id)}${suffix}`;
