/** `-c swayStage=dev`: a development copy beside production, apart in every name, cheaper to keep and to remove. */
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { stageContextKey } from '../../infra/stage';
import { buildSwayStacks } from '../../infra/sway-app';
import { logicalIdOf, newTestApp, resourceById, resourcesOfType, synthesisTimeoutMs, type TemplateResource } from './sway-app-fixture';

const synthesize = (stage?: string) => {
  const app: App = newTestApp();
  if (stage !== undefined) app.node.setContext(stageContextKey, stage);
  const stacks = buildSwayStacks(app);
  return { ...stacks, templates: [stacks.stateful, stacks.stateless, stacks.web, stacks.monitoring].map((stack) => Template.fromStack(stack)) };
};

let prod: ReturnType<typeof synthesize>;
let dev: ReturnType<typeof synthesize>;
beforeAll(() => {
  prod = synthesize();
  dev = synthesize('dev');
}, synthesisTimeoutMs);

const secretNamesOf = (world: ReturnType<typeof synthesize>) =>
  Object.values(resourcesOfType(world.templates[0]!, 'AWS::SecretsManager::Secret')).map((secret) => String(secret.Properties!.Name));
const logRetentions = (world: ReturnType<typeof synthesize>) =>
  new Set(
    world.templates.flatMap((template) =>
      Object.values(resourcesOfType(template, 'AWS::Logs::LogGroup')).map((group: TemplateResource) => group.Properties!.RetentionInDays as number),
    ),
  );

describe('stages', () => {
  it('is production without the context key: the stack names, secret names and alarms as deployed so far', () => {
    expect([prod.stateful, prod.stateless, prod.web, prod.monitoring].map((stack) => stack.stackName)).toEqual([
      'SwayStateful',
      'SwayStateless',
      'SwayWeb',
      'SwayMonitoring',
    ]);
    expect(secretNamesOf(prod).every((name) => name.startsWith('sway/'))).toBe(true);
    const table = resourceById(prod.templates[0]!, logicalIdOf(prod.stateful.tables[0]!.table));
    expect(table.Properties!.DeletionProtectionEnabled).toBe(true);
    expect(table.DeletionPolicy).toBe('Retain');
    expect([...logRetentions(prod)]).toEqual([90]);
  });

  it('names every stack, secret, alarm and dashboard of dev apart, so both live in one account', () => {
    expect([dev.stateful, dev.stateless, dev.web, dev.monitoring].map((stack) => stack.stackName)).toEqual([
      'SwayDevStateful',
      'SwayDevStateless',
      'SwayDevWeb',
      'SwayDevMonitoring',
    ]);
    const names = secretNamesOf(dev);
    expect(names.length).toBe(secretNamesOf(prod).length);
    expect(names.every((name) => name.startsWith('sway-dev/'))).toBe(true);
    const alarms = Object.values(resourcesOfType(dev.templates[3]!, 'AWS::CloudWatch::Alarm')).map((alarm) => String(alarm.Properties!.AlarmName));
    expect(alarms.length).toBeGreaterThan(0);
    expect(alarms.every((name) => name.startsWith('SwayDev-'))).toBe(true);
    const dashboards = Object.values(resourcesOfType(dev.templates[3]!, 'AWS::CloudWatch::Dashboard')).map((dashboard) =>
      String(dashboard.Properties!.DashboardName),
    );
    expect(dashboards).toEqual([expect.stringMatching(/^SwayDev/)]);
  });

  it('keeps dev logs a week, and removes its table and secrets with its stack', () => {
    expect([...logRetentions(dev)]).toEqual([7]);
    const table = resourceById(dev.templates[0]!, logicalIdOf(dev.stateful.tables[0]!.table));
    expect(table.Properties!.DeletionProtectionEnabled).toBe(false);
    expect(table.DeletionPolicy).toBe('Delete');
    for (const secret of Object.values(resourcesOfType(dev.templates[0]!, 'AWS::SecretsManager::Secret'))) expect(secret.DeletionPolicy).toBe('Delete');
  });

  it('refuses a stage it does not know', () => {
    expect(() => synthesize('staging')).toThrow(/must be dev or prod/);
  });
});
