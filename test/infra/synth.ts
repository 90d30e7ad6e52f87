/**
 * Synthesizes the real app in memory, once per stage and bundling mode per test file, with cdk.json's context
 * (so tests use the same stage settings as `cdk synth`). Bundling runs esbuild; tests that only read the
 * templates skip it with `bundle: false`, which CDK supports through the `aws:cdk:bundling-stacks` context.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { type CspApp, createApp } from '../../lib/app.ts';

/** A synthesized app: the stacks, their templates and the cloud assembly directory. */
export interface SynthesizedApp extends CspApp {
  readonly bootstrapTemplate: Template;
  readonly mailTemplate: Template;
  readonly statefulTemplate: Template;
  readonly statelessTemplate: Template;
  readonly assemblyDirectory: string;
}

/** cdk.json's context, as the CDK CLI would pass it. */
export const CDK_JSON_CONTEXT = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

/** The fixed, fake account every test synthesizes for (cdk.json names no real one). */
export const TEST_ACCOUNT = '111111111111';

/**
 * What a deployer of the dev stage passes on the command line (cdk.json leaves them out: each deployer has
 * their own account, SES domain and alarm mailbox).
 */
export const TEST_DEV_DEPLOYER = {
  sesIdentity: 'csp-dev.ashford.gov.uk',
  senderAddress: 'Ashford CSU (dev) <no-reply@csp-dev.ashford.gov.uk>',
  alarmEmail: 'csp-dev-alerts@ashford.gov.uk',
} as const;

/** cdk.json's `stages` with the dev deployer's settings filled in. */
export const TEST_STAGES = {
  ...(CDK_JSON_CONTEXT['stages'] as Record<string, Record<string, unknown>>),
  dev: {
    ...(CDK_JSON_CONTEXT['stages'] as Record<string, Record<string, unknown>>)['dev'],
    ...TEST_DEV_DEPLOYER,
  },
};

/** Context that makes synth write cdk-nag findings to the validation report instead of throwing. */
export const REPORT_INSTEAD_OF_THROW = { '@aws-cdk/core:failSynthOnValidationErrors': false } as const;

const cache = new Map<string, SynthesizedApp>();
const outdirs: string[] = [];

