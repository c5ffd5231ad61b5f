/**
 * Entry point for the Azure Functions host (`func start`, and the container on AKS): package.json
 * `main` points here. The embedded host (`npm start`) does not load this file; it serves the same
 * definitions from ./catalog.js.
 */
import { app } from '@azure/functions';
import { closeAppContext, getAppContext } from '../app/runtime.js';
import { functions } from './catalog.js';
import { registerWithFunctionsHost } from './register.js';

app.setup({ enableHttpStream: true });

registerWithFunctionsHost({ definitions: functions, getApp: getAppContext });

// Validate settings (and resolve Key Vault secrets) at cold start: a bad setting fails the worker
// start with a message naming it, instead of failing the first request.
app.hook.appStart(async () => {
  await getAppContext();
});

app.hook.appTerminate(async () => {
  await closeAppContext();
});
