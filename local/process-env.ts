/**
 * Settings the AWS SDK and Powertools read only from the environment, given
 * their local defaults before anything is built: no Node-version notice, no
 * metrics printed to the terminal, warnings and errors logged. Imported first
 * by the local entry points (`npm start`, `npm run demo`); the stack itself
 * never writes to the environment. Set a variable to override its default.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
