/** `recompute-requests` → `RecomputeRequests`, for construct ids. */
export const pascalCase = (kebab: string): string =>
  kebab
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
