import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AllowedMethods, OriginRequestPolicy } from 'aws-cdk-lib/aws-cloudfront';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { routes, type RouteDefinition } from '../../lib/wiring/routes';
import { apiPathPatterns } from '../../lib/wiring/routes';
import { buildSwayStacks } from '../../infra/sway-app';
import { apiSecurityHeaders, pageSecurityHeaders, strictTransportSecurity } from '../../web/security-headers';
import { assetsFolder, notFoundPage, webFileFor, webPages } from '../../web/site';
import { logicalIdOf, resourcesOfType, synthesisTimeoutMs, synthesizeSway, type SwayFixture, type TemplateResource } from './sway-app-fixture';

let sway: SwayFixture;
beforeAll(() => {
  sway = synthesizeSway();
}, synthesisTimeoutMs);

const onlyResource = (type: string): TemplateResource => {
  const resources = Object.values(resourcesOfType(sway.webTemplate, type));
  expect(resources).toHaveLength(1);
  return resources[0]!;
};

interface CacheBehavior {
  PathPattern?: string;
  TargetOriginId: string;
  AllowedMethods?: string[];
  CachePolicyId?: string;
  OriginRequestPolicyId?: string;
  ResponseHeadersPolicyId?: unknown;
  ViewerProtocolPolicy: string;
  Compress?: boolean;
  FunctionAssociations?: { EventType: string; FunctionARN: unknown }[];
}
interface Origin {
  Id: string;
  DomainName: unknown;
  OriginAccessControlId?: unknown;
  S3OriginConfig?: { OriginAccessIdentity?: string };
  CustomOriginConfig?: { OriginProtocolPolicy: string; OriginSSLProtocols: string[] };
  OriginCustomHeaders?: { HeaderName: string; HeaderValue: unknown }[];
}
interface DistributionConfig {
  DefaultRootObject: string;
  DefaultCacheBehavior: CacheBehavior;
  CacheBehaviors: CacheBehavior[];
  Origins: Origin[];
  CustomErrorResponses: { ErrorCode: number; ResponseCode?: number; ResponsePagePath?: string }[];
  Logging?: { Bucket: unknown; Prefix?: string };
}

const distributionConfig = (): DistributionConfig => onlyResource('AWS::CloudFront::Distribution').Properties!.DistributionConfig as DistributionConfig;
const s3Origin = (): Origin => distributionConfig().Origins.find((origin) => origin.S3OriginConfig)!;
const apiOrigin = (): Origin => distributionConfig().Origins.find((origin) => origin.CustomOriginConfig)!;

/** A concrete path for a route or page template: `/topics/{topic}` → `/topics/sample`. */
const samplePath = (template: string): string => template.replace(/\{\w+\}/g, 'sample');
/** Whether CloudFront's path pattern (`*` any characters, `?` one) matches `path`. */
const cloudFrontPatternMatches = (pattern: string, path: string): boolean =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(path);

describe('web hosting: the bucket', () => {
  it('blocks all public access, encrypts at rest and logs its access to the log bucket', () => {
    const bucket = sway.webTemplate.toJSON().Resources[logicalIdOf(sway.web.site.bucket)] as TemplateResource;
    expect(bucket.Properties!.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties!.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(bucket.Properties!.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: logicalIdOf(sway.web.site.logBucket) });
    expect(bucket.Properties!.WebsiteConfiguration).toBeUndefined();
  });

  it('lets only this distribution read objects, through its origin access control, and refuses plain HTTP', () => {
    const bucketPolicy = Object.values(resourcesOfType(sway.webTemplate, 'AWS::S3::BucketPolicy')).find(
      (policy) => JSON.stringify(policy.Properties!.Bucket) === JSON.stringify({ Ref: logicalIdOf(sway.web.site.bucket) }),
    )!;
    const statements = bucketPolicy.Properties!.PolicyDocument.Statement as { Effect: string; Action: string; Principal: unknown; Condition?: unknown }[];
    const allows = statements.filter((statement) => statement.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]!.Action).toBe('s3:GetObject');
    expect(allows[0]!.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect(JSON.stringify(allows[0]!.Condition)).toContain(`"AWS:SourceArn"`);
    expect(JSON.stringify(allows[0]!.Condition)).toContain(JSON.stringify({ Ref: logicalIdOf(sway.web.site.distribution) }));
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));

    const originAccessControl = onlyResource('AWS::CloudFront::OriginAccessControl');
    expect(originAccessControl.Properties!.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const origin = s3Origin();
    expect(JSON.stringify(origin.OriginAccessControlId)).toContain(Object.keys(resourcesOfType(sway.webTemplate, 'AWS::CloudFront::OriginAccessControl'))[0]!);
    expect(origin.S3OriginConfig!.OriginAccessIdentity ?? '').toBe('');
    expect(JSON.stringify(origin.DomainName)).toContain(logicalIdOf(sway.web.site.bucket));
  });
});

