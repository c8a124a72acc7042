// The AWS SDK's once-per-process "releases after January 2027 need Node.js 22" notice is noise in
// every test worker's output; the README's Node.js note carries the advice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
