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
  /**
   * Requests one client IP may make in any 5 minutes before it is blocked for a while, static assets aside: a
   * council office behind one NAT address browses the console from many desks, and must not be blocked by its
   * stylesheet and icon fetches.
   */
  readonly requestsPerIpPer5Minutes: number;
  /**
   * Static assets: `GET` of paths starting with `pathPrefix` as WAF sees them (the stage name, or a custom
   * domain's base path, comes first), e.g. `/prod/assets/`. Limited per IP apart from everything else, and more
   * loosely, so one client still cannot exhaust the stage's shared throttling budget with them.
   */
  readonly assets: { readonly pathPrefix: string; readonly perIpPer5Minutes: number };
  /**
   * Enquiries (`POST` to any of these paths) one client IP may submit in any 5 minutes, all paths together: a
   * person reports a few, a script floods mailboxes. Beyond that, a submission to the API is answered with a 429
   * problem document, one from an HTML form with a 429 page.
   */
  readonly enquiries: {
    readonly apiPaths: readonly string[];
    readonly formPaths: readonly string[];
    readonly perIpPer5Minutes: number;
  };
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

/** The problem document WAF answers a flood of enquiries to the API with (sent as `application/json`). */
export const TOO_MANY_ENQUIRIES_PROBLEM = {
  type: 'urn:csp:problem:too-many-requests',
  title: 'Too many requests',
  status: 429,
  detail: 'Too many enquiries from your network in the last few minutes; please try again later.',
} as const;

/**
 * The page WAF answers a flood of contact-form submissions with: whoever sees it is a member of the public, maybe
 * reporting something urgent, so it says what happened and where to get help now. Self-contained (no stylesheet,
 * image or script to fetch: WAF serves it without the web function) and in ASCII, whatever charset WAF declares.
 */
