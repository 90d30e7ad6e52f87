/** Staff routes are behind the Cognito authorizer on AWS; everything else is public by design. */
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { ENV } from '../../functions/config.ts';
import { STAFF_ROLES } from '../../functions/domain/staff.ts';
import { isStaffRoute, PAGE_LIST, ROUTE_LIST, type RouteSpec } from '../../functions/topology.ts';
import { STAFF_INVITATION } from '../../lib/stateful-stack.ts';
import {
  type CfnResourceJson,
  environmentOf,
  logicalId,
  removeOutdirs,
  rendered,
  resource,
  resourcesOfType,
  synthApp,
  synthStageWith,
} from './synth.ts';

afterAll(removeOutdirs);

const { statefulTemplate, statelessTemplate } = synthApp('prod', { bundle: false });

/** A token validity in minutes, from the client's value and its unit (Cognito's defaults when unset). */
function validityMinutes(client: Record<string, unknown>, token: 'RefreshToken' | 'IdToken' | 'AccessToken') {
  const property = {
    RefreshToken: 'RefreshTokenValidity',
    IdToken: 'IdTokenValidity',
    AccessToken: 'AccessTokenValidity',
  }[token];
  const unit =
    ((client['TokenValidityUnits'] ?? {}) as Record<string, string>)[token] ??
    (token === 'RefreshToken' ? 'days' : 'hours');
  return Number(client[property]) * ({ days: 1440, hours: 60, minutes: 1 } as Record<string, number>)[unit]!;
}

/** The one app client in `template`. */
function onlyClient(template: Template): Record<string, unknown> {
  const clients = Object.values(resourcesOfType(template, 'AWS::Cognito::UserPoolClient'));
  expect(clients).toHaveLength(1);
  return (clients[0] as CfnResourceJson).Properties ?? {};
}

/** `PUT /chair` → the template's method resource for it. */
function methodFor(route: RouteSpec) {
  const resources = resourcesOfType(statelessTemplate, 'AWS::ApiGateway::Resource');
  const pathOf = (id: string): string => {
    const r = resources[id];
    if (!r) return '';
    const parent = (r.Properties?.['ParentId'] as { Ref?: string } | undefined)?.Ref;
    return `${parent ? pathOf(parent) : ''}/${r.Properties?.['PathPart']}`;
  };
  const resourceId = Object.keys(resources).find((id) => pathOf(id) === route.path);
  return Object.values(resourcesOfType(statelessTemplate, 'AWS::ApiGateway::Method')).find(
    (m) =>
      m.Properties?.['HttpMethod'] === route.method &&
      (m.Properties?.['ResourceId'] as { Ref?: string } | undefined)?.Ref === resourceId,
  );
}

describe('staff routes', () => {
  const routes = ROUTE_LIST;

  it.each(routes.filter(isStaffRoute).map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s needs a Cognito staff token',
    (_name, route) => {
      const method = methodFor(route);
      expect(method?.Properties?.['AuthorizationType']).toBe('COGNITO_USER_POOLS');
      expect(method?.Properties?.['AuthorizerId']).toBeDefined();
    },
  );

  it.each(routes.filter((r) => !isStaffRoute(r)).map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s is public',
    (_name, route) => {
      expect(methodFor(route)?.Properties?.['AuthorizationType']).toBe('NONE');
    },
  );
});

describe('staff user pool', () => {
  const pools = Object.values(resourcesOfType(statefulTemplate, 'AWS::Cognito::UserPool'));

  it('admits nobody by self sign-up, requires MFA, and is protected from deletion in prod', () => {
    expect(pools).toHaveLength(1);
    expect(pools[0]?.Properties).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      DeletionProtection: 'ACTIVE',
    });
  });

  it('invites new staff, and sends recovery codes, from the stage sender through SES and its configuration set', () => {
    const { stage, stateful, mail } = synthApp('prod', { bundle: false });
    const properties = pools[0]?.Properties ?? {};
    const invitation = (
      properties['AdminCreateUserConfig'] as {
        InviteMessageTemplate: { EmailMessage: string; EmailSubject: string };
      }
    ).InviteMessageTemplate;

    expect(properties['EmailConfiguration']).toMatchObject({
      EmailSendingAccount: 'DEVELOPER',
      From: stage.senderAddress,
      ConfigurationSet: rendered(stateful, mail.configurationSet.configurationSetName),
    });
    expect(JSON.stringify((properties['EmailConfiguration'] as { SourceArn: unknown }).SourceArn)).toContain(
      `:identity/${stage.sesIdentity}`,
    );
    // Cognito refuses a template without both placeholders.
    expect(invitation.EmailMessage).toContain('{username}');
    expect(invitation.EmailMessage).toContain('{####}');
    expect(invitation.EmailSubject).toBe(STAFF_INVITATION.emailSubject);
  });

  it('gives staff tools short-lived tokens, SRP sign-in only, and no OAuth flows (the console has its own client)', () => {
    const client = onlyClient(statefulTemplate);

    expect(client['ExplicitAuthFlows']).toEqual(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    expect(client['AllowedOAuthFlows'] ?? []).toEqual([]);
    expect(client['CallbackURLs'] ?? []).toEqual([]);
    expect(client['GenerateSecret']).toBe(false);
    // Validity in the client's own units: a day of refresh, an hour of ID and access token.
    expect(validityMinutes(client, 'RefreshToken')).toBeLessThanOrEqual(1440);
    expect(validityMinutes(client, 'IdToken')).toBeLessThanOrEqual(60);
    expect(validityMinutes(client, 'AccessToken')).toBeLessThanOrEqual(60);
  });

  it('has one group per staff role', () => {
    const groups = Object.values(resourcesOfType(statefulTemplate, 'AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties?.['GroupName'],
    );
    expect(groups.sort()).toEqual([...STAFF_ROLES].sort());
  });
});

