import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { pageSecurityHeaders } from '../../web/security-headers';
import { notFoundPage, webFileFor } from '../../web/site';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

const readIfExists = async (path: string): Promise<string | undefined> => {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

/**
 * The built web pages in `root`, served as S3 behind CloudFront serves them in AWS: a page path
 * gets its HTML shell, an asset its file, anything else the 404 page with status 404. Pages are
 * revalidated on every visit; assets carry a content hash in their names, so they are cached for good.
 * Every answer carries the pages' security headers, as CloudFront's response headers policy adds them.
 */
export const webFileResponse = async (root: string, pathname: string, method: 'GET' | 'HEAD'): Promise<APIGatewayProxyStructuredResultV2> => {
  const file = webFileFor(pathname);
  const found = file === undefined ? undefined : await readIfExists(join(root, file));
  const served = found === undefined || file === undefined ? notFoundPage : file;
  const body = found ?? (await readFile(join(root, notFoundPage), 'utf8'));
  return {
    statusCode: found === undefined ? 404 : 200,
    headers: {
      'content-type': contentTypes[extname(served)] ?? 'application/octet-stream',
      'cache-control': served.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
      ...pageSecurityHeaders,
    },
    body: method === 'HEAD' ? '' : body,
  };
};
