import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { loadStageConfig, parseStage, StageConfigError } from '../../lib/stage-config.ts';
import { CDK_JSON_CONTEXT } from './synth.ts';

const stages = CDK_JSON_CONTEXT['stages'] as Record<string, Record<string, unknown>>;

/** A valid stage's settings (cdk.json's dev) with `overrides` applied. */
function devStageWith(overrides: Record<string, unknown>): Record<string, unknown> {
  return { ...stages['dev'], ...overrides };
}

describe('loadStageConfig', () => {
  it('loads the stage named by context from cdk.json stages', () => {
    const app = new App({ context: { ...CDK_JSON_CONTEXT, stage: 'prod' } });

    const stage = loadStageConfig(app.node);

    expect(stage.name).toBe('prod');
    expect(stage.sesIdentity).toBe(stages['prod']?.['sesIdentity']);
    expect(stage.allowedOrigins).toEqual(stages['prod']?.['allowedOrigins']);
  });

  it('names the known stages when the selected one is missing', () => {
    const app = new App({ context: { ...CDK_JSON_CONTEXT, stage: 'staging' } });

    expect(() => loadStageConfig(app.node)).toThrow(/Stage "staging" is not in context "stages".*dev, prod/);
  });

  it('fails clearly without a stages map', () => {
    const app = new App({ context: { stage: 'dev' } });

    expect(() => loadStageConfig(app.node)).toThrow(StageConfigError);
  });
});

describe('parseStage', () => {
  it.each([
    [{ alarmEmail: undefined }, /stages\.dev\.alarmEmail must be a non-empty string/],
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
