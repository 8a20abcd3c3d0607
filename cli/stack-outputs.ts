/**
 * The deployed API's URL from the file `cdk deploy --outputs-file FILE` writes
 * (`{"<stack>": {"ApiUrl": "https://…", …}}`), so `sway --url cdk-outputs.json` needs no copying.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SetupError } from './errors';

/** The stack output infra/stateless-stack.ts names the API's URL by. */
export const API_URL_OUTPUT = 'ApiUrl';

/** A `--url` that names a JSON file rather than a URL. */
export const isOutputsFile = (value: string): boolean => /\.json$/i.test(value) && !/^https?:\/\//i.test(value);

export const apiUrlFromOutputs = (file: string, cwd: string): string => {
  let outputs: unknown;
  try {
    outputs = JSON.parse(readFileSync(resolve(cwd, file), 'utf8'));
  } catch (error) {
    throw new SetupError(`${file} could not be read as the outputs of cdk deploy --outputs-file: ${(error as Error).message}`);
  }
  const urls = Object.entries(typeof outputs === 'object' && outputs !== null ? outputs : {}).flatMap(([stack, values]) => {
    const url = (values as Record<string, unknown> | null)?.[API_URL_OUTPUT];
    return typeof url === 'string' && /^https?:\/\//.test(url) ? [{ stack, url }] : [];
  });
  if (urls.length === 0) throw new SetupError(`${file} holds no stack output ${API_URL_OUTPUT}: deploy with \`npx cdk deploy --all --outputs-file ${file}\`.`);
  if (urls.length > 1)
    throw new SetupError(`${file} holds the ${API_URL_OUTPUT} of several stacks (${urls.map((entry) => entry.stack).join(', ')}): pass the URL itself.`);
  return urls[0]!.url;
};
