import {
  ArnFormat,
  CrossStackReferences,
  Duration,
  Fn,
  ReferenceStrength,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault } from 'aws-cdk-lib/aws-backup';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
  UserPoolEmail,
} from 'aws-cdk-lib/aws-cognito';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Schedule } from 'aws-cdk-lib/aws-events';
import { AccountRootPrincipal, PolicyDocument, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IConfigurationSet } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { TABLE_INDEXES, TABLE_SCHEMA } from '../functions/adapters/table-keys.ts';
import { STAFF_ROLES } from '../functions/domain/staff.ts';
import { isProtectedStage, parseSenderAddress, type StageConfig } from './stage-config.ts';

/** Props of {@link StatefulStack}. */
export interface StatefulStackProps extends StackProps {
  readonly stage: StageConfig;
  /**
   * The mail stack's configuration set, which staff invitations are sent through. Its identity (the stage's
   * `sesIdentity`) must be verified before this stack is first deployed: Cognito refuses an unverified sender.
   */
  readonly configurationSet: IConfigurationSet;
}

/**
 * The email Cognito sends a new staff user (an admin creates every account). Cognito fills in `{username}` and
 * the temporary password `{####}`, and requires both.
 */
export const STAFF_INVITATION = {
  emailSubject: 'Your Community Safety Partnership staff account',
  emailBody: [
    'Hello,',
    'An administrator of the Community Safety Partnership has given you a staff account, to work on enquiries and partnership records.',
    'Username: {username}<br>Temporary password: {####}',
    'Sign in within 7 days, when you will choose your own password and set up an authenticator app: every sign-in asks for a code from it. The temporary password stops working after 7 days; ask the administrator for a new invitation if it has.',
    'If you did not expect this email, do not sign in: tell the Community Safety Unit.',
  ].join('<br><br>'),
} as const;

/**
 * Custom attributes of staff users: the organisation a partner representative votes for, and the agency whose
 * referrals an agency officer works. Tokens carry them as `custom:<name>`.
 */
export const STAFF_CUSTOM_ATTRIBUTES = ['organisation_id', 'agency_id'] as const;

/**
 * What key administrators may do: manage, rotate, tag, schedule deletion; nothing that encrypts, decrypts or
 * grants. Listed one by one rather than AWS's `kms:Create*` and friends: `kms:Create*` includes
 * `kms:CreateGrant`, which would let any IAM principal of the account give itself (or anyone) Decrypt outside
 * the data services. (`kms:PutKeyPolicy` can of course rewrite this policy: that is what administering a key
 * means, and CloudTrail records it.)
 */
export const KEY_ADMINISTRATION_ACTIONS = [
  'kms:CreateAlias',
  'kms:UpdateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:EnableKeyRotation',
  'kms:DisableKeyRotation',
  'kms:RotateKeyOnDemand',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:PutKeyPolicy',
  'kms:UpdateKeyDescription',
  'kms:ListAliases',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:RevokeGrant',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];

/** What the data services do with the key on a caller's behalf (CreateGrant: DynamoDB and Backup keep grants). */
export const KEY_USE_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey*',
  'kms:DescribeKey',
  'kms:CreateGrant',
];

/** The services the key's data lives in and is used through: the table, the secret, the backups. */
export const KEY_SERVICES = ['dynamodb', 'secretsmanager', 'backup'] as const;

/** How long the bus archive keeps events, so a faulty consumer's events can be replayed after a fix. */
const EVENT_ARCHIVE_RETENTION = Duration.days(30);

/**
 * Everything that holds data or identity and outlives a redeploy: the encryption key, the single table, the
 * event bus with its archive, the secrets, and the staff user pool. The SES identity it sends invitations as
 * lives in the mail stack, deployed and verified first. Functions, queues and the API live in the stateless
 * stack, which receives these as typed props.
 */
