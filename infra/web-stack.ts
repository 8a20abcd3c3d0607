import { CfnOutput, CrossStackReferences, ReferenceStrength, Stack, type StackProps } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { WebSite } from './constructs/web-site';

export interface SwayWebStackProps extends StackProps {
  api: IHttpApi;
  /** The x-api-key CloudFront adds to the pages' API requests. */
  siteKey: ISecret;
}

/**
 * The web pages, apart from the functions: a deploy of new pages touches neither, and the
 * deployment's own helper function stays out of the functions' stack.
 */
export class SwayWebStack extends Stack {
  public readonly site: WebSite;
  public readonly siteUrl: string;

  constructor(scope: Construct, id: string, props: SwayWebStackProps) {
    super(scope, id, props);
    // A strong reference (export/import) keeps the API from being replaced under the distribution.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);

    this.site = new WebSite(this, 'WebSite', { api: props.api, siteKey: props.siteKey });
    this.siteUrl = `https://${this.site.distribution.distributionDomainName}`;
    new CfnOutput(this, 'SiteUrl', { value: this.siteUrl, description: 'The Sway web pages, with the API under the same domain' });
  }
}
