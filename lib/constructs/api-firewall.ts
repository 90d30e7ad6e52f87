import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
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
   * Enquiries (`POST` to this path) one client IP may submit in any 5 minutes: a person reports a few, a
   * script floods mailboxes. Answered with a 429 problem document.
   */
  readonly enquiries: { readonly path: string; readonly perIpPer5Minutes: number };
}

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

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const visibility = (metric: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: `${props.name}-${metric}`,
      // Sampled requests would store full URLs, and status links carry the enquirer's token.
      sampledRequestsEnabled: false,
    });
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
                    {
                      // The stage name (or a custom domain's base path) comes first in the path WAF sees.
                      byteMatchStatement: {
                        fieldToMatch: { uriPath: {} },
                        positionalConstraint: 'ENDS_WITH',
                        searchString: props.enquiries.path,
                        textTransformations: [{ priority: 0, type: 'NONE' }],
                      },
                    },
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
  }
}
