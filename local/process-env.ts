/**
 * Settings the AWS SDK and Powertools read only from the environment, given
 * their local defaults before anything is built: no Node-version notice, no
 * metrics printed to the terminal, warnings and errors logged, and the X-Ray
 * SDK (which Powertools' tracer loads) in manual mode: in automatic mode it
 * tracks every promise of the process through an async hook, a cost paid per
 * article for traces that are off outside Lambda. Imported first by the local
 * entry points (`npm start`, `npm run demo`); the stack itself never writes to
 * the environment. Set a variable to override its default.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.AWS_XRAY_MANUAL_MODE ??= 'true';
