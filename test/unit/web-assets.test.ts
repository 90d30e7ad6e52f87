/**
 * The stylesheet the web function serves: GOV.UK Frontend's own, without what is reserved for GOV.UK, and
 * exactly what the installed release generates (else: npm run generate:web-assets).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ASSETS, OWN_STYLESHEET, STYLESHEET } from '../../functions/web/assets.ts';
import { GOVUK_FRONTEND_CSS } from '../../functions/web/govuk-frontend-css.generated.ts';
import {
  installedGovukFrontend,
  servableStylesheet,
  stylesheetModule,
} from '../../scripts/web/govuk-stylesheet.ts';

describe('the GOV.UK Frontend stylesheet', () => {
  it('is what the installed govuk-frontend generates (else: npm run generate:web-assets)', () => {
    const committed = readFileSync('functions/web/govuk-frontend-css.generated.ts', 'utf8');
    expect(committed === stylesheetModule(), 'the generated stylesheet is stale').toBe(true);
    expect(STYLESHEET).toBe(`govuk-frontend-${installedGovukFrontend().version}.css`);
  });

  it('drops the GDS Transport font and the crest, falling back to Arial, and keeps everything else', () => {
    const { css } = installedGovukFrontend();
    expect(css).toContain('@font-face');
    expect(GOVUK_FRONTEND_CSS).not.toMatch(/@font-face|GDS Transport|govuk-crest|url\(/);
    expect(GOVUK_FRONTEND_CSS).toContain('font-family:arial,sans-serif');
    expect(GOVUK_FRONTEND_CSS).toContain('.govuk-error-summary');
    // Only the fonts' rules, the font name and the crest's images are gone: most of the sheet is untouched.
    expect(GOVUK_FRONTEND_CSS.length).toBeGreaterThan(css.length * 0.95);
  });

  it('refuses a release whose stylesheet would refer to a file it does not serve', () => {
    expect(() => servableStylesheet('.a{background:url(/assets/images/new.png)}')).toThrow(/new\.png/);
    expect(
      servableStylesheet(
        '@font-face{font-family:GDS Transport;src:url(/x.woff2)}.b{font-family:GDS Transport,arial,sans-serif}',
      ),
    ).toBe('.b{font-family:arial,sans-serif}');
  });

  it('is served for a year (its name changes with each release), the icon for a day', () => {
    expect(ASSETS.get(STYLESHEET)?.cacheControl).toBe('public, max-age=31536000, immutable');
    expect(ASSETS.get(STYLESHEET)?.contentType).toBe('text/css; charset=utf-8');
    expect(ASSETS.get('favicon.svg')?.cacheControl).toBe('public, max-age=86400');
    expect([...ASSETS.keys()].sort()).toEqual(['favicon.svg', OWN_STYLESHEET, STYLESHEET].sort());
    expect(ASSETS.get(OWN_STYLESHEET)?.body).toContain('.csp-scroll{overflow-x:auto');
  });
});
