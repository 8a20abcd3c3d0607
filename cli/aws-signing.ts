/**
 * Admin requests against a deployment: API Gateway authorizes the admin and DELETE routes with IAM,
 * so they are signed with SigV4 for `execute-api`, with the AWS SDK's own signer and credential chain
 * (environment, shared config and SSO via AWS_PROFILE, process credentials, web identity, instance
 * or container roles).
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { SetupError } from './errors';

type Env = Record<string, string | undefined>;

export interface RequestToAuthorize {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Uint8Array | string;
}

/** Headers that authorize an admin request (to add to its own). */
export type AdminAuthorizer = (request: RequestToAuthorize) => Promise<Record<string, string>>;

/** `abc123.execute-api.eu-west-1.amazonaws.com` names its region. */
const regionOfHost = (host: string): string | undefined => /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(host)?.[1];

/** The signer's region: AWS_REGION, AWS_DEFAULT_REGION, or the one in an execute-api host name. */
export const signingRegion = (env: Env, url: URL): string => {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || regionOfHost(url.hostname);
  if (!region)
    throw new SetupError("AWS_REGION is not set: admin requests to AWS are signed for the API's region (or pass the API's execute-api URL, which names it).");
  return region;
};

/** Keys in the command's environment first (as the chain's first link reads them), then the rest of the default chain. */
const credentialsOf = (env: Env): AwsCredentialIdentityProvider => {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  if (accessKeyId && secretAccessKey) return () => Promise.resolve({ accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) });
  return defaultProvider();
};

/** Signs each admin request with SigV4 for `execute-api`. */
export const sigV4Authorizer = (env: Env): AdminAuthorizer => {
  const credentials = credentialsOf(env);
  return async ({ method, url: href, headers, body }) => {
    const url = new URL(href);
    const signer = new SignatureV4({ service: 'execute-api', region: signingRegion(env, url), credentials, sha256: Hash.bind(null, 'sha256') });
    let signed: Awaited<ReturnType<SignatureV4['sign']>>;
    try {
      signed = await signer.sign({
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: { ...headers, host: url.host },
        body,
      });
    } catch (error) {
      throw new SetupError(
        `no AWS credentials to sign admin requests with (${(error as Error).message}): set AWS_PROFILE, or run \`aws sso login\`, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.`,
      );
    }
    // fetch sets Host itself, from the URL: the signed value.
    const { host: _host, ...signedHeaders } = signed.headers;
    return signedHeaders;
  };
};
