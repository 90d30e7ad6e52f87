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
}

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
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
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
        managedRule(1, 'AWSManagedRulesAmazonIpReputationList'),
        managedRule(2, 'AWSManagedRulesKnownBadInputsRuleSet'),
      ],
    });
    new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