describe('web hosting: the distribution', () => {
  it('sends every route of the route table to the API and no page to it', () => {
    const patterns = apiPathPatterns(routes);
    expect(patterns).toEqual(expect.arrayContaining(['/v1/*', '/healthz', '/openapi.json']));
    for (const route of routes as readonly RouteDefinition[]) {
      expect(
        patterns.some((pattern) => cloudFrontPatternMatches(pattern, samplePath(route.path))),
        route.path,
      ).toBe(true);
    }
    for (const page of webPages) {
      expect(
        patterns.some((pattern) => cloudFrontPatternMatches(pattern, samplePath(page.pattern))),
        page.pattern,
      ).toBe(false);
    }
    expect(
      distributionConfig()
        .CacheBehaviors.map((behavior) => behavior.PathPattern)
        .sort(),
    ).toEqual([...patterns].sort());
  });

  it('forwards API requests with every method, query string and header but Host, over HTTPS, keeping only what the API says it may', () => {
    const api = apiOrigin();
    expect(api.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    const cachePolicyId = logicalIdOf(sway.web.site.apiCache);
    for (const behavior of distributionConfig().CacheBehaviors) {
      expect(behavior.TargetOriginId, behavior.PathPattern).toBe(api.Id);
      expect([...behavior.AllowedMethods!].sort()).toEqual([...AllowedMethods.ALLOW_ALL.methods].sort());
      expect(behavior.CachePolicyId).toEqual({ Ref: cachePolicyId });
      expect(behavior.OriginRequestPolicyId).toBe(OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId);
      expect(behavior.ViewerProtocolPolicy).toBe('redirect-to-https');
      expect(behavior.FunctionAssociations).toBeUndefined();
    }
  });

  it("keeps lookups for their own Cache-Control lifetime, by path and query: nothing without one, no viewer's header or cookie in the key", () => {
    const policy = onlyResource('AWS::CloudFront::CachePolicy').Properties!.CachePolicyConfig;
    expect(policy).toMatchObject({ DefaultTTL: 0, MinTTL: 0, MaxTTL: 300 });
    expect(policy.ParametersInCacheKeyAndForwardedToOrigin).toMatchObject({
      QueryStringsConfig: { QueryStringBehavior: 'all' },
      HeadersConfig: { HeaderBehavior: 'none' },
      CookiesConfig: { CookieBehavior: 'none' },
    });
  });

  it('sends the site key as x-api-key on every API request, read from its secret at deploy, so the pages pass when lookups need keys', () => {
    const headers = apiOrigin().OriginCustomHeaders!;
    expect(headers.map((header) => header.HeaderName)).toEqual(['x-api-key']);
    const value = JSON.stringify(headers[0]!.HeaderValue);
    expect(value).toContain('{{resolve:secretsmanager:');
    expect(value).toContain(':SecretString:current::}}');
    expect(value).toMatch(/SiteKey/);
  });

  it("points the API origin at the stateless stack's HttpApi, by its exported id", () => {
    const domainName = apiOrigin().DomainName as { 'Fn::Join': [string, unknown[]] };
    const [importedId, ...rest] = domainName['Fn::Join'][1] as [{ 'Fn::ImportValue': string }, ...unknown[]];
    expect(rest).toEqual(['.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]);
    const exports = Object.values(sway.statelessTemplate.toJSON().Outputs as Record<string, { Value: unknown; Export?: { Name: string } }>);
    const exported = exports.find((output) => output.Export?.Name === importedId['Fn::ImportValue']);
    expect(exported?.Value).toEqual({ Ref: logicalIdOf(sway.stateless.api) });
  });

  it('serves everything else from the bucket, compressed, over HTTPS, with the page rewrite at viewer request', () => {
    const config = distributionConfig();
    const behavior = config.DefaultCacheBehavior;
    expect(behavior.TargetOriginId).toBe(s3Origin().Id);
    expect(behavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(behavior.Compress).toBe(true);
    expect(behavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [logicalIdOf(sway.web.site.pageRewrite), 'FunctionARN'] } },
    ]);
    expect(config.DefaultRootObject).toBe(webFileFor('/'));
  });

  it("answers a file missing from the bucket with the 404 page, and leaves the API's own 404s alone", () => {
    expect(distributionConfig().CustomErrorResponses).toEqual([
      expect.objectContaining({ ErrorCode: 403, ResponseCode: 404, ResponsePagePath: `/${notFoundPage}` }),
    ]);
  });

  it('logs requests to the log bucket and outputs the site URL', () => {
    expect(JSON.stringify(distributionConfig().Logging?.Bucket)).toContain(logicalIdOf(sway.web.site.logBucket));
    sway.webTemplate.hasOutput('SiteUrl', {
      Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalIdOf(sway.web.site.distribution), 'DomainName'] }]] },
    });
  });
});

