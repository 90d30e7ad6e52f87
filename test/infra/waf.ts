/**
 * A small model of how AWS WAF evaluates a web ACL, enough to drive the synthesized ACL with requests from one
 * client and see what each is answered: rules by ascending priority; Count labels and goes on; Block answers (its
 * custom response, or API Gateway's 403); a rate-based rule counts the requests in its scope that reach it and
 * applies its action (and labels) only while that count is over its limit. Managed rule groups never match here.
 * Statements and transformations it does not know fail the test rather than guess.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { resourcesOfType } from './synth.ts';

export interface StatementJson {
  readonly ByteMatchStatement?: {
    readonly FieldToMatch: { readonly Method?: object; readonly UriPath?: object };
    readonly PositionalConstraint: 'EXACTLY' | 'STARTS_WITH' | 'ENDS_WITH' | 'CONTAINS';
    readonly SearchString: string;
    readonly TextTransformations: { readonly Priority: number; readonly Type: string }[];
  };
  readonly AndStatement?: { readonly Statements: StatementJson[] };
  readonly OrStatement?: { readonly Statements: StatementJson[] };
  readonly NotStatement?: { readonly Statement: StatementJson };
  readonly LabelMatchStatement?: { readonly Scope: 'LABEL' | 'NAMESPACE'; readonly Key: string };
  readonly RateBasedStatement?: {
    readonly Limit: number;
    readonly AggregateKeyType: string;
    readonly EvaluationWindowSec?: number;
    readonly ScopeDownStatement?: StatementJson;
  };
  readonly ManagedRuleGroupStatement?: { readonly VendorName: string; readonly Name: string };
}

export interface RuleJson {
  readonly Name: string;
  readonly Priority: number;
  readonly Action?: {
    readonly Block?: {
      readonly CustomResponse?: { readonly ResponseCode: number; readonly CustomResponseBodyKey?: string };
    };
    readonly Count?: object;
    readonly Allow?: object;
  };
  readonly OverrideAction?: object;
  readonly RuleLabels?: { readonly Name: string }[];
  readonly Statement: StatementJson;
}

export interface WebAclJson {
  readonly Rules: RuleJson[];
  readonly CustomResponseBodies?: Record<string, { readonly ContentType: string; readonly Content: string }>;
}

/** The template's one web ACL. */
export function webAclOf(template: Template): WebAclJson {
  const acls = Object.values(resourcesOfType(template, 'AWS::WAFv2::WebACL'));
  if (acls.length !== 1) throw new Error(`Expected one web ACL, found ${acls.length}`);
  return acls[0]?.Properties as unknown as WebAclJson;
}

/** A request as WAF sees it: the path starts with the stage name on an execute-api URL. */
export interface WafRequest {
  readonly method: string;
  readonly path: string;
}

/** What the client gets: allowed through to API Gateway, or WAF's answer and the rule that gave it. */
export type WafOutcome =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly rule: string;
      readonly status: number;
      readonly contentType?: string;
      readonly body?: string;
    };

/** WAF's NORMALIZE_PATH: no repeated slashes, `./` or `x/../`. */
function normalizePath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.replace(/\/{2,}/g, '/').split('/')) {
    if (segment === '.') continue;
    if (segment === '..' && segments.length > 1) segments.pop();
    else segments.push(segment);
  }
  return segments.join('/');
}

function transform(value: string, transformations: { Priority: number; Type: string }[]): string {
  return [...transformations]
    .sort((a, b) => a.Priority - b.Priority)
    .reduce((current, { Type }) => {
      if (Type === 'NONE') return current;
      if (Type === 'NORMALIZE_PATH') return normalizePath(current);
      throw new Error(`waf.ts does not model the ${Type} transformation`);
    }, value);
}

function matches(statement: StatementJson, request: WafRequest, labels: ReadonlySet<string>): boolean {
  if (statement.ByteMatchStatement) {
    const { FieldToMatch, PositionalConstraint, SearchString, TextTransformations } =
      statement.ByteMatchStatement;
    const field = FieldToMatch.Method ? request.method : FieldToMatch.UriPath ? request.path : undefined;
    if (field === undefined) throw new Error(`waf.ts does not model ${JSON.stringify(FieldToMatch)}`);
    const value = transform(field, TextTransformations);
    switch (PositionalConstraint) {
      case 'EXACTLY':
        return value === SearchString;
      case 'STARTS_WITH':
        return value.startsWith(SearchString);
      case 'ENDS_WITH':
        return value.endsWith(SearchString);
      case 'CONTAINS':
        return value.includes(SearchString);
    }
  }
  if (statement.AndStatement)
    return statement.AndStatement.Statements.every((s) => matches(s, request, labels));
  if (statement.OrStatement) return statement.OrStatement.Statements.some((s) => matches(s, request, labels));
  if (statement.NotStatement) return !matches(statement.NotStatement.Statement, request, labels);
  if (statement.LabelMatchStatement?.Scope === 'LABEL') {
    const { Key } = statement.LabelMatchStatement;
    return [...labels].some((label) => label === Key || label.endsWith(`:${Key}`));
  }
  if (statement.ManagedRuleGroupStatement) return false;
  throw new Error(`waf.ts does not model ${JSON.stringify(statement)}`);
}

/** One client IP sending requests to the web ACL within one evaluation window. */
export class WafClient {
  private readonly counts = new Map<string, number>();
  private readonly rules: RuleJson[];

  constructor(private readonly acl: WebAclJson) {
    this.rules = [...acl.Rules].sort((a, b) => a.Priority - b.Priority);
  }

  /** Sends `request` and returns WAF's outcome. */
  send(request: WafRequest): WafOutcome {
    const labels = new Set<string>();
    for (const rule of this.rules) {
      if (!this.ruleMatches(rule, request, labels)) continue;
      for (const label of rule.RuleLabels ?? []) labels.add(label.Name);
      if (rule.Action?.Count) continue;
      if (rule.Action?.Allow) return { allowed: true };
      if (!rule.Action?.Block) throw new Error(`waf.ts does not model the action of ${rule.Name}`);
      const custom = rule.Action.Block.CustomResponse;
      const body = custom?.CustomResponseBodyKey
        ? this.acl.CustomResponseBodies?.[custom.CustomResponseBodyKey]
        : undefined;
      // Without a custom response, API Gateway answers its WAF_FILTERED gateway response.
      return {
        allowed: false,
        rule: rule.Name,
        status: custom?.ResponseCode ?? 403,
        contentType: body?.ContentType,
        body: body?.Content,
      };
    }
    return { allowed: true };
  }

  /** Sends `request` `times` times and returns the last outcome. */
  sendMany(request: WafRequest, times: number): WafOutcome {
    let outcome: WafOutcome = { allowed: true };
    for (let i = 0; i < times; i++) outcome = this.send(request);
    return outcome;
  }

  private ruleMatches(rule: RuleJson, request: WafRequest, labels: ReadonlySet<string>): boolean {
    const rate = rule.Statement.RateBasedStatement;
    if (!rate) return matches(rule.Statement, request, labels);
    if (rate.AggregateKeyType !== 'IP')
      throw new Error(`waf.ts models only per-IP rate rules (${rule.Name})`);
    if (rate.ScopeDownStatement && !matches(rate.ScopeDownStatement, request, labels)) return false;
    const count = (this.counts.get(rule.Name) ?? 0) + 1;
    this.counts.set(rule.Name, count);
    return count > rate.Limit;
  }
}
