import { ArnFormat, Duration, Fn, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import {
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { TABLE_INDEXES, TABLE_SCHEMA } from '../functions/adapters/table-keys.ts';
import { STAFF_ROLES } from '../functions/domain/staff.ts';
import { SES_EVENT_TYPES } from '../functions/events/ses-delivery-event.ts';
import { isProtectedStage, type StageConfig } from './stage-config.ts';

/** Props of {@link StatefulStack}. */
export interface StatefulStackProps extends StackProps {
  readonly stage: StageConfig;
}

/** How long the bus archive keeps events, so a faulty consumer's events can be replayed after a fix. */
const EVENT_ARCHIVE_RETENTION = Duration.days(30);

/**
 * Everything that holds data or identity and outlives a redeploy: the encryption key, the single table, the
 * event bus with its archive, and the SES identity. Functions, queues and the API live in the stateless stack,
 * which receives these as typed props.
 */
export class StatefulStack extends Stack {
  /** Customer-managed key for the table, the log groups and the alarm topic. */
  public readonly key: Key;
  /** Keys the hashes of personal data (addresses counted or found without being stored in clear). */
  public readonly personalDataKey: Secret;
  public readonly table: Table;
  public readonly eventBus: EventBus;
  public readonly emailIdentity: EmailIdentity;
  public readonly configurationSet: ConfigurationSet;
  /** ARN of {@link configurationSet}, which has no ARN attribute of its own. */
  public readonly configurationSetArn: string;
  /** Staff users; each role in STAFF_ROLES is a group. */
  public readonly staffUserPool: UserPool;
  /** The app client staff tools sign in with; its id is the audience of staff ID tokens. */
  public readonly staffClient: UserPoolClient;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const prefix = `csp-${stage.name}`;
    const keep = isProtectedStage(stage);

    this.key = new Key(this, 'DataKey', {
      alias: `alias/${prefix}-data`,
      description: `Encrypts the ${prefix} table, logs and alarm topic`,
      enableKeyRotation: true,
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

    this.eventBus = new EventBus(this, 'EventBus', {
      eventBusName: `${prefix}-enquiries`,
      description: 'Enquiry events: EnquiryReceived, EnquiryReferralRequested',
    });
    this.eventBus.archive('Archive', {
      description: `Every ${prefix} enquiry event, for replay`,
      eventPattern: { account: [this.account] },
      retention: EVENT_ARCHIVE_RETENTION,
    });

    this.personalDataKey = new Secret(this, 'PersonalDataKey', {
      secretName: `${prefix}/personal-data-key`,
      description: `Keys the ${prefix} hashes of email addresses and phone numbers`,
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      // Losing it orphans every hash made with it: kept with the data it keys.
      removalPolicy: keep ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(this.personalDataKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'An HMAC key, not a credential: rotating it would orphan every hash made with it (acknowledgement counts, the subject-access index); it never leaves the functions that hash',
    });

    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      // Referrals can carry sensitive enquiry details: never hand them to a server over plain SMTP.
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    // SES reports delivery, bounces, complaints, rejections and delays on the default bus (the only one it
    // publishes to); a rule there feeds the delivery-events function (RULES.recordDeliveryEvents).
    this.configurationSet.addEventDestination('DeliveryEventsToEventBridge', {
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: SES_EVENT_TYPES.map((type) => EmailSendingEvent[type]),
    });
    this.configurationSetArn = this.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });
    // The configuration set is the identity's default, so the mailer needs no code to use it.
    this.emailIdentity = new EmailIdentity(this, 'EmailIdentity', {
      identity: Identity.domain(stage.sesIdentity),
      configurationSet: this.configurationSet,
    });

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
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      // The organisation a partner representative votes for; the agency whose referrals an agency officer works.
      customAttributes: {
        organisation_id: new StringAttribute({ mutable: true, maxLen: 100 }),
        agency_id: new StringAttribute({ mutable: true, maxLen: 100 }),
      },
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
      // No hosted-UI flows until the staff console has a real callback URL (the console issue turns the code
      // flow with PKCE back on): no implicit grant, no placeholder callback.
      disableOAuth: true,
      // Only admins may set which organisation a user represents, or which agency they work for.
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true }),
    });
  }
}
