/**
 * Imported first, before any module builds an AWS SDK client: the SDK warns once per process that its 2027
 * releases need Node.js 22. Lambda runs the functions on Node.js 22 already; on a developer's Node 20 the
 * warning says nothing about this system, so the local cloud and the bench switch it off with the SDK's own
 * setting (a variable already set by the caller wins).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