describe('staff console sign-in', () => {
  const { stage, stateful, stateless } = synthApp('prod', { bundle: false });
  const consoleClient = onlyClient(statelessTemplate);
  const onOwnDomain = synthStageWith('prod', {
    apiDomain: { name: 'api.csp.ashford.gov.uk' },
    staffSignIn: { domainPrefix: 'ashford-csp-staff' },
  });

  it('has a Cognito domain on the staff pool, csp-<stage>-<partnership> by default', () => {
    const domains = Object.values(resourcesOfType(statefulTemplate, 'AWS::Cognito::UserPoolDomain'));

    expect(domains).toHaveLength(1);
    expect(domains[0]?.Properties).toMatchObject({
      Domain: `csp-prod-${stage.partnershipId}`,
      UserPoolId: { Ref: logicalId(stateful.staffUserPool) },
    });
    // A Cognito prefix domain, not a custom one needing a certificate.
    expect(domains[0]?.Properties?.['CustomDomainConfig']).toBeUndefined();
  });

  it('uses the prefix the stage sets', () => {
    const [domain] = Object.values(
      resourcesOfType(onOwnDomain.statefulTemplate, 'AWS::Cognito::UserPoolDomain'),
    );

    expect(domain?.Properties?.['Domain']).toBe('ashford-csp-staff');
  });

  it('tells the web function where the sign-in domain is and which client it signs in as', () => {
    const variables = environmentOf(statelessTemplate, stateless.functions.web);

    expect(JSON.stringify(variables[ENV.authDomainUrl])).toMatch(
      /^\{"Fn::Join":\["",\["https:\/\/",\{"Fn::ImportValue":"[^"]*StaffSignInDomain[^"]*"\},"\.auth\.eu-west-2\.amazoncognito\.com"\]\]\}$/,
    );
    expect(variables[ENV.consoleClientId]).toEqual({ Ref: logicalId(stateless.consoleClient) });
    // The API's staff tokens stay those of the tools client: a console ID token is not an API credential.
    expect(environmentOf(statelessTemplate, stateless.functions.api)[ENV.authAudience]).not.toEqual(
      variables[ENV.consoleClientId],
    );
  });

  it('gives the console a client of the staff pool with the authorization code flow only, and no secret', () => {
    expect(consoleClient['UserPoolId']).toEqual(rendered(stateless, stateful.staffUserPool.userPoolId));
    expect(consoleClient['AllowedOAuthFlowsUserPoolClient']).toBe(true);
    expect(consoleClient['AllowedOAuthFlows']).toEqual(['code']);
    expect(consoleClient['SupportedIdentityProviders']).toEqual(['COGNITO']);
    // A public client: PKCE protects the code, and the browser never holds a token.
    expect(consoleClient['GenerateSecret']).toBe(false);
    // No password or SRP sign-in through the API, only the hosted pages (and the session's refresh).
    expect(consoleClient['ExplicitAuthFlows']).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    // Without the admin scope its tokens cannot change the user's attributes.
    expect(consoleClient['AllowedOAuthScopes']).toEqual(['openid']);
    expect(consoleClient['EnableTokenRevocation']).toBe(true);
    expect(consoleClient['PreventUserExistenceErrors']).toBe('ENABLED');
  });

  it('keeps a console session 8 hours at most, on tokens that last an hour', () => {
    expect(validityMinutes(consoleClient, 'RefreshToken')).toBe(8 * 60);
    expect(validityMinutes(consoleClient, 'IdToken')).toBe(60);
    expect(validityMinutes(consoleClient, 'AccessToken')).toBe(60);
  });

  it('puts the organisation and agency in its ID tokens, and lets it write neither', () => {
    const read = consoleClient['ReadAttributes'] as string[];
    const written = consoleClient['WriteAttributes'] as string[];

    expect(read).toEqual(expect.arrayContaining(['custom:organisation_id', 'custom:agency_id']));
    // An empty list would mean every standard attribute to Cognito.
    expect(written.length).toBeGreaterThan(0);
    for (const attribute of written) {
      expect(attribute.startsWith('custom:'), attribute).toBe(false);
      expect(['email', 'email_verified', 'phone_number']).not.toContain(attribute);
    }
  });

  it('returns staff only to the console on the API’s own URL: the callback and signed-out pages', () => {
    const pages = PAGE_LIST.filter((page) => page.method === 'GET').map((page) => page.path);

    expect(pages).toEqual(expect.arrayContaining(['/console/callback', '/console/signed-out']));
    expect(consoleClient['CallbackURLs']).toEqual([
      rendered(stateless, `${stateless.executeApiUrl}/console/callback`),
    ]);
    expect(consoleClient['LogoutURLs']).toEqual([
      rendered(stateless, `${stateless.executeApiUrl}/console/signed-out`),
    ]);
  });

  it('returns staff to the stage’s own domain when it has one', () => {
    const client = onlyClient(onOwnDomain.statelessTemplate);

    expect(client['CallbackURLs']).toEqual(['https://api.csp.ashford.gov.uk/console/callback']);
    expect(client['LogoutURLs']).toEqual(['https://api.csp.ashford.gov.uk/console/signed-out']);
  });

  it('keeps the client out of the stateful stack, which must not depend on the API', () => {
    expect(stateful.dependencies.map((stack) => stack.stackName)).not.toContain(stateless.stackName);
    expect(JSON.stringify(statefulTemplate.toJSON())).not.toContain('/console/');
    expect(resource(statelessTemplate, logicalId(stateless.consoleClient)).Type).toBe(
      'AWS::Cognito::UserPoolClient',
    );
  });
});
