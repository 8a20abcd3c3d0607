import { SecretValue, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { beforeAll, describe, expect, it } from 'vitest';
import { env, secretArnEnvVar, type SecretName } from '../../lib/wiring/config';
import { secretEnvVars } from '../../lib/wiring/secret-variables';
import { logicalIdOf, newTestApp, resourcesOfType, synthesisTimeoutMs, synthesizeSway, type SwayFixture } from './sway-app-fixture';

/** Variables that carry secret material locally and must never be set in AWS. */
const secretVariableNames = new Set<string>([...Object.values(secretEnvVars), env.adminToken, env.apiKeys]);

/**
 * Ways secret material can end up in a Lambda environment: a variable named like a secret, a
 * Secrets Manager dynamic reference (what `secret.secretValue` renders to), or the literal value
 * of a secret that the template sets itself.
 */
const plainSecretFindings = (template: Template): string[] => {
  const literalSecretValues = Object.values(resourcesOfType(template, 'AWS::SecretsManager::Secret'))
    .map((secret) => secret.Properties?.SecretString)
    .filter((value): value is string => typeof value === 'string' && value.length > 0);
  const findings: string[] = [];
  for (const [logicalId, fn] of Object.entries(resourcesOfType(template, 'AWS::Lambda::Function'))) {
    const variables = (fn.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>;
    for (const [name, value] of Object.entries(variables)) {
      const rendered = JSON.stringify(value);
      if (/^SWAY_SECRET_/.test(name) || secretVariableNames.has(name)) findings.push(`${logicalId}: variable ${name}`);
      if (/resolve:secretsmanager/i.test(rendered)) findings.push(`${logicalId}: ${name} resolves a secret value`);
      if (literalSecretValues.some((secret) => rendered.includes(secret))) findings.push(`${logicalId}: ${name} holds a secret literal`);
    }
  }
  return findings;
};

let sway: SwayFixture;
beforeAll(() => {
  sway = synthesizeSway();
}, synthesisTimeoutMs);

describe('no plain secrets', () => {
  it('finds no secret material in any Lambda environment', () => {
    expect(Object.keys(resourcesOfType(sway.statelessTemplate, 'AWS::Lambda::Function')).length).toBeGreaterThan(0);
    expect(plainSecretFindings(sway.statelessTemplate)).toEqual([]);
  });

  it('passes only the ARNs of the webhook secrets, as references to the secrets', () => {
    let passed = 0;
    for (const fn of Object.values(resourcesOfType(sway.statelessTemplate, 'AWS::Lambda::Function'))) {
      const variables = fn.Properties!.Environment.Variables as Record<string, unknown>;
      for (const name of Object.keys(secretEnvVars) as SecretName[]) {
        if (variables[secretArnEnvVar(name)] === undefined) continue;
        passed++;
        expect(JSON.stringify(variables[secretArnEnvVar(name)])).toMatch(
          new RegExp(`^\\{"Fn::ImportValue":"SwayStateful:ExportsOutputRef${name[0]!.toUpperCase()}${name.slice(1)}Secret`),
        );
      }
    }
    expect(passed).toBeGreaterThanOrEqual(Object.keys(secretEnvVars).length);
  });

  it('never renders a secret value anywhere in either template', () => {
    for (const template of [sway.statefulTemplate, sway.statelessTemplate]) {
      expect(JSON.stringify(template.toJSON())).not.toMatch(/resolve:secretsmanager/i);
    }
    const apiKeysId = logicalIdOf(sway.stateful.apiKeys);
    const operatorFilledIds = (Object.keys(secretEnvVars) as SecretName[])
      .filter((name) => name !== 'generic')
      .map((name) => logicalIdOf(sway.stateful.webhookSecrets[name]!));
    for (const [logicalId, secret] of Object.entries(resourcesOfType(sway.statefulTemplate, 'AWS::SecretsManager::Secret'))) {
      // The API keys start as an empty list (lookups open), the networks' secrets empty (not configured): shapes for the operator, no value.
      if (logicalId === apiKeysId) expect(JSON.parse(secret.Properties!.SecretString as string)).toEqual({ keys: '' });
      else if (operatorFilledIds.includes(logicalId)) expect(JSON.parse(secret.Properties!.SecretString as string)).toEqual({ current: '', previous: '' });
      else expect(secret.Properties!.SecretString).toBeUndefined();
    }
  });

  it('would catch a secret value or a secret-named variable in a function environment', () => {
    const stack = new Stack(newTestApp(), 'LeakyStack');
    const generated = new secretsmanager.Secret(stack, 'Generated');
    new secretsmanager.Secret(stack, 'Literal', { secretStringValue: SecretValue.unsafePlainText('literal-webhook-secret') });
    new lambda.Function(stack, 'Leaky', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
      environment: {
        SWAY_SECRET_GENERIC: 'not-so-secret',
        WEBHOOK_KEY: generated.secretValueFromJson('generic').unsafeUnwrap(),
        SLACK_SIGNING: 'literal-webhook-secret',
      },
    });
    const findings = plainSecretFindings(Template.fromStack(stack));
    expect(findings).toContainEqual(expect.stringMatching(/variable SWAY_SECRET_GENERIC$/));
    expect(findings).toContainEqual(expect.stringMatching(/WEBHOOK_KEY resolves a secret value$/));
    expect(findings).toContainEqual(expect.stringMatching(/SLACK_SIGNING holds a secret literal$/));
  });
});
