/**
 * Imported first by run.ts, before any module builds an AWS SDK client: this machine's Node is older than the
 * SDK's next minimum, and the warning the SDK prints about it once per process says nothing about the bench.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
