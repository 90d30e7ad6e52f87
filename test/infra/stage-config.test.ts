import { App } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { isReservedDomain, loadStageConfig, parseStage, StageConfigError } from '../../lib/stage-config.ts';
import {
  CDK_JSON_CONTEXT,
  removeOutdirs,
  synthApp,
  TEST_ACCOUNT,
  TEST_DEV_DEPLOYER,
  TEST_STAGES,
} from './synth.ts';

afterAll(removeOutdirs);

const stages = CDK_JSON_CONTEXT['stages'] as Record<string, Record<string, unknown>>;

/** A valid stage's settings (cdk.json's dev) with `overrides` applied. */
function devStageWith(overrides: Record<string, unknown>): Record<string, unknown> {
  return { ...stages['dev'], account: TEST_ACCOUNT, ...TEST_DEV_DEPLOYER, ...overrides };
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

  it('takes the account, region, SES domain, sender and alarm email from the command line over the stage’s', () => {
    const app = new App({
      context: {
        ...CDK_JSON_CONTEXT,
        stage: 'prod',
        account: '222222222222',
        region: 'eu-west-1',
        sesIdentity: 'csp.kent.gov.uk',
        senderAddress: 'Kent CSU <no-reply@csp.kent.gov.uk>',
        alarmEmail: 'ops@kent.gov.uk',
      },
    });

    expect(loadStageConfig(app.node)).toMatchObject({
      account: '222222222222',
      region: 'eu-west-1',
      sesIdentity: 'csp.kent.gov.uk',
      senderAddress: 'Kent CSU <no-reply@csp.kent.gov.uk>',
      alarmEmail: 'ops@kent.gov.uk',
    });
  });

  it('fails with one line asking for an SES domain when the dev stage has none, as cdk.json leaves it', () => {
    const app = new App({ context: { ...CDK_JSON_CONTEXT, stage: 'dev', account: TEST_ACCOUNT } });

    expect(() => loadStageConfig(app.node)).toThrow(
      /^stages\.dev\.sesIdentity must be the domain SES sends from, one you can verify \(in cdk\.json, or -c sesIdentity=\.\.\.\)$/,
    );
  });

  it('synthesizes dev once the deployer supplies account, SES domain, sender and alarm email', () => {
    const app = new App({
      context: { ...CDK_JSON_CONTEXT, stage: 'dev', account: TEST_ACCOUNT, ...TEST_DEV_DEPLOYER },
    });

    expect(loadStageConfig(app.node)).toMatchObject({ name: 'dev', ...TEST_DEV_DEPLOYER });
    expect(TEST_STAGES.dev).toMatchObject(TEST_DEV_DEPLOYER);
  });

  it('fails clearly without a stages map', () => {
    const app = new App({ context: { stage: 'dev' } });

    expect(() => loadStageConfig(app.node)).toThrow(StageConfigError);
  });
});

