/**
 * Ashford Community Safety Partnership, our first customer, as its partnership file holds it
 * (partnerships/ashford.json): what the local cloud runs by default, and what tests seed.
 */
import path from 'node:path';
import { governanceSeedOf, loadPartnershipFile, referenceSeedOf } from './partnership-file.ts';

/** Ashford's partnership file. */
export const ASHFORD_FILE_PATH = path.resolve(import.meta.dirname, '../../partnerships/ashford.json');

export const ASHFORD_FILE = loadPartnershipFile(ASHFORD_FILE_PATH);
/** Ashford's enquiry-facing records: the partnership, agencies, categories and routing. */
export const ASHFORD = referenceSeedOf(ASHFORD_FILE);
/** Ashford's governance records: profile settings, organisations, priorities and assessments. */
export const ASHFORD_GOVERNANCE = governanceSeedOf(ASHFORD_FILE);