interface ResponseHeadersPolicyConfig {
  SecurityHeadersConfig?: {
    ContentSecurityPolicy?: { ContentSecurityPolicy: string; Override: boolean };
    ContentTypeOptions?: { Override: boolean };
    FrameOptions?: { FrameOption: string; Override: boolean };
    ReferrerPolicy?: { ReferrerPolicy: string; Override: boolean };
    StrictTransportSecurity?: { AccessControlMaxAgeSec: number; IncludeSubdomains?: boolean; Preload?: boolean; Override: boolean };
    XSSProtection?: unknown;
  };
  CustomHeadersConfig?: { Items: { Header: string; Value: string; Override: boolean }[] };
}

/** The headers a response headers policy makes CloudFront send, as name → value, and whether each replaces the origin's. */
const headersSentBy = (policyLogicalId: string): { headers: Record<string, string>; overrides: boolean[] } => {
  const config = (sway.webTemplate.toJSON().Resources[policyLogicalId] as TemplateResource).Properties!
    .ResponseHeadersPolicyConfig as ResponseHeadersPolicyConfig;
  const security = config.SecurityHeadersConfig ?? {};
  expect(security.XSSProtection).toBeUndefined();
  const hsts = security.StrictTransportSecurity;
  const headers: Record<string, string> = {
    ...(security.ContentSecurityPolicy ? { 'content-security-policy': security.ContentSecurityPolicy.ContentSecurityPolicy } : {}),
    ...(security.ContentTypeOptions ? { 'x-content-type-options': 'nosniff' } : {}),
    ...(security.FrameOptions ? { 'x-frame-options': security.FrameOptions.FrameOption } : {}),
    ...(security.ReferrerPolicy ? { 'referrer-policy': security.ReferrerPolicy.ReferrerPolicy } : {}),
    ...(hsts
      ? {
          'strict-transport-security': `max-age=${hsts.AccessControlMaxAgeSec}${hsts.IncludeSubdomains ? '; includeSubDomains' : ''}${hsts.Preload ? '; preload' : ''}`,
        }
      : {}),
    ...Object.fromEntries((config.CustomHeadersConfig?.Items ?? []).map((item) => [item.Header.toLowerCase(), item.Value])),
  };
  const overrides = [
    ...Object.values(security).map((setting) => (setting as { Override: boolean }).Override),
    ...(config.CustomHeadersConfig?.Items ?? []).map((item) => item.Override),
  ];
  return { headers, overrides };
};