describe('parseStage', () => {
  it.each([
    [
      { alarmEmail: undefined },
      /stages\.dev\.alarmEmail must be an email address \(in cdk\.json, or -c alarmEmail=/,
    ],
    [
      { alarmEmail: 'alerts@ashford.example.org' },
      /alarmEmail is at ashford\.example\.org, a reserved domain/,
    ],
    [
      { sesIdentity: 'csp.example.org', senderAddress: 'CSU <a@csp.example.org>' },
      /sesIdentity is at csp\.example\.org, a reserved domain/,
    ],
    [
      { sesIdentity: 'csp.test', senderAddress: 'CSU <a@csp.test>' },
      /sesIdentity is at csp\.test, a reserved domain/,
    ],
    [{ sesIdentity: 'not a domain' }, /sesIdentity must be a domain name/],
    [{ senderAddress: undefined }, /senderAddress must be the From address of every email/],
    [{ apiDomain: { name: 'api.csp.example.org' } }, /apiDomain\.name must be a domain name you own/],
    [
      { apiDomain: { name: 'api.csp.ashford.gov.uk', certificateArn: 'arn:aws:iam::1:x' } },
      /apiDomain\.certificateArn must be an ACM certificate ARN/,
    ],
    [{ backup: undefined }, /backup\.retentionDays must be a whole number of days/],
    [{ backup: { retentionDays: 0 } }, /backup\.retentionDays must be a whole number of days/],
    [
      { backup: { retentionDays: 7, copyToVaultArn: 'vault' } },
      /backup\.copyToVaultArn must be an AWS Backup vault ARN/,
    ],
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
    [{ partnershipFile: undefined }, /stages\.dev\.partnershipFile/],
    [{ partnershipFile: 'partnerships/missing.json' }, /partnershipFile: .*missing\.json .*cannot be read/],
    // A file that is not a partnership (no id, profile or categories): synth stops before anything is deployed;
    // the full schema is checked when the file is seeded (npm run seed), which synth does not load.
    [{ partnershipFile: 'package.json' }, /partnershipFile: .*package\.json is not a valid partnership file/],
    [{ staffSignIn: 'csp-staff' }, /stages\.dev\.staffSignIn must be an object/],
    ...['', 'Ashford', 'ashford_csp', '-ashford', 'ashford-', 'a'.repeat(64), 42].map((domainPrefix) => [
      { staffSignIn: { domainPrefix } },
      /^stages\.dev\.staffSignIn\.domainPrefix must be 1-63 lower-case letters, digits and hyphens/,
    ]),
    // Cognito refuses these words anywhere in a prefix.
    ...['aws', 'amazon', 'cognito'].map((word) => [
      { staffSignIn: { domainPrefix: `ashford-${word}-staff` } },
      new RegExp(`^stages\\.dev\\.staffSignIn\\.domainPrefix must not contain "${word}"`),
    ]),
  ] as [Record<string, unknown>, RegExp][])('rejects %o', (overrides, message) => {
    expect(() => parseStage('dev', devStageWith(overrides))).toThrow(message);
  });

  it('serves the partnership its file names, by the id inside it', () => {
    const stage = parseStage('dev', devStageWith({ partnershipFile: 'partnerships/northmere.json' }));

    expect(stage).toMatchObject({
      partnershipFile: 'partnerships/northmere.json',
      partnershipId: 'northmere',
    });
    expect(parseStage('dev', devStageWith({})).partnershipId).toBe('ashford');
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

  it('takes an optional API domain with an optional certificate, and a backup copy vault', () => {
    const certificateArn =
      'arn:aws:acm:eu-west-2:111111111111:certificate/0f0e0d0c-0b0a-0908-0706-050403020100';
    const copyToVaultArn = 'arn:aws:backup:eu-west-1:222222222222:backup-vault:csp-copies';
    const stage = parseStage(
      'dev',
      devStageWith({
        apiDomain: { name: 'api.csp.ashford.gov.uk', certificateArn },
        backup: { retentionDays: 35, copyToVaultArn },
      }),
    );

    expect(stage.apiDomain).toEqual({ name: 'api.csp.ashford.gov.uk', certificateArn });
    expect(stage.backup).toEqual({ retentionDays: 35, copyToVaultArn });
    expect(parseStage('dev', devStageWith({})).apiDomain).toBeUndefined();
  });

  it('gives staff a sign-in domain prefix of csp-<stage>-<partnership> unless the stage sets one', () => {
    const own = parseStage('dev', devStageWith({ staffSignIn: { domainPrefix: 'ashford-csp-staff' } }));
    const longest = parseStage('dev', devStageWith({ staffSignIn: { domainPrefix: 'a'.repeat(63) } }));
    const shortest = parseStage('dev', devStageWith({ staffSignIn: { domainPrefix: 'a' } }));

    expect(parseStage('dev', devStageWith({})).staffSignIn).toEqual({ domainPrefix: 'csp-dev-ashford' });
    expect(parseStage('prod', devStageWith({})).staffSignIn).toEqual({ domainPrefix: 'csp-prod-ashford' });
    expect(own.staffSignIn).toEqual({ domainPrefix: 'ashford-csp-staff' });
    expect(longest.staffSignIn.domainPrefix).toHaveLength(63);
    expect(shortest.staffSignIn.domainPrefix).toBe('a');
  });

  it('checks the default prefix too, and says which key to set when Cognito would refuse it', () => {
    expect(() => parseStage('aws', devStageWith({}))).toThrow(
      /^stages\.aws\.staffSignIn\.domainPrefix must not contain "aws" .*got "csp-aws-ashford" \(the default, .*set stages\.aws\.staffSignIn\.domainPrefix\)$/,
    );
  });

  it.each([
    ['example.org', true],
    ['csp.example.com', true],
    ['mail.example', true],
    ['host.localhost', true],
    ['x.invalid', true],
    ['ashford.gov.uk', false],
    ['example.gov.uk', false],
    ['myexample.org', false],
  ])('knows %s is reserved: %s', (domain, reserved) => {
    expect(isReservedDomain(domain)).toBe(reserved);
  });
});

describe('the synthesized stacks', () => {
  it.each(['dev', 'prod'])('%s is pinned to the stage’s account and region, never the CLI’s', (name) => {
    const { bootstrap, mail, stateful, stateless } = synthApp(name, { bundle: false });
    const { bootstrapTemplate, mailTemplate, statefulTemplate, statelessTemplate } = synthApp(name, {
      bundle: false,
    });

    for (const stack of [bootstrap, mail, stateful, stateless]) {
      expect(stack.account).toBe(TEST_ACCOUNT);
      expect(stack.region).toBe('eu-west-2');
    }
    const templates = JSON.stringify(
      [bootstrapTemplate, mailTemplate, statefulTemplate, statelessTemplate].map((t) => t.toJSON()),
    );
    expect(templates).not.toMatch(/us-east-1/);
    expect(templates).toContain(`arn:aws:events:eu-west-2:${TEST_ACCOUNT}:event-bus/default`);
  });
});