export class StatefulStack extends Stack {
  /** Customer-managed key for the table, the log groups and the alarm topic. */
  public readonly key: Key;
  /** Keys the hashes of personal data (addresses counted or found without being stored in clear). */
  public readonly personalDataKey: Secret;
  /** Keys the staff console's encrypted session cookies. */
  public readonly sessionKey: Secret;
  public readonly table: Table;
  public readonly eventBus: EventBus;
  /** Staff users; each role in STAFF_ROLES is a group. */
  public readonly staffUserPool: UserPool;
  /** The app client staff tools sign in with; its id is the audience of staff ID tokens. */
  public readonly staffClient: UserPoolClient;
  /**
   * The staff pool's Cognito domain: its hosted sign-in pages and OAuth 2.0 endpoints, which the staff console
   * (its own app client, in the stateless stack) sends staff to.
   */
  public readonly staffSignInDomain: UserPoolDomain;
  /** Daily AWS Backup of the table, beside its point-in-time recovery (35 days). */
  public readonly backupPlan: BackupPlan;
  /** Where the daily recovery points are kept, encrypted with the data key. */
  public readonly backupVault: BackupVault;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    // Strong references to the mail stack: CloudFormation refuses to delete its configuration set while the
    // staff pool sends through it.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    const { stage } = props;
    const prefix = `csp-${stage.name}`;
    const keep = isProtectedStage(stage);

