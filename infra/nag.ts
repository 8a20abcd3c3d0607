import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * How cdk-nag names `value` in a finding such as `AwsSolutions-IAM5[Resource::<name>/log/*]`, so an
 * acknowledgement names exactly that finding. `owner` is the construct the value belongs to: when
 * it is in another stack than `scope`, the value reaches `scope` as an import and cdk-nag names it
 * by the export's name (the export CDK makes for the reference anyway). Otherwise an attribute is
 * `<LogicalId.Arn>`, a reference `<LogicalId>` or a pseudo parameter `<AWS::Region>`, a join its parts joined, any other
 * intrinsic its JSON.
 */
export function nagName(scope: IConstruct, value: string, owner: IConstruct = scope): string {
  const stack = Stack.of(scope);
  const ownerStack = Stack.of(owner);
  if (ownerStack !== stack) {
    const imported = ownerStack.resolve(ownerStack.exportValue(value)) as { 'Fn::ImportValue'?: unknown };
    if (typeof imported['Fn::ImportValue'] !== 'string') throw new Error(`${owner.node.path}: the export has no name`);
    return imported['Fn::ImportValue'];
  }
  return render(stack.resolve(value));
}

const render = (resolved: unknown): string => {
  if (typeof resolved === 'string') return resolved;
  const getAtt = (resolved as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  if (getAtt) return `<${getAtt[0]}.${getAtt[1]}>`;
  const ref = (resolved as { Ref?: unknown }).Ref;
  if (typeof ref === 'string') return `<${ref}>`;
  const join = (resolved as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map(render).join(join[0]);
  return JSON.stringify(resolved);
};

/** Acknowledges cdk-nag's wildcard finding on exactly `resource` (as `nagName` names it), at `scope`, with the reason. */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
}
