/**
 * cdk-nag 3 runs as a CDK policy-validation plugin: its findings are not annotations but entries of the cloud
 * assembly's validation report, with acknowledged (suppressed) findings already removed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { newOutdir, REPORT_INSTEAD_OF_THROW, removeOutdirs, synthApp } from './synth.ts';

afterAll(removeOutdirs);

interface ValidationReport {
  readonly pluginReports: {
    readonly pluginName: string;
    readonly violations: {
      readonly ruleName: string;
      readonly severity: string;
      readonly violatingConstructs: { readonly constructPath: string }[];
    }[];
  }[];
}

/** Findings of the assembly's validation report, as `severity rule at path` lines for a readable failure. */
function findings(assemblyDirectory: string): string[] {
  const file = join(assemblyDirectory, 'validation-report.json');
  // No report would mean no plugin ran; fail rather than pass vacuously.
  expect(existsSync(file), `${file} exists`).toBe(true);
  const report = JSON.parse(readFileSync(file, 'utf8')) as ValidationReport;
  return report.pluginReports.flatMap((plugin) =>
    plugin.violations.flatMap((v) =>
      v.violatingConstructs.map((c) => `${v.severity} ${v.ruleName} at ${c.constructPath}`),
    ),
  );
}

describe('cdk-nag AwsSolutions checks', () => {
  it('reports what it finds in the validation report (canary)', () => {
    const app = new App({ outdir: newOutdir(), context: REPORT_INSTEAD_OF_THROW });
    new Queue(new Stack(app, 'Canary'), 'Unencrypted', { encryption: undefined, enforceSSL: false });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    const assembly = app.synth();

    expect(findings(assembly.directory)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^error AwsSolutions-SQS4 at Canary\/Unencrypted/)]),
    );
  });

  describe.each(['dev', 'prod'])('%s', (stageName) => {
    const { app, bootstrap, mail, stateful, stateless, assemblyDirectory } = synthApp(stageName, {
      bundle: false,
    });

    it("has no unacknowledged errors or warnings (cdk-nag, and CDK's CloudFormation validation)", () => {
      expect(findings(assemblyDirectory)).toEqual([]);
    });

    it('has no error or warning annotations on the stacks', () => {
      for (const stack of [bootstrap, mail, stateful, stateless]) {
        expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
        expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
      }
    });

    it('acknowledges findings below stack level only, each with a reason', () => {
      const acknowledgements = app.node.findAll().flatMap((construct: IConstruct) =>
        construct.node.metadata
          .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
          .map(([id, reason]) => ({ construct, id, reason })),
      );

      expect(acknowledgements.length).toBeGreaterThan(0);
      for (const { construct, id, reason } of acknowledgements) {
        expect(construct === app || Stack.isStack(construct), `${id} at ${construct.node.path}`).toBe(false);
        expect(reason.length, `${id} at ${construct.node.path}`).toBeGreaterThan(30);
      }
    });
  });
});
