import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { AssetHashType, DefaultStackSynthesizer, DockerImage, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { BucketDeployment, CacheControl, Source, type ISource } from 'aws-cdk-lib/aws-s3-deployment';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { apiPathPatterns, routes } from '../../lib/wiring/routes';
import { apiSecurityHeaders, pageSecurityHeaders, strictTransportSecurity, type SecurityHeaders } from '../../web/security-headers';
import { assetsFolder, notFoundPage, webFileFor, webPages, type WebPage } from '../../web/site';
import { repositoryRoot } from './sway-function';

/**
 * Source of the CloudFront Function (JavaScript runtime 2.0, viewer request) that rewrites a page
 * path to the file serving it (`/topics/physics` → `/topic.html`), matching segment by segment the
 * way `webFileFor` does: `{name}` stands for one non-empty segment. Any other path (the content-
 * hashed assets, or a miss) goes to the bucket as it is.
 */
export const pageRewriteFunctionCode = (
  pages: readonly WebPage[],
): string => `var pages = ${JSON.stringify(pages.map(({ pattern, file }) => ({ segments: pattern.split('/'), uri: `/${file}` })))};

function matches(segments, uriSegments) {
  if (segments.length !== uriSegments.length) return false;
  for (var i = 0; i < segments.length; i++) {
    var isParameter = /^\\{\\w+\\}$/.test(segments[i]);
    if (isParameter ? uriSegments[i] === '' : segments[i] !== uriSegments[i]) return false;
  }
  return true;
}

function handler(event) {
  var request = event.request;
  var uriSegments = request.uri.split('/');
  for (var i = 0; i < pages.length; i++) {
    if (matches(pages[i].segments, uriSegments)) {
      request.uri = pages[i].uri;
      break;
    }
  }
  return request;
}
`;

const enumValue = <T extends string>(values: Record<string, T>, value: string | undefined, header: string): T => {
  const found = Object.values(values).find((candidate) => candidate === value);
  if (!found) throw new Error(`CloudFront cannot send ${header}: ${value}`);
  return found;
};

/**
 * A response headers policy sending `headers` (web/security-headers.ts, which the local gateway
 * sends too) and HSTS, in place of any the origin sends. Headers CloudFront has no security
 * setting for go out as custom headers, so nothing defined there is left out here.
 */
export const securityHeadersPolicyProps = (headers: SecurityHeaders): cloudfront.ResponseHeadersPolicyProps => {
  const {
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': contentTypeOptions,
    'referrer-policy': referrerPolicy,
    'x-frame-options': frameOption,
    ...others
  } = headers;
  if (contentTypeOptions !== undefined && contentTypeOptions !== 'nosniff')
    throw new Error(`CloudFront cannot send X-Content-Type-Options: ${contentTypeOptions}`);
  const customHeaders = Object.entries(others).map(([header, value]) => ({ header, value, override: true }));
  return {
    securityHeadersBehavior: {
      ...(contentSecurityPolicy === undefined ? {} : { contentSecurityPolicy: { contentSecurityPolicy, override: true } }),
      ...(contentTypeOptions === undefined ? {} : { contentTypeOptions: { override: true } }),
      ...(referrerPolicy === undefined
        ? {}
        : { referrerPolicy: { referrerPolicy: enumValue(cloudfront.HeadersReferrerPolicy, referrerPolicy, 'Referrer-Policy'), override: true } }),
      ...(frameOption === undefined
        ? {}
        : { frameOptions: { frameOption: enumValue(cloudfront.HeadersFrameOption, frameOption, 'X-Frame-Options'), override: true } }),
      strictTransportSecurity: {
        accessControlMaxAge: Duration.seconds(strictTransportSecurity.maxAgeSeconds),
        includeSubdomains: strictTransportSecurity.includeSubDomains,
        override: true,
      },
    },
    ...(customHeaders.length > 0 ? { customHeadersBehavior: { customHeaders } } : {}),
  };
};

export interface WebSiteProps {
  /** The HTTP API served under the site's own domain, so the pages need no CORS. */
  api: IHttpApi;
  /**
   * Sent as `x-api-key` on every API request through the distribution, in place of a viewer's
   * own, so the pages' lookups pass when lookups need keys (lib/adapters/http/api-keys.ts).
   */
  siteKey: ISecret;
}

const webDirectory = path.join(repositoryRoot, 'web');

/**
 * The site built by `web/build.ts` at synth time, with the local esbuild: no Docker engine is ever
 * needed (the image is required by the type but never pulled, since local bundling always
 * succeeds). Its hash is the built files', so an unchanged build deploys nothing.
 */
const builtSite = (): ISource =>
  Source.asset(webDirectory, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      image: DockerImage.fromRegistry('unused'),
      local: {
        tryBundle(outputDir: string): boolean {
          execFileSync(process.execPath, ['--import', 'tsx', path.join(webDirectory, 'build.ts'), outputDir], {
            cwd: repositoryRoot,
            stdio: ['ignore', 'ignore', 'inherit'],
          });
          return true;
        },
      },
    },
  });

