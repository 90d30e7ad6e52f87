#!/usr/bin/env node
/**
 * CDK entry point: `cdk synth -c stage=prod`. The stage's settings, its account and region included, come from
 * cdk.json's `stages` (`-c account=… -c region=…` override them); a missing or bad one stops the synth with
 * one line naming it.
 */
import { createApp } from '../lib/app.ts';
import { StageConfigError } from '../lib/stage-config.ts';

try {
  createApp();
} catch (error) {
  if (!(error instanceof StageConfigError)) throw error;
  process.stderr.write(`Cannot synthesize: ${error.message}\n`);
  process.exit(1);
}
