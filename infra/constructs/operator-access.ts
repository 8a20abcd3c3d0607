import { ArnPrincipal, ManagedPolicy, PolicyStatement, Role, AccountPrincipal, type IPrincipal } from 'aws-cdk-lib/aws-iam';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { CfnOutput, Duration, Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource, nagName } from '../nag';
import type { RouteDefinition } from '../../lib/wiring/routes';

/** `-c swayOperatorTrust=<account id or principal ARN>`: who may assume the operator role (no role without it). */
export const operatorTrustContextKey = 'swayOperatorTrust';

/** The execute-api resource path of a route: path parameters match any one segment's value. */
export const executeApiPath = (route: Pick<RouteDefinition, 'path'>): string => route.path.replace(/\{[^}]+\}/g, '*');

export interface OperatorAccessProps {
  api: HttpApi;
  /** The routes API Gateway authorizes with IAM: the admin routes, opt-outs included. */
  adminRoutes: readonly RouteDefinition[];
  /** From the context key above; undefined for no role. */
  trust?: string;
}

/**
 * What an operator needs to run `sway stats`, `recompute`, `forget` and `redrive` against the
 * deployment: `execute-api:Invoke` on the admin routes and nothing else, as a managed policy to
 * attach to the operators' own users, groups or SSO permission sets, and optionally a role to assume.
 */
export class OperatorAccess extends Construct {
  public readonly policy: ManagedPolicy;
  public readonly role?: Role;

  constructor(scope: Construct, id: string, props: OperatorAccessProps) {
    super(scope, id);
    this.policy = new ManagedPolicy(this, 'Policy', {
      description: 'Sway operators: invoke the admin routes of the HTTP API (stats, recompute, runs, redrive, profiles, opt-outs), nothing else',
      statements: [
        new PolicyStatement({
          actions: ['execute-api:Invoke'],
          resources: props.adminRoutes.map((route) => props.api.arnForExecuteApi(route.method, executeApiPath(route), '$default')),
        }),
      ],
    });
    for (const route of props.adminRoutes.filter((candidate) => candidate.path.includes('{'))) {
      acknowledgeWildcardResource(
        this.policy,
        nagName(this, props.api.arnForExecuteApi(route.method, executeApiPath(route), '$default')),
        `One admin route, ${route.method} ${route.path}: each * stands for one path parameter of it, which an operator must be able to name.`,
      );
    }
    new CfnOutput(scope, 'OperatorPolicyArn', { value: this.policy.managedPolicyArn, description: 'Attach to the people who operate Sway (sway --iam)' });
    if (props.trust) {
      this.role = new Role(this, 'Role', {
        description: 'Sway operators: assume to run the admin commands of sway --iam',
        assumedBy: trustedPrincipal(props.trust),
        managedPolicies: [this.policy],
        maxSessionDuration: Duration.hours(1),
      });
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM4',
        reason: "The role's only policy is Sway's own operator policy above, a customer managed policy, not an AWS managed one.",
      });
      new CfnOutput(scope, 'OperatorRoleArn', { value: this.role.roleArn, description: 'Assume to operate Sway (sway --iam with this role in AWS_PROFILE)' });
    }
  }
}

const trustedPrincipal = (trust: string): IPrincipal => {
  if (/^\d{12}$/.test(trust)) return new AccountPrincipal(trust);
  if (/^arn:aws[a-z-]*:iam::\d{12}:(root|user\/.+|role\/.+)$/.test(trust)) return new ArnPrincipal(trust);
  throw new Error(`-c ${operatorTrustContextKey} must be an AWS account id or the ARN of an IAM user or role, not ${JSON.stringify(trust)}`);
};
