/**
 * The security headers of every answer, defined once: in AWS CloudFront's response headers policies
 * add them (infra/constructs/web-site.ts), on one machine the local gateway does
 * (infra/local/gateway.ts, infra/local/static-site.ts). Pure, like web/site.ts: no imports.
 */
export type SecurityHeaders = Readonly<Record<string, string>>;

const contentSecurityPolicy = (directives: Record<string, readonly string[]>): string =>
  Object.entries(directives)
    .map(([directive, sources]) => [directive, ...sources].join(' '))
    .join('; ');

/**
 * The pages load their content-hashed scripts and stylesheet from the site itself and call the API
 * at the same origin; uPlot draws on canvas and sizes its elements through the CSSOM, which
 * `style-src` does not govern. `data:` is the layout's empty favicon. No inline script or style.
 */
export const pageContentSecurityPolicy = contentSecurityPolicy({
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
});

/** API answers are data: nothing in them may load, run or be framed, even if a browser renders one. */
export const apiContentSecurityPolicy = contentSecurityPolicy({
  'default-src': ["'none'"],
  'frame-ancestors': ["'none'"],
});

const sharedHeaders = {
  'x-content-type-options': 'nosniff',
  // Full referrer within the site; other sites learn nothing of which account or topic was open.
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
} as const;

/** Pages, scripts, styles and the 404 page. */
export const pageSecurityHeaders: SecurityHeaders = { 'content-security-policy': pageContentSecurityPolicy, ...sharedHeaders };

/** Every answer of the API: JSON, problem+json, text/plain handshakes. */
export const apiSecurityHeaders: SecurityHeaders = { 'content-security-policy': apiContentSecurityPolicy, ...sharedHeaders };

/**
 * Strict-Transport-Security, in AWS only: the site is HTTPS there, while `npm start` serves plain
 * HTTP, where browsers ignore the header. Two years, as hstspreload.org recommends.
 */
export const strictTransportSecurity = { maxAgeSeconds: 2 * 365 * 24 * 60 * 60, includeSubDomains: true } as const;