describe('web hosting: security headers', () => {
  const hsts = `max-age=${strictTransportSecurity.maxAgeSeconds}; includeSubDomains`;

  it("sends the pages' headers of web/security-headers.ts (the local gateway's too) and HSTS with every page, asset and 404 page", () => {
    const policyId = logicalIdOf(sway.web.site.pageHeaders);
    expect(distributionConfig().DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    const { headers, overrides } = headersSentBy(policyId);
    expect(headers).toEqual({ ...pageSecurityHeaders, 'strict-transport-security': hsts });
    expect(headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(overrides.every(Boolean)).toBe(true);
  });

  it("sends the API's headers and HSTS with every API answer that goes through the site", () => {
    const policyId = logicalIdOf(sway.web.site.apiHeaders);
    for (const behavior of distributionConfig().CacheBehaviors) expect(behavior.ResponseHeadersPolicyId, behavior.PathPattern).toEqual({ Ref: policyId });
    const { headers, overrides } = headersSentBy(policyId);
    expect(headers).toEqual({ ...apiSecurityHeaders, 'strict-transport-security': hsts });
    expect(headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(overrides.every(Boolean)).toBe(true);
  });

  it('asks browsers for HTTPS for at least a year, and no page of the site may be framed', () => {
    expect(strictTransportSecurity.maxAgeSeconds).toBeGreaterThanOrEqual(365 * 24 * 3600);
    for (const headers of [pageSecurityHeaders, apiSecurityHeaders]) {
      expect(headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(headers['x-frame-options']).toBe('DENY');
      expect(headers['x-content-type-options']).toBe('nosniff');
    }
  });
});

describe('web hosting: the page rewrite function', () => {
  type Rewrite = (event: { request: { uri: string } }) => { uri: string };
  let rewrite: Rewrite;
  beforeAll(() => {
    const resource = onlyResource('AWS::CloudFront::Function');
    expect(resource.Properties!.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    const code = resource.Properties!.FunctionCode as string;
    expect(code.length).toBeLessThan(10 * 1024); // CloudFront's limit on a function's size
    rewrite = runInNewContext(`${code}\n;handler`, {}) as Rewrite;
  });
  const rewrittenUri = (uri: string): string => rewrite({ request: { uri } }).uri;

  it('rewrites each page pattern of web/site.ts to its file', () => {
    for (const page of webPages) {
      for (const parameter of ['physics', 'x', '1234567890', '%40alice', 'did:plc:abc', 'a.b']) {
        expect(rewrittenUri(page.pattern.replace(/\{\w+\}/g, parameter)), page.pattern).toBe(`/${page.file}`);
      }
    }
  });

  it('leaves assets and every other path for the bucket as they are', () => {
    for (const uri of [
      '/assets/index-ABCD1234.js',
      '/topics',
      '/topics/',
      '/topics/physics/',
      '/topics/physics/more',
      '/accounts/x',
      '/accounts//alice',
      '/favicon.ico',
      `/${notFoundPage}`,
    ]) {
      expect(rewrittenUri(uri)).toBe(uri);
    }
  });

  it('agrees with webFileFor, which the local server uses, on any path', () => {
    const segment = fc.constantFrom('', 'topics', 'accounts', 'method', 'x', 'physics', '%40alice', assetsFolder, 'index-ABCD1234.js', 'index.html');
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), (segments) => {
        const uri = `/${segments.join('/')}`;
        const file = webFileFor(uri);
        expect(rewrittenUri(uri)).toBe(file === undefined ? uri : `/${file}`);
      }),
      { seed: 6, numRuns: 2_000 },
    );
  });
});

describe('web hosting: deploying the site', () => {
  const deployments = () => Object.entries(resourcesOfType(sway.webTemplate, 'Custom::CDKBucketDeployment'));

  it('deploys the hashed assets for a year first, then the pages, revalidated, and invalidates the cache', () => {
    const all = deployments();
    expect(all).toHaveLength(2);
    const [assetsId, assets] = all.find(([, deployment]) => deployment.Properties!.Include)!;
    const [, pages] = all.find(([, deployment]) => !deployment.Properties!.Include)!;
    for (const deployment of [assets, pages]) {
      expect(deployment.Properties!.DestinationBucketName).toEqual({ Ref: logicalIdOf(sway.web.site.bucket) });
    }
    expect(assets.Properties).toMatchObject({ Exclude: ['*'], Include: [`${assetsFolder}/*`], Prune: false });
    expect(assets.Properties!.SystemMetadata['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(pages.Properties).toMatchObject({
      Exclude: [`${assetsFolder}/*`],
      Prune: true,
      DistributionId: { Ref: logicalIdOf(sway.web.site.distribution) },
      DistributionPaths: ['/*'],
    });
    expect(pages.Properties!.SystemMetadata['cache-control']).toMatch(/max-age=0, must-revalidate/);
    expect((pages as TemplateResource & { DependsOn?: string[] }).DependsOn).toContain(assetsId);
    expect(pages.Properties!.SourceObjectKeys).toEqual(assets.Properties!.SourceObjectKeys);
  });

  it(
    'builds the site at synth with the local esbuild, no Docker, into the asset the deployments upload',
    () => {
      const outdir = mkdtempSync(join(tmpdir(), 'sway-web-synth-'));
      try {
        // Bundling only the web stack: the functions are not built.
        const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': ['SwayWeb'] } });
        const { web } = buildSwayStacks(app);
        const [sourceKey] = Object.values(resourcesOfType(Template.fromStack(web), 'Custom::CDKBucketDeployment'))[0]!.Properties!.SourceObjectKeys as string[];
        const builtSite = join(outdir, `asset.${sourceKey!.replace(/\.zip$/, '')}`);
        for (const file of [...webPages.map((page) => page.file), notFoundPage]) expect(existsSync(join(builtSite, file)), file).toBe(true);
        expect(existsSync(join(builtSite, assetsFolder))).toBe(true);
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
    },
    synthesisTimeoutMs,
  );
});
