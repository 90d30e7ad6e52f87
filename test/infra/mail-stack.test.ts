/**
 * The SES identity lives in its own stack, deployed and verified before the staff pool that sends as it:
 * Cognito refuses to create a pool with an unverified SES sender, so both in one deploy fails from an empty
 * account.
 */
import type { Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { logicalId, removeOutdirs, resource, resourcesOfType, synthApp } from './synth.ts';

afterAll(removeOutdirs);

/** True when `stack` is deployed after `other`, directly or through the stacks it depends on. */
function deploysAfter(stack: Stack, other: Stack): boolean {
  return stack.dependencies.some((dependency) => dependency === other || deploysAfter(dependency, other));
}

describe.each(['dev', 'prod'])('%s', (stageName) => {
  const csp = synthApp(stageName, { bundle: false });
  const stacks: [Stack, Template][] = [
    [csp.bootstrap, csp.bootstrapTemplate],
    [csp.mail, csp.mailTemplate],
    [csp.stateful, csp.statefulTemplate],
    [csp.stateless, csp.statelessTemplate],
  ];

  it('never creates a user pool in the deploy that creates the SES identity it sends as: that stack deploys first', () => {
    const sesPools = stacks.flatMap(([stack, template]) =>
      Object.values(resourcesOfType(template, 'AWS::Cognito::UserPool'))
        .map((pool) => pool.Properties?.['EmailConfiguration'] as Record<string, unknown> | undefined)
        .filter((email) => email?.['EmailSendingAccount'] === 'DEVELOPER')
        .map((email) => ({ stack, sourceArn: JSON.stringify(email?.['SourceArn']) })),
    );

    expect(sesPools).toHaveLength(1);
    for (const { stack, sourceArn } of sesPools) {
      const domain = /:identity\/([a-z0-9.-]+)/.exec(sourceArn)?.[1];
      const owners = stacks.filter(([, template]) =>
        Object.values(resourcesOfType(template, 'AWS::SES::EmailIdentity')).some(
          (identity) => identity.Properties?.['EmailIdentity'] === domain,
        ),
      );

      expect(domain).toBe(csp.stage.sesIdentity);
      expect(owners).toHaveLength(1);
      const [owner] = owners[0] ?? [];
      expect(owner?.stackName).not.toBe(stack.stackName);
      expect(owner && deploysAfter(stack, owner)).toBe(true);
    }
  });

  it("verifies the stage's SES domain by DKIM, with a TLS-only configuration set as its default", () => {
    const identity = resource(csp.mailTemplate, logicalId(csp.mail.emailIdentity));

    expect(identity.Properties).toMatchObject({
      EmailIdentity: csp.stage.sesIdentity,
      ConfigurationSetAttributes: {
        ConfigurationSetName: { Ref: logicalId(csp.mail.configurationSet) },
      },
    });
    csp.mailTemplate.hasResourceProperties('AWS::SES::ConfigurationSet', {
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
    });
    // Every email sent as the identity reports its delivery through that same set (to EventBridge).
    csp.mailTemplate.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: logicalId(csp.mail.configurationSet) },
    });
  });

  it('outputs the three DKIM records to publish before the rest is deployed', () => {
    const outputs = csp.mailTemplate.toJSON().Outputs as Record<string, { Value: unknown }>;
    const dkim = Object.entries(outputs).filter(([name]) => name.startsWith('DkimRecord'));
    const identityId = logicalId(csp.mail.emailIdentity);

    expect(dkim).toHaveLength(3);
    for (const [i, n] of [1, 2, 3].entries()) {
      const value = JSON.stringify(dkim[i]?.[1].Value);
      expect(value).toContain(`["${identityId}","DkimDNSTokenName${n}"]`);
      expect(value).toContain(`["${identityId}","DkimDNSTokenValue${n}"]`);
    }
  });

  it('keeps the mail stack, like the stateful one, from being deleted by accident outside dev', () => {
    expect(csp.mail.terminationProtection).toBe(stageName !== 'dev');
  });
});