const privateBucketDefaults = {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  encryption: s3.BucketEncryption.S3_MANAGED,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
} as const satisfies s3.BucketProps;

/**
 * Sway's web pages: static files in a private S3 bucket, read only by a CloudFront distribution
 * through an origin access control; the API's paths go to the HTTP API under the same domain.
 */
export class WebSite extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly logBucket: s3.Bucket;
  public readonly distribution: cloudfront.Distribution;
  public readonly pageRewrite: cloudfront.Function;
  /** The security headers of the pages (the bucket's behaviour) and of the API's answers (its behaviours). */
  public readonly pageHeaders: cloudfront.ResponseHeadersPolicy;
  public readonly apiHeaders: cloudfront.ResponseHeadersPolicy;
  /** What the API behaviours keep at the edge: lookups, for their Cache-Control lifetime. */
  public readonly apiCache: cloudfront.CachePolicy;
  /** The API's execute-api domain, the origin of the API behaviours. */
  public readonly apiDomainName: string;

  constructor(scope: Construct, id: string, props: WebSiteProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // S3 server access logs are allowed by the log bucket's policy, as AWS recommends, not by the
    // LogDeliveryWrite ACL (CDK's default, which it acknowledges as deprecated).
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);

    this.logBucket = new s3.Bucket(this, 'LogBucket', {
      ...privateBucketDefaults,
      // CloudFront standard logging writes its files with an object ACL, so this bucket keeps ACLs on.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
    });
    this.bucket = new s3.Bucket(this, 'SiteBucket', {
      ...privateBucketDefaults,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'site-bucket/',
    });

    this.pageRewrite = new cloudfront.Function(this, 'PageRewrite', {
      comment: 'Rewrites Sway page paths to the files serving them (web/site.ts)',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(pageRewriteFunctionCode(webPages)),
    });

    this.pageHeaders = new cloudfront.ResponseHeadersPolicy(this, 'PageHeaders', {
      comment: 'Security headers of the Sway web pages (web/security-headers.ts)',
      ...securityHeadersPolicyProps(pageSecurityHeaders),
    });
    this.apiHeaders = new cloudfront.ResponseHeadersPolicy(this, 'ApiHeaders', {
      comment: 'Security headers of the Sway API answers (web/security-headers.ts)',
      ...securityHeadersPolicyProps(apiSecurityHeaders),
    });

    this.apiDomainName = `${props.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
    // Every API request through the distribution carries the site key (CloudFront overwrites a
    // viewer's own x-api-key): one key for all of them, so a cached answer is the same for every
    // viewer and the cache key needs no key. Read from Secrets Manager when the stack deploys.
    this.apiCache = new cloudfront.CachePolicy(this, 'ApiCache', {
      comment: 'Sway lookups for their own Cache-Control lifetime (30 s); answers without one (admin, webhooks, problems: no-store) are not kept',
      defaultTtl: Duration.seconds(0),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.minutes(5),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const apiBehavior: cloudfront.BehaviorOptions = {
      origin: new HttpOrigin(this.apiDomainName, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
        customHeaders: { 'x-api-key': props.siteKey.secretValueFromJson('current').unsafeUnwrap() },
      }),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: this.apiCache,
      // Query strings and headers (signatures, If-None-Match, x-api-key) reach the API; Host does
      // not, since API Gateway routes on its own domain name.
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.apiHeaders,
    };

    const rootFile = webFileFor('/');
    if (!rootFile) throw new Error('web/site.ts names no page for /');
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Sway web pages, with the API under the same domain',
      defaultRootObject: rootFile,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        compress: true,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.pageHeaders,
        functionAssociations: [{ function: this.pageRewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: Object.fromEntries(apiPathPatterns(routes).map((pattern) => [pattern, apiBehavior])),
      // Error responses apply to every origin, so only 403 is mapped: what S3 answers through the
      // OAC (no s3:ListBucket) for a missing file. The API's 404s (unknown account or topic) stay
      // problem+json for the pages to read; its 403s come from admin and webhook routes, which
      // are called at the API's own URL.
      errorResponses: [{ httpStatus: 403, responseHttpStatus: 404, responsePagePath: `/${notFoundPage}`, ttl: Duration.minutes(1) }],
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
    });
    const distributionAcknowledgements: Record<string, string> = {
      'AwsSolutions-CFR1': 'The pages and the API are public by contract (CONTRACT section 4), for readers in every country; there is no country to exclude.',
      'AwsSolutions-CFR2':
        'No WAF web ACL: it adds a monthly fee per ACL and per rule plus a fee per request, while the pages are static and the API behind them validates every input and has its own stage throttling.',
      'AwsSolutions-CFR4':
        "The distribution uses CloudFront's default *.cloudfront.net certificate, with which no minimum TLS version can be set; a custom domain with an ACM certificate would allow TLSv1.2_2021.",
    };
    for (const [ruleId, reason] of Object.entries(distributionAcknowledgements)) Validations.of(this.distribution).acknowledge({ id: ruleId, reason });

    this.deploySite();
  }

  /**
   * Two deployments of one build: the content-hashed assets first, cached for a year and never
   * pruned (a page loaded before a deploy still finds its scripts), then the HTML, which browsers
   * revalidate on every load and the edge keeps until the deploy's invalidation.
   */
  private deploySite(): void {
    const site = builtSite();
    const assets = new BucketDeployment(this, 'AssetsDeployment', {
      sources: [site],
      destinationBucket: this.bucket,
      exclude: ['*'],
      include: [`${assetsFolder}/*`],
      prune: false,
      cacheControl: [CacheControl.setPublic(), CacheControl.maxAge(Duration.days(365)), CacheControl.immutable()],
    });
    const pages = new BucketDeployment(this, 'PagesDeployment', {
      sources: [site],
      destinationBucket: this.bucket,
      exclude: [`${assetsFolder}/*`],
      cacheControl: [CacheControl.setPublic(), CacheControl.maxAge(Duration.seconds(0)), CacheControl.mustRevalidate(), CacheControl.sMaxAge(Duration.days(1))],
      distribution: this.distribution,
      distributionPaths: ['/*'],
    });
    pages.node.addDependency(assets);
    this.acknowledgeDeploymentHandler(pages);
  }

  /** Findings on aws-cdk-lib's own BucketDeployment handler, one function for both deployments that runs only while deploying. */
  private acknowledgeDeploymentHandler(deployment: BucketDeployment): void {
    const handler = deployment.handlerRole.node.scope;
    if (!handler) throw new Error('the BucketDeployment handler role has no scope');
    const siteBucketLogicalId = Stack.of(this).resolve((this.bucket.node.defaultChild as s3.CfnBucket).logicalId) as string;
    // The bootstrap bucket the site's archive is uploaded to, as cdk-nag names it: cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CDK's own placeholder in the bootstrap bucket's name, not a template
    const assetBucketName = DefaultStackSynthesizer.DEFAULT_FILE_ASSETS_BUCKET_NAME.replace('${Qualifier}', DefaultStackSynthesizer.DEFAULT_QUALIFIER).replace(
      /\$\{([^}]+)\}/g,
      '<$1>',
    );
    const syncReason =
      "BucketDeployment's handler copies the built site from its archive in the CDK asset bucket into the site bucket with `aws s3 sync`; aws-cdk-lib grants it read on that archive and read, write and delete on the site bucket's objects, nothing more.";
    const handlerAcknowledgements: Record<string, string> = {
      'AwsSolutions-L1':
        "The handler is aws-cdk-lib's own BucketDeployment function (Python with the AWS CLI layer); its runtime moves with aws-cdk-lib upgrades, it runs only during deploys and serves no request.",
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
        "aws-cdk-lib gives the BucketDeployment handler's role the basic execution policy, for its own logs; the handler runs only during deploys.",
      'AwsSolutions-IAM5[Action::s3:GetObject*]': syncReason,
      'AwsSolutions-IAM5[Action::s3:GetBucket*]': syncReason,
      'AwsSolutions-IAM5[Action::s3:List*]': syncReason,
      'AwsSolutions-IAM5[Action::s3:DeleteObject*]': `${syncReason} Deleting is how a removed page leaves the bucket.`,
      'AwsSolutions-IAM5[Action::s3:Abort*]': `${syncReason} Aborting cleans up a failed multipart upload.`,
      [`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${assetBucketName}/*]`]: `${syncReason} The archive's key changes with every build.`,
      [`AwsSolutions-IAM5[Resource::<${siteBucketLogicalId}.Arn>/*]`]: `${syncReason} Every object of the site bucket is part of the site.`,
      'AwsSolutions-IAM5[Resource::*]':
        "The handler invalidates the distribution's cache after a deploy; aws-cdk-lib grants cloudfront:CreateInvalidation and GetInvalidation without a resource.",
    };
    for (const [ruleId, reason] of Object.entries(handlerAcknowledgements)) Validations.of(handler).acknowledge({ id: ruleId, reason });
  }
}