export const TOO_MANY_ENQUIRIES_PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Too many enquiries &ndash; please try again later</title>
<style>body{margin:0 auto;max-width:40rem;padding:1.25rem;font-family:arial,sans-serif;font-size:1.1875rem;line-height:1.5;color:#0b0c0c;background:#fff}h1{font-size:2rem;line-height:1.1}</style>
</head>
<body>
<main>
<h1>Too many enquiries from your network</h1>
<p>Your enquiry has not been sent. We have received several enquiries from your network in the last few minutes: please try again in a few minutes.</p>
<p>If you need urgent help because someone is in danger or a crime is happening now, call 999.</p>
</main>
</body>
</html>
`;

/**
 * The label the enquiry rate rule puts on each submission of an IP over the limit. Fully qualified, WAF puts
 * `awswaf:<account>:webacl:<name>:` first; a label match without that prefix looks in this web ACL.
 */
const ENQUIRY_LIMIT_LABEL = 'csp:enquiry-limit-exceeded';
const TOO_MANY_ENQUIRIES_PROBLEM_KEY = 'too-many-enquiries';
const TOO_MANY_ENQUIRIES_PAGE_KEY = 'too-many-enquiries-page';

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
    const byteMatch = (
      fieldToMatch: CfnWebACL.FieldToMatchProperty,
      positionalConstraint: 'EXACTLY' | 'STARTS_WITH' | 'ENDS_WITH',
      searchString: string,
      transformation: 'NONE' | 'NORMALIZE_PATH' = 'NONE',
    ): CfnWebACL.StatementProperty => ({
      byteMatchStatement: {
        fieldToMatch,
        positionalConstraint,
        searchString,
        textTransformations: [{ priority: 0, type: transformation }],
      },
    });
    const methodIs = (method: string) => byteMatch({ method: {} }, 'EXACTLY', method);
    // The stage name (or a custom domain's base path) comes first in the path WAF sees.
    const pathEndsWith = (path: string) => byteMatch({ uriPath: {} }, 'ENDS_WITH', path);
    // WAF wants two or more statements in an OR.
    const anyPath = (paths: readonly string[]): CfnWebACL.StatementProperty => {
      const [onlyPath, ...otherPaths] = paths;
      if (onlyPath === undefined) throw new Error('ApiFirewall: a path list must name at least one path');
      return otherPaths.length === 0
        ? pathEndsWith(onlyPath)
        : { orStatement: { statements: paths.map(pathEndsWith) } };
    };
    const rateLimit = (
      limit: number,
      scopeDownStatement: CfnWebACL.StatementProperty,
    ): CfnWebACL.StatementProperty => ({
      rateBasedStatement: { aggregateKeyType: 'IP', limit, evaluationWindowSec: 300, scopeDownStatement },
    });
    const blockWith = (customResponseBodyKey: string): CfnWebACL.RuleActionProperty => ({
      block: { customResponse: { responseCode: 429, customResponseBodyKey } },
    });
    const managedRule = (name: string): Omit<CfnWebACL.RuleProperty, 'priority'> => ({
      name,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: visibility(name),
    });

    // Only submissions count: reading the form, categories or a status page is never limited by these rules.
    const { apiPaths, formPaths } = props.enquiries;
    const enquiry: CfnWebACL.StatementProperty = {
      andStatement: { statements: [methodIs('POST'), anyPath([...apiPaths, ...formPaths])] },
    };
    // NORMALIZE_PATH resolves `..` and `//` first: `/prod/assets/../console` is a console page, and counts.
    const asset: CfnWebACL.StatementProperty = {
      andStatement: {
        statements: [
          methodIs('GET'),
          byteMatch({ uriPath: {} }, 'STARTS_WITH', props.assets.pathPrefix, 'NORMALIZE_PATH'),
        ],
      },
    };
    const overEnquiryLimit: CfnWebACL.StatementProperty = {
      labelMatchStatement: { scope: 'LABEL', key: ENQUIRY_LIMIT_LABEL },
    };

    /*
     * One rate-based rule counts the enquiries of both front doors, and two rules choose the answer. Two rate-based
     * rules (one per answer) would each count their own paths, and so let one IP submit the limit through the API
     * AND the limit again through the form: twice the combined allowance, twice the acknowledgement emails to
     * addresses it typed in. Not acceptable, and not needed: a rate-based rule whose action is Count blocks nothing
     * but labels each request of an IP while that IP is over the limit (WAF labels only then), and the rules after
     * it match that label, and the path, to answer with the page or the problem document.
     */
    const rules: Omit<CfnWebACL.RuleProperty, 'priority'>[] = [
      {
        name: 'EnquiriesPerIp',
        action: { count: {} },
        ruleLabels: [{ name: ENQUIRY_LIMIT_LABEL }],
        statement: rateLimit(props.enquiries.perIpPer5Minutes, enquiry),
        visibilityConfig: visibility('enquiries-rate-limit'),
      },
      // Both ahead of the general per-IP rule, which would otherwise answer first with a 403.
      ...(formPaths.length === 0
        ? []
        : [
            {
              name: 'TooManyEnquiriesFromForms',
              action: blockWith(TOO_MANY_ENQUIRIES_PAGE_KEY),
              statement: { andStatement: { statements: [overEnquiryLimit, anyPath(formPaths)] } },
              visibilityConfig: visibility('enquiries-rate-limit-forms'),
            },
          ]),
      // Every other labelled request (the API's paths) gets the problem document.
      {
        name: 'TooManyEnquiries',
        action: blockWith(TOO_MANY_ENQUIRIES_PROBLEM_KEY),
        statement: overEnquiryLimit,
        visibilityConfig: visibility('enquiries-rate-limit-api'),
      },
      {
        name: 'AssetsPerIp',
        action: { block: {} },
        statement: rateLimit(props.assets.perIpPer5Minutes, asset),
        visibilityConfig: visibility('assets-rate-limit'),
      },
      {
        name: 'RateLimitPerIp',
        action: { block: {} },
        statement: rateLimit(props.requestsPerIpPer5Minutes, { notStatement: { statement: asset } }),
        visibilityConfig: visibility('rate-limit'),
      },
      managedRule('AWSManagedRulesAmazonIpReputationList'),
      managedRule('AWSManagedRulesKnownBadInputsRuleSet'),
    ];

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: props.name,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('all'),
      customResponseBodies: {
        [TOO_MANY_ENQUIRIES_PROBLEM_KEY]: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify(TOO_MANY_ENQUIRIES_PROBLEM),
        },
        [TOO_MANY_ENQUIRIES_PAGE_KEY]: { contentType: 'TEXT_HTML', content: TOO_MANY_ENQUIRIES_PAGE },
      },
      // WAF evaluates rules by ascending priority; their order here is that order.
      rules: rules.map((rule, priority) => ({ ...rule, priority })),
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