    this.key = new Key(this, 'DataKey', {
      alias: `alias/${prefix}-data`,
      description: `Encrypts the ${prefix} table, logs and alarm topic`,
      enableKeyRotation: true,
      // The whole policy (with CDK's defaultKeyPolicies flag a given policy replaces the default, which would
      // grant the account kms:*): the account administers the key, and uses it only through the services below.
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            sid: 'KeyAdministration',
            principals: [new AccountRootPrincipal()],
            actions: KEY_ADMINISTRATION_ACTIONS,
            resources: ['*'],
          }),
          new PolicyStatement({
            sid: 'UseThroughDataServicesOnly',
            // The account, so IAM decides which roles: only those granted the key (the functions reading the
            // table, AWS Backup, an operator restoring) can use it, and only through these services, never
            // by calling kms:Decrypt on data taken elsewhere.
            principals: [new AccountRootPrincipal()],
            actions: KEY_USE_ACTIONS,
            resources: ['*'],
            conditions: {
              StringEquals: {
                'kms:CallerAccount': this.account,
                'kms:ViaService': KEY_SERVICES.map((service) => `${service}.${this.region}.amazonaws.com`),
              },
            },
          }),
        ],
      }),
      removalPolicy: keep ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(keep ? 30 : 7),
    });
    // CloudWatch Logs encrypts log groups with this key; only log groups of this account and region may use it.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal(Fn.join('.', ['logs', this.region, this.urlSuffix]))],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': this.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    // CloudWatch alarms publish to the encrypted alarm topic, so CloudWatch must be able to use the key (AWS's
    // documented statement; only topics encrypted with this key, i.e. ours, can make it do so).
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        // Only on behalf of this account's alarms: no confused deputy from another account.
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_SCHEMA.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE_SCHEMA.ttlAttribute,
      deletionProtection: keep,
      removalPolicy: keep ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    for (const index of TABLE_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: index.projection === 'ALL' ? ProjectionType.ALL : ProjectionType.KEYS_ONLY,
      });
    }

    this.backupVault = new BackupVault(this, 'BackupVault', {
      backupVaultName: `${prefix}-table`,
      encryptionKey: this.key,
      removalPolicy: keep ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const { retentionDays, copyToVaultArn } = stage.backup;
    this.backupPlan = new BackupPlan(this, 'BackupPlan', {
      backupPlanName: `${prefix}-table`,
      backupVault: this.backupVault,
      backupPlanRules: [
        new BackupPlanRule({
          ruleName: 'Daily',
          // 03:00 UTC: after the 02:30 UK-time retention run, so each day's point has that day's anonymisation.
          scheduleExpression: Schedule.cron({ hour: '3', minute: '0' }),
          startWindow: Duration.hours(1),
          completionWindow: Duration.hours(4),
          deleteAfter: Duration.days(retentionDays),
          // A copy in another account survives this account being compromised or closed.
          copyActions: copyToVaultArn
            ? [
                {
                  destinationBackupVault: BackupVault.fromBackupVaultArn(this, 'CopyVault', copyToVaultArn),
                  deleteAfter: Duration.days(retentionDays),
                },
              ]
            : undefined,
        }),
      ],
    });
    const selection = this.backupPlan.addSelection('Table', {
      resources: [BackupResource.fromDynamoDbTable(this.table)],
      allowRestores: true,
    });
    const backupRolePolicy = (name: string) => ({
      id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${name}]`,
      reason: `AWS Backup's own service-role policy (${name}), the one AWS documents for a backup selection's role`,
    });
    Validations.of(selection.node.findChild('Role')).acknowledge(
      backupRolePolicy('AWSBackupServiceRolePolicyForBackup'),
      backupRolePolicy('AWSBackupServiceRolePolicyForRestores'),
    );

    this.eventBus = new EventBus(this, 'EventBus', {
      eventBusName: `${prefix}-enquiries`,
      description: 'Enquiry events: EnquiryReceived, EnquiryReferralRequested',
    });
    this.eventBus.archive('Archive', {
      description: `Every ${prefix} enquiry event, for replay`,
      eventPattern: { account: [this.account] },
      retention: EVENT_ARCHIVE_RETENTION,
    });

    // Losing it orphans every hash made with it: kept with the data it keys.
    this.personalDataKey = this.randomKeySecret('PersonalDataKey', {
      name: `${prefix}/personal-data-key`,
      description: `Keys the ${prefix} hashes of email addresses and phone numbers`,
      keep,
      unrotatedBecause:
        'An HMAC key, not a credential: rotating it would orphan every hash made with it (acknowledgement counts, the subject-access index); it never leaves the functions that hash',
    });
    this.sessionKey = this.randomKeySecret('SessionKey', {
      name: `${prefix}/session-key`,
      description: `Keys the ${prefix} staff console's encrypted session cookies`,
      keep,
      unrotatedBecause:
        'A symmetric key that never leaves the web function, not a credential anyone signs in with; a new value (put-secret-value, by hand if it is ever exposed) only signs every staff member out, and a console session lasts 8 hours at most, so a rotation Lambda would add risk without benefit',
    });

    const { name: senderName, email: senderEmail } = parseSenderAddress(stage.senderAddress);
    // Staff sign in here: no self sign-up, MFA required, threat protection on; roles are groups.
    this.staffUserPool = new UserPool(this, 'StaffUserPool', {
      userPoolName: `${prefix}-staff`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Invitations and recovery codes come from the stage's own sender through SES, not Cognito's
      // no-reply@verificationemail.com with its 50-a-day limit. Cognito checks at creation that the mail
      // stack's identity is verified.
      email: UserPoolEmail.withSES({
        fromEmail: senderEmail,
        fromName: senderName,
        sesVerifiedDomain: stage.sesIdentity,
        sesRegion: this.region,
        configurationSetName: props.configurationSet.configurationSetName,
      }),
      userInvitation: STAFF_INVITATION,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      customAttributes: Object.fromEntries(
        STAFF_CUSTOM_ATTRIBUTES.map((name) => [name, new StringAttribute({ mutable: true, maxLen: 100 })]),
      ),
      deletionProtection: keep,
      removalPolicy: keep ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    for (const role of STAFF_ROLES) {
      this.staffUserPool.addGroup(`${role}Group`, { groupName: role, description: `Staff role ${role}` });
    }
    this.staffClient = this.staffUserPool.addClient('StaffClient', {
      userPoolClientName: `${prefix}-staff-tools`,
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      // A stolen refresh token is good for a working day at most.
      refreshTokenValidity: Duration.days(1),
      // No hosted-UI flows: the staff console signs in through its own app client (the code flow with PKCE),
      // which lives in the stateless stack beside the API whose URL is its callback.
      disableOAuth: true,
      // Only admins may set which organisation a user represents, or which agency they work for.
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true }),
    });
    // Cognito serves the sign-in pages and the OAuth 2.0 endpoints here. The classic hosted UI: the newer
    // managed login shows nothing until each app client is given a branding style.
    this.staffSignInDomain = this.staffUserPool.addDomain('StaffSignInDomain', {
      cognitoDomain: { domainPrefix: stage.staffSignIn.domainPrefix },
      managedLoginVersion: ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });
  }

  /**
   * A secret holding a random 64-character key, encrypted with the data key and, in protected stages, kept
   * when the stack goes. Such keys are not rotated (see each one's reason).
   */
  private randomKeySecret(
    id: string,
    props: { name: string; description: string; keep: boolean; unrotatedBecause: string },
  ): Secret {
    const secret = new Secret(this, id, {
      secretName: props.name,
      description: props.description,
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: props.keep ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: props.unrotatedBecause });
    return secret;
  }
}
