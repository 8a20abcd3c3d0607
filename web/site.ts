/**
 * The one definition of the web routes. The local gateway serves the built files with it, and the
 * CDK stack turns `webPages` into the CloudFront Function that rewrites page paths to their files,
 * so this module stays pure: no Node built-ins, no imports.
 */
export interface WebPage {
  /** A browser path; `{name}` stands for one non-empty path segment. */
  pattern: string;
  /** The static file, relative to the built site's root, that serves every path matching `pattern`. */
  file: string;
}

export const webPages: readonly WebPage[] = [
  { pattern: '/', file: 'index.html' },
  { pattern: '/topics/{topic}', file: 'topic.html' },
  { pattern: '/accounts/{network}/{id}', file: 'account.html' },
  { pattern: '/find', file: 'find.html' },
  { pattern: '/method', file: 'method.html' },
];

/** Served, with status 404, for a path that is neither a page nor an asset. */
export const notFoundPage = '404.html';

/** Built scripts, styles and their shared chunks; their names carry a content hash, so they never change. */
export const assetsFolder = 'assets';
const assetPath = new RegExp(`^/${assetsFolder}/[A-Za-z0-9_-]+\\.(?:js|css)$`);

const patternExpression = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .split('/')
      .map((segment) => (/^\{\w+\}$/.test(segment) ? '[^/]+' : segment))
      .join('/')}$`,
  );

const compiledPages = webPages.map((page) => ({ file: page.file, expression: patternExpression(page.pattern) }));

/** The static file that serves a browser path, or undefined when the path is not a page or asset. */
export const webFileFor = (pathname: string): string | undefined => {
  if (assetPath.test(pathname)) return pathname.slice(1);
  return compiledPages.find(({ expression }) => expression.test(pathname))?.file;
};
