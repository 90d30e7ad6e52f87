import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { TABLE_SCHEMA } from '../../functions/adapters/table-keys.ts';
import {
  actionsOf,
  arnOf,
  logicalId,
  propertyOf,
  removeOutdirs,
  resource,
  type StatementJson,
  synthApp,
  synthStageWith,
} from './synth.ts';

afterAll(removeOutdirs);

/** What uses the key's material, or hands that use on: never an administrator's, only a data service's. */
const KEY_USE = [
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:CreateGrant',
];

/** True when the policy action `pattern` (which may hold `*` and `?`) covers `action`, as IAM matches them. */
function allows(pattern: string, action: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i').test(action);
}

describe('StatefulStack', () => {
  const dev = synthApp('dev', { bundle: false });
  const prod = synthApp('prod', { bundle: false });

  describe.each([
    ['dev', dev],
    ['prod', prod],
  ])('table (%s)', (_, { stateful, statefulTemplate }) => {
    const table = resource(statefulTemplate, logicalId(stateful.table));

    it('is encrypted with the customer-managed key, which rotates', () => {
      expect(table.Properties?.['SSESpecification']).toEqual({
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: arnOf(stateful.key),
      });
      expect(resource(statefulTemplate, logicalId(stateful.key)).Properties?.['EnableKeyRotation']).toBe(
        true,
      );
    });

    it('has point-in-time recovery', () => {
      expect(table.Properties?.['PointInTimeRecoverySpecification']).toEqual({
        PointInTimeRecoveryEnabled: true,
      });
    });

    it('expires items by the TTL attribute the adapters write', () => {
      expect(table.Properties?.['TimeToLiveSpecification']).toEqual({
        AttributeName: TABLE_SCHEMA.ttlAttribute,
        Enabled: true,
      });
    });

    it('has the keys and indexes of TABLE_SCHEMA (the subject indexes keys only), billed per request', () => {
      expect(table.Properties?.['BillingMode']).toBe('PAY_PER_REQUEST');
      expect(table.Properties?.['KeySchema']).toEqual([
        { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
      ]);
      const indexes = [
        { index: TABLE_SCHEMA.byStatusIndex, projection: 'ALL' },
        { index: TABLE_SCHEMA.outboxIndex, projection: 'ALL' },
        // A person's enquiries are found by keyed hash; nothing they sent is copied into these indexes.
        { index: TABLE_SCHEMA.subjectEmail, projection: 'KEYS_ONLY' },
        { index: TABLE_SCHEMA.subjectPhone, projection: 'KEYS_ONLY' },
      ].map(({ index, projection }) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: projection },
      }));
      expect(table.Properties?.['GlobalSecondaryIndexes']).toEqual(indexes);
    });
  });

  it.each([
    ['dev', dev],
    ['prod', prod],
  ])(
    'backs the %s table up daily to a vault encrypted with the data key, kept for the stage’s days',
    (_, app) => {
      const { stage, stateful, statefulTemplate } = app;
      const plan = resource(statefulTemplate, logicalId(stateful.backupPlan));
      const vault = resource(statefulTemplate, logicalId(stateful.backupVault));
      const [selection] = Object.values(statefulTemplate.findResources('AWS::Backup::BackupSelection')) as {
        Properties: { BackupSelection: { Resources: unknown[] } };
      }[];
      const [rule] = propertyOf<{ BackupPlanRule: Record<string, unknown>[] }>(
        plan,
        'BackupPlan',
      ).BackupPlanRule;

      expect(rule).toMatchObject({
        ScheduleExpression: 'cron(0 3 * * ? *)',
        Lifecycle: { DeleteAfterDays: stage.backup.retentionDays },
      });
      expect(rule?.['CopyActions']).toBeUndefined();
      expect(vault.Properties?.['EncryptionKeyArn']).toEqual(arnOf(stateful.key));
      expect(selection?.Properties.BackupSelection.Resources).toEqual([arnOf(stateful.table)]);
      expect(vault.DeletionPolicy).toBe(stage.name === 'prod' ? 'Retain' : 'Delete');
    },
  );

  it('copies each recovery point to the vault in another account when the stage names one', () => {
    const copyToVaultArn = 'arn:aws:backup:eu-west-1:222222222222:backup-vault:csp-copies';
    const { stateful, statefulTemplate } = synthStageWith('prod', {
      backup: { retentionDays: 35, copyToVaultArn },
    });
    const plan = resource(statefulTemplate, logicalId(stateful.backupPlan));
    const [rule] = propertyOf<{ BackupPlanRule: Record<string, unknown>[] }>(
      plan,
      'BackupPlan',
    ).BackupPlanRule;

    expect(rule?.['CopyActions']).toEqual([
      { DestinationBackupVaultArn: copyToVaultArn, Lifecycle: { DeleteAfterDays: 35 } },
    ]);
  });

  it('lets the account administer the data key but use it only through DynamoDB, Secrets Manager and Backup', () => {
    const policy = propertyOf<{ Statement: StatementJson[] }>(
      resource(prod.statefulTemplate, logicalId(prod.stateful.key)),
      'KeyPolicy',
    );
    const accountStatements = policy.Statement.filter((st) => JSON.stringify(st.Principal).includes(':root'));

    expect(policy.Statement.flatMap(actionsOf)).not.toContain('kms:*');
    expect(accountStatements.length).toBeGreaterThan(1);
    for (const statement of accountStatements) {
      const usesKey = actionsOf(statement).some((action) => KEY_USE.some((use) => allows(action, use)));
      const viaService = JSON.stringify(statement.Condition ?? {}).includes('kms:ViaService');
      // Administration without use, or use only on behalf of a data service.
      expect(usesKey ? viaService : true, JSON.stringify(statement)).toBe(true);
    }
    const administration = accountStatements.find((st) => actionsOf(st).includes('kms:ScheduleKeyDeletion'));
    expect(administration).toBeDefined();
    // Wildcards expanded: `kms:Create*` would grant CreateGrant, and with it Decrypt to anyone.
    for (const use of KEY_USE) {
      expect(
        actionsOf(administration as StatementJson).filter((action) => allows(action, use)),
        use,
      ).toEqual([]);
    }
    expect(administration?.Condition).toBeUndefined();
  });

  it('protects the prod table from deletion and keeps it when the stack goes', () => {
    const table = resource(prod.statefulTemplate, logicalId(prod.stateful.table));

    expect(table.Properties?.['DeletionProtectionEnabled']).toBe(true);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(resource(prod.statefulTemplate, logicalId(prod.stateful.key)).DeletionPolicy).toBe('Retain');
  });

  it('keeps the personal-data key encrypted with the customer-managed key, and in prod beyond the stack', () => {
    const secret = resource(prod.statefulTemplate, logicalId(prod.stateful.personalDataKey));

    expect(secret.Properties?.['KmsKeyId']).toEqual(arnOf(prod.stateful.key));
    expect(secret.Properties?.['GenerateSecretString']).toMatchObject({ PasswordLength: 64 });
    expect(secret.DeletionPolicy).toBe('Retain');
  });

  it.each([
    ['dev', dev, 'Delete'],
    ['prod', prod, 'Retain'],
  ])(
    'keeps the %s session key random (64 characters), encrypted with the data key, and beyond the stack only in prod',
    (_, { stateful, statefulTemplate }, deletionPolicy) => {
      const secret = resource(statefulTemplate, logicalId(stateful.sessionKey));

      expect(secret.Properties?.['KmsKeyId']).toEqual(arnOf(stateful.key));
      const generated = secret.Properties?.['GenerateSecretString'] as { PasswordLength: number };
      expect(generated.PasswordLength).toBeGreaterThanOrEqual(64);
      expect(secret.Properties?.['SecretString']).toBeUndefined();
      expect(secret.DeletionPolicy).toBe(deletionPolicy);
    },
  );

  it('lets the dev table be deleted with its stack', () => {
    const table = resource(dev.statefulTemplate, logicalId(dev.stateful.table));

    expect(table.Properties?.['DeletionProtectionEnabled']).toBe(false);
    expect(table.DeletionPolicy).toBe('Delete');
  });

  it('lets CloudWatch Logs use the key only for log groups of this account and region', () => {
    const key = resource(prod.statefulTemplate, logicalId(prod.stateful.key));
    const { Statement: statements } = propertyOf<{ Statement: Record<string, unknown>[] }>(key, 'KeyPolicy');
    const logs = statements.filter((s) => JSON.stringify(s['Principal']).includes('logs'));

    expect(logs).toHaveLength(1);
    expect(JSON.stringify(logs[0]?.['Condition'])).toContain('kms:EncryptionContext:aws:logs:arn');
  });

  it('archives the bus events for replay', () => {
    prod.statefulTemplate.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: arnOf(prod.stateful.eventBus),
      RetentionDays: Match.anyValue(),
    });
  });
});
