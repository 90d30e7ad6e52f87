import { ArnFormat, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** Props of {@link ApiFirewall}. */
export interface ApiFirewallProps {
  /** ARN of the API Gateway stage to protect. */
  readonly stageArn: string;
  /** Name of the web ACL and prefix of its metrics. */
  readonly name: string;
  /** Requests one client IP may make in any 5 minutes before it is blocked for a while. */
  readonly requestsPerIpPer5Minutes: number;
  /**
   * Enquiries (`POST` to any of these paths: the API's, the contact form's) one client IP may submit in any
   * 5 minutes, all paths together: a person reports a few, a script floods mailboxes. Answered with a 429
   * problem document.
   */
  readonly enquiries: { readonly paths: readonly string[]; readonly perIpPer5Minutes: number };
  /** Key the WAF log group is encrypted with, and what happens to the group when the stack goes. */
  readonly logs: { readonly encryptionKey: IKey; readonly removalPolicy: RemovalPolicy };
}

/**
 * How long WAF's log of blocked requests is kept: it holds client IP addresses (WAF cannot leave them out),
 * wanted for investigating an attack within weeks, not for a year.
 */
export const WAF_LOG_RETENTION = RetentionDays.ONE_MONTH;

/**
 * Fields WAF blanks in its log: the query string (status links carry the enquirer's token), and the headers
 * that carry staff credentials.
 */
export const WAF_REDACTED_FIELDS: CfnLoggingConfiguration.FieldToMatchProperty[] = [
  { queryString: {} },
  { singleHeader: { Name: 'authorization' } },
  { singleHeader: { Name: 'cookie' } },
];

/** The problem document WAF answers a flood of enquiries with (it can set the body, not the content type). */
export const TOO_MANY_ENQUIRIES_PROBLEM = {
  type: 'urn:csp:problem:too-many-requests',
  title: 'Too many requests',
  status: 429,
  detail: 'Too many enquiries from your network in the last few minutes; please try again later.',
} as const;

/**
 * A regional WAF web ACL in front of the public API. The stage's throttling is one budget shared by everybody;
 * this limits each client IP, so one abuser can neither use up that budget nor make us send acknowledgement
 * emails to addresses they typed in by the thousand. Also blocks known-bad IPs and request patterns.
 */
export class ApiFirewall extends Construct {
  public readonly webAcl: CfnWebACL;
  /** Where WAF logs the requests it blocks (client IP, path and headers, with WAF_REDACTED_FIELDS blanked). */
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const visibility = (metric: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: `${props.name}-${metric}`,
      // Sampled requests would store full URLs, and status links carry the enquirer's token.
      sampledRequestsEnabled: false,
    });
    // The stage name (or a custom domain's base path) comes first in the path WAF sees.
    const pathEndsWith = (path: string): CfnWebACL.StatementProperty => ({
      byteMatchStatement: {
        fieldToMatch: { uriPath: {} },
        positionalConstraint: 'ENDS_WITH',
        searchString: path,
        textTransformations: [{ priority: 0, type: 'NONE' }],
      },
    });
    const [onlyPath, ...otherPaths] = props.enquiries.paths;
    if (onlyPath === undefined) throw new Error('ApiFirewall: enquiries.paths must name at least one path');
    // WAF wants two or more statements in an OR.
    const enquiryPath =
      otherPaths.length === 0
        ? pathEndsWith(onlyPath)
        : { orStatement: { statements: props.enquiries.paths.map(pathEndsWith) } };
    const managedRule = (priority: number, name: string): CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: visibility(name),
    });

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: props.name,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('all'),
      customResponseBodies: {
        'too-many-enquiries': {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify(TOO_MANY_ENQUIRIES_PROBLEM),
        },
      },
      rules: [
        {
          name: 'EnquiriesPerIp',
          priority: 0,
          action: {
            block: { customResponse: { responseCode: 429, customResponseBodyKey: 'too-many-enquiries' } },
          },
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: props.enquiries.perIpPer5Minutes,
              evaluationWindowSec: 300,
              // Only submissions count: reading categories or a status page is never limited by this rule.
              scopeDownStatement: {
                andStatement: {
                  statements: [
                    {
                      byteMatchStatement: {
                        fieldToMatch: { method: {} },
                        positionalConstraint: 'EXACTLY',
                        searchString: 'POST',
                        textTransformations: [{ priority: 0, type: 'NONE' }],
                      },
                    },
                    enquiryPath,
                  ],
                },
              },
            },
          },
          visibilityConfig: visibility('enquiries-rate-limit'),
        },
        {
          name: 'RateLimitPerIp',
          priority: 1,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: props.requestsPerIpPer5Minutes,
              evaluationWindowSec: 300,
            },
          },
          visibilityConfig: visibility('rate-limit'),
        },
        managedRule(2, 'AWSManagedRulesAmazonIpReputationList'),
        managedRule(3, 'AWSManagedRulesKnownBadInputsRuleSet'),
      ],
    });
    new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    // WAF only logs to groups named aws-waf-logs-*, and only blocked requests are worth keeping.
    const logGroupName = `aws-waf-logs-${props.name}`;
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName,
      retention: WAF_LOG_RETENTION,
      encryptionKey: props.logs.encryptionKey,
      removalPolicy: props.logs.removalPolicy,
    });
    const logging = new CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // WAF wants the group's ARN without the `:*` that LogGroup.logGroupArn ends with.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: WAF_REDACTED_FIELDS,
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [
          {
            Behavior: 'KEEP',
            Requirement: 'MEETS_ANY',
            Conditions: [{ ActionCondition: { Action: 'BLOCK' } }],
          },
        ],
      },
    });
    logging.node.addDependency(this.logGroup);
  }
}
