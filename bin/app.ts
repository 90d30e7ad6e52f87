#!/usr/bin/env node
/** CDK entry point: `cdk synth -c stage=prod`. The stage's settings come from cdk.json's `stages`. */
import { createApp } from '../lib/app.ts';

const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;

createApp({ env: account || region ? { account, region } : undefined });
