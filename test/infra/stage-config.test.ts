import { App } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadStageConfig, parseStage, StageConfigError } from '../../lib/stage-config.ts';
import { CDK_JSON_CONTEXT, removeOutdirs, synthApp, TEST_ACCOUNT } from './synth.ts';

afterAll(removeOutdirs);

const stages = CDK_JSON_CONTEXT['stages'] as Record<string, Record<string, unknown>>;

/** A valid stage's settings (cdk.json's dev) with `overrides` applied. */
function devStageWith(overrides: Record<string, unknown>): Record<string, unknown> {
  return { ...stages['dev'], account: TEST_ACCOUNT, ...overrides };
}

describe('loadStageConfig', () => {
  it('loads the stage named by context from cdk.json stages', () => {
    const app = new App({ context: { ...CDK_JSON_CONTEXT, stage: 'prod', account: TEST_ACCOUNT } });

    const stage = loadStageConfig(app.node);

    expect(stage.name).toBe('prod');
    expect(stage).toMatchObject({ account: TEST_ACCOUNT, region: 'eu-west-2' });
    expect(stage.sesIdentity).toBe(stages['prod']?.['sesIdentity']);
    expect(stage.allowedOrigins).toEqual(stages['prod']?.['allowedOrigins']);
  });

  it('names the known stages when the selected one is missing', () => {
    const app = new App({ context: { ...CDK_JSON_CONTEXT, stage: 'staging' } });

    expect(() => loadStageConfig(app.node)).toThrow(/Stage "staging" is not in context "stages".*dev, prod/);
  });

  it('fails with one line naming the account when cdk.json and the command line give none', () => {
    const app = new App({ context: { ...CDK_JSON_CONTEXT, stage: 'dev' } });

    expect(() => loadStageConfig(app.node)).toThrow(
      /^stages\.dev\.account must be the 12-digit AWS account to deploy to \(in cdk\.json, or -c account=\.\.\.\), got undefined$/,
    );
  });

  it('takes the account and region from the command line over the stage’s', () => {
    const app = new App({
      context: { ...CDK_JSON_CONTEXT, stage: 'dev', account: '222222222222', region: 'eu-west-1' },
    });

    expect(loadStageConfig(app.node)).toMatchObject({ account: '222222222222', region: 'eu-west-1' });
  });

  it('fails clearly without a stages map', () => {
    const app = new App({ context: { stage: 'dev' } });

    expect(() => loadStageConfig(app.node)).toThrow(StageConfigError);
  });
});

describe('parseStage', () => {
  it.each([
    [{ alarmEmail: undefined }, /stages\.dev\.alarmEmail must be a non-empty string/],
    [{ account: '12345' }, /stages\.dev\.account must be the 12-digit AWS account/],
    [{ account: 12345678901 }, /stages\.dev\.account must be the 12-digit AWS account/],
    [{ region: undefined }, /stages\.dev\.region must be an AWS region such as eu-west-2/],
    [{ region: 'London' }, /stages\.dev\.region must be an AWS region/],
    [{ alarmEmail: 'not-an-email' }, /alarmEmail must be an email address/],
    [{ allowedOrigins: [] }, /allowedOrigins must be a non-empty array/],
    [{ allowedOrigins: ['https://example.org/path'] }, /allowedOrigins\[0\] must be an origin/],
    [{ enquiryRetentionDays: 0 }, /enquiryRetentionDays must be a positive integer/],
    [{ logRetentionDays: 31 }, /logRetentionDays must be one of/],
    [{ senderAddress: 'CSU <no-reply@elsewhere.example>' }, /senderAddress must be an address at/],
    [{ statusPageBaseUrl: 'http://www.ashford.gov.uk/report' }, /statusPageBaseUrl must be an https URL/],
    [
      { statusPageBaseUrl: 'https://www.ashford.gov.uk/report?x=1' },
      /statusPageBaseUrl must be an https URL/,
    ],
    [{ statusPageBaseUrl: 'not a url' }, /statusPageBaseUrl must be an https URL/],
  ])('rejects %o', (overrides, message) => {
    expect(() => parseStage('dev', devStageWith(overrides))).toThrow(message);
  });

  it('takes an optional status page base URL, absent unless set', () => {
    const council = parseStage(
      'dev',
      devStageWith({ statusPageBaseUrl: 'https://www.ashford.gov.uk/report' }),
    );
    const own = parseStage('dev', devStageWith({}));

    expect(council.statusPageBaseUrl).toBe('https://www.ashford.gov.uk/report');
    expect(own.statusPageBaseUrl).toBeUndefined();
  });
});

describe('the synthesized stacks', () => {
  it.each(['dev', 'prod'])('%s is pinned to the stage’s account and region, never the CLI’s', (name) => {
    const { stateful, stateless, statefulTemplate, statelessTemplate } = synthApp(name, { bundle: false });

    for (const stack of [stateful, stateless]) {
      expect(stack.account).toBe(TEST_ACCOUNT);
      expect(stack.region).toBe('eu-west-2');
    }
    const templates = JSON.stringify([statefulTemplate.toJSON(), statelessTemplate.toJSON()]);
    expect(templates).not.toMatch(/us-east-1/);
    expect(templates).toContain(`arn:aws:events:eu-west-2:${TEST_ACCOUNT}:event-bus/default`);
  });
});
