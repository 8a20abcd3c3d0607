import { App, CfnElement, Stack, type AppProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { buildSwayStacks, type SwayStacks } from '../../infra/sway-app';

/** An App that synthesizes without bundling any function (no esbuild run in tests). */
export const newTestApp = (props: Omit<AppProps, 'context'> = {}): App => new App({ ...props, context: { 'aws:cdk:bundling-stacks': [] } });

export interface SwayFixture extends SwayStacks {
  app: App;
  statefulTemplate: Template;
  statelessTemplate: Template;
  webTemplate: Template;
}

/** Sway's stacks without the cdk-nag checks, so a resource test fails on its own assertion (cdk-nag.test.ts runs the checks). */
export const synthesizeSway = (): SwayFixture => {
  const app = newTestApp();
  const stacks = buildSwayStacks(app);
  return {
    app,
    ...stacks,
    statefulTemplate: Template.fromStack(stacks.stateful),
    statelessTemplate: Template.fromStack(stacks.stateless),
    webTemplate: Template.fromStack(stacks.web),
  };
};

/** The CloudFormation logical id of a CfnElement, or of an L2 construct's default child. */
export const logicalIdOf = (construct: IConstruct): string => {
  const element = construct instanceof CfnElement ? construct : construct.node.defaultChild;
  if (!(element instanceof CfnElement)) throw new Error(`${construct.node.path} has no CloudFormation element`);
  return Stack.of(element).resolve(element.logicalId) as string;
};

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, any>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export const resourcesOfType = (template: Template, type: string): Record<string, TemplateResource> =>
  template.findResources(type) as Record<string, TemplateResource>;

export const resourceById = (template: Template, logicalId: string): TemplateResource => {
  const resource = (template.toJSON().Resources as Record<string, TemplateResource>)[logicalId];
  if (!resource) throw new Error(`no resource ${logicalId} in the template`);
  return resource;
};

/** IAM statements of every policy attached to `roleLogicalId`, with single actions/resources turned into arrays. */
export const statementsOfRole = (template: Template, roleLogicalId: string): { Action: string[]; Resource: unknown[] }[] =>
  Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties!.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId })))
    .flatMap((policy) => policy.Properties!.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
    .map((statement) => ({
      Action: [statement.Action].flat(),
      Resource: [statement.Resource].flat(),
    }));

/** Loading aws-cdk-lib and synthesizing both stacks can outlast vitest's default hook timeout. */
export const synthesisTimeoutMs = 120_000;
