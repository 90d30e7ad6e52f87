/** `npm run generate:web-assets`: writes the GOV.UK Frontend stylesheet module the web function serves. */
import { writeFileSync } from 'node:fs';
import { stylesheetModule } from './web/govuk-stylesheet.ts';

export const STYLESHEET_MODULE = 'functions/web/govuk-frontend-css.generated.ts';

writeFileSync(STYLESHEET_MODULE, stylesheetModule());
process.stdout.write(`Wrote ${STYLESHEET_MODULE}\n`);