/** Synthesizes (or returns the cached) app for `stage`. */
export function synthApp(stage: string, options: { bundle?: boolean } = {}): SynthesizedApp {
  const bundle = options.bundle ?? true;
  const cacheKey = `${stage}:${bundle}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;

  const outdir = newOutdir();
  const csp = createApp({
    outdir,
    context: {
      ...CDK_JSON_CONTEXT,
      ...REPORT_INSTEAD_OF_THROW,
      stages: TEST_STAGES,
      stage,
      account: TEST_ACCOUNT,
      ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  const assembly = csp.app.synth();
  const synthesized: SynthesizedApp = {
    ...csp,
    bootstrapTemplate: Template.fromStack(csp.bootstrap),
    mailTemplate: Template.fromStack(csp.mail),
    statefulTemplate: Template.fromStack(csp.stateful),
    statelessTemplate: Template.fromStack(csp.stateless),
    assemblyDirectory: assembly.directory,
  };
  cache.set(cacheKey, synthesized);
  return synthesized;
}

/**
 * The app for `stage` with some of its settings changed (not cached, functions not bundled): for tests of
 * settings cdk.json does not use, such as a custom API domain.
 */
export function synthStageWith(stage: string, overrides: Record<string, unknown>): SynthesizedApp {
  const stages = TEST_STAGES as Record<string, Record<string, unknown>>;
  const csp = createApp({
    outdir: newOutdir(),
    nag: false,
    context: {
      ...CDK_JSON_CONTEXT,
      stages: { ...stages, [stage]: { ...stages[stage], ...overrides } },
      stage,
      account: TEST_ACCOUNT,
      'aws:cdk:bundling-stacks': [],
    },
  });
  const assembly = csp.app.synth();
  return {
    ...csp,
    bootstrapTemplate: Template.fromStack(csp.bootstrap),
    mailTemplate: Template.fromStack(csp.mail),
    statefulTemplate: Template.fromStack(csp.stateful),
    statelessTemplate: Template.fromStack(csp.stateless),
    assemblyDirectory: assembly.directory,
  };
}

/** A fresh, temporary cloud assembly directory, removed by {@link removeOutdirs}. */
export function newOutdir(): string {
  const outdir = mkdtempSync(join(tmpdir(), 'csp-infra-'));
  outdirs.push(outdir);
  return outdir;
}

/** Removes the assembly directories (bundles and source maps are several MB each); call from `afterAll`. */
export function removeOutdirs(): void {
  for (const dir of outdirs.splice(0)) {
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
}

/** The logical id of a construct's CloudFormation resource, as it appears in the template. */
export function logicalId(construct: IConstruct): string {
  const element = construct.node.defaultChild as CfnElement | undefined;
  if (!element) throw new Error(`${construct.node.path} has no default CloudFormation resource`);
  return element.stack.getLogicalId(element);
}

/** `{ 'Fn::GetAtt': [id, 'Arn'] }` of a construct in the same stack. */
export function arnOf(construct: IConstruct): { 'Fn::GetAtt': [string, string] } {
  return { 'Fn::GetAtt': [logicalId(construct), 'Arn'] };
}

/** A CloudFormation resource as found in a template. */
export interface CfnResourceJson {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/** Resources of `type` by logical id. */
export function resourcesOfType(template: Template, type: string): Record<string, CfnResourceJson> {
  return template.findResources(type) as Record<string, CfnResourceJson>;
}

/** The resource with `id`, failing clearly when it is absent. */
export function resource(template: Template, id: string): CfnResourceJson {
  const found = (template.toJSON() as { Resources: Record<string, CfnResourceJson> }).Resources[id];
  if (!found) throw new Error(`No resource ${id} in the template`);
  return found;
}

/** A resource's property `name` (undefined when absent). */
export function propertyOf<T = unknown>(res: CfnResourceJson, name: string): T {
  return res.Properties?.[name] as T;
}

/** A Lambda function's environment variables. */
export function environmentOf(template: Template, fn: IConstruct): Record<string, unknown> {
  const environment = propertyOf<{ Variables?: Record<string, unknown> } | undefined>(
    resource(template, logicalId(fn)),
    'Environment',
  );
  return environment?.Variables ?? {};
}

/** An IAM policy statement as found in a template. */
export interface StatementJson {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

/** Every statement of every identity policy (inline policies and roles' `Policies`) in `template`. */
export function identityStatements(template: Template): { policyId: string; statement: StatementJson }[] {
  const found: { policyId: string; statement: StatementJson }[] = [];
  const add = (policyId: string, document: unknown) => {
    for (const statement of (document as { Statement: StatementJson[] }).Statement) {
      found.push({ policyId, statement });
    }
  };
  for (const [id, res] of Object.entries(resourcesOfType(template, 'AWS::IAM::Policy'))) {
    add(id, res.Properties?.['PolicyDocument']);
  }
  for (const [id, res] of Object.entries(resourcesOfType(template, 'AWS::IAM::ManagedPolicy'))) {
    add(id, res.Properties?.['PolicyDocument']);
  }
  for (const [id, res] of Object.entries(resourcesOfType(template, 'AWS::IAM::Role'))) {
    for (const policy of (res.Properties?.['Policies'] as { PolicyDocument: unknown }[] | undefined) ?? []) {
      add(id, policy.PolicyDocument);
    }
  }
  return found;
}

/** A statement's actions as an array. */
export function actionsOf(statement: StatementJson): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** A statement's resources as an array. */
export function resourcesOf(statement: StatementJson): unknown[] {
  if (statement.Resource === undefined) return [];
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/** `stack.resolve(value)`: a token as it is rendered in that stack's template (after synth). */
export function rendered(stack: Stack, value: unknown): unknown {
  return stack.resolve(value);
}
