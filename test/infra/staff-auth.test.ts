/** Staff routes are behind the Cognito authorizer on AWS; everything else is public by design. */
import { afterAll, describe, expect, it } from 'vitest';
import { STAFF_ROLES } from '../../functions/domain/staff.ts';
import { isStaffRoute, ROUTE_LIST, type RouteSpec } from '../../functions/topology.ts';
import { STAFF_INVITATION } from '../../lib/stateful-stack.ts';
import { removeOutdirs, rendered, resourcesOfType, synthApp } from './synth.ts';

afterAll(removeOutdirs);

const { statefulTemplate, statelessTemplate } = synthApp('prod', { bundle: false });

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
    const { stage, stateful } = synthApp('prod', { bundle: false });
    const properties = pools[0]?.Properties ?? {};
    const invitation = (
      properties['AdminCreateUserConfig'] as {
        InviteMessageTemplate: { EmailMessage: string; EmailSubject: string };
      }
    ).InviteMessageTemplate;

    expect(properties['EmailConfiguration']).toMatchObject({
      EmailSendingAccount: 'DEVELOPER',
      From: stage.senderAddress,
      ConfigurationSet: rendered(stateful, stateful.configurationSet.configurationSetName),
    });
    expect(JSON.stringify((properties['EmailConfiguration'] as { SourceArn: unknown }).SourceArn)).toContain(
      `:identity/${stage.sesIdentity}`,
    );
    // Cognito refuses a template without both placeholders.
    expect(invitation.EmailMessage).toContain('{username}');
    expect(invitation.EmailMessage).toContain('{####}');
    expect(invitation.EmailSubject).toBe(STAFF_INVITATION.emailSubject);
  });

  it('gives staff tools short-lived tokens, SRP sign-in only, and no OAuth flows until the console has a real callback', () => {
    const clients = Object.values(resourcesOfType(statefulTemplate, 'AWS::Cognito::UserPoolClient'));

    expect(clients).toHaveLength(1);
    const client = clients[0]?.Properties ?? {};
    expect(client['ExplicitAuthFlows']).toEqual(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    expect(client['AllowedOAuthFlows'] ?? []).toEqual([]);
    expect(client['CallbackURLs'] ?? []).toEqual([]);
    expect(client['GenerateSecret']).toBe(false);
    // Validity in the client's own units: a day of refresh, an hour of ID and access token.
    const inMinutes = (value: unknown, unit: unknown) =>
      Number(value) * ({ days: 1440, hours: 60, minutes: 1 } as Record<string, number>)[String(unit)]!;
    const units = (client['TokenValidityUnits'] ?? {}) as Record<string, string>;
    expect(inMinutes(client['RefreshTokenValidity'], units['RefreshToken'] ?? 'days')).toBeLessThanOrEqual(
      1440,
    );
    expect(inMinutes(client['IdTokenValidity'], units['IdToken'] ?? 'hours')).toBeLessThanOrEqual(60);
    expect(inMinutes(client['AccessTokenValidity'], units['AccessToken'] ?? 'hours')).toBeLessThanOrEqual(60);
  });

  it('has one group per staff role', () => {
    const groups = Object.values(resourcesOfType(statefulTemplate, 'AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties?.['GroupName'],
    );
    expect(groups.sort()).toEqual([...STAFF_ROLES].sort());
  });
});
