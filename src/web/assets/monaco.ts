// Monaco trimmed to what script authors need (editor features, JS/TS only) and configured for the
// script contract: SDK globals, no DOM globals, top-level return/await allowed.
import 'monaco-editor/features/register.all.js';
import 'monaco-editor/languages/definitions/javascript/register.js';
import 'monaco-editor/languages/definitions/typescript/register.js';
import * as monaco from 'monaco-editor/editor/editor.api.js';
import {
  getJavaScriptWorker,
  getTypeScriptWorker,
  javascriptDefaults,
  typescriptDefaults,
  ModuleKind,
  ScriptTarget,
} from 'monaco-editor/languages/features/typescript/register.js';

export { monaco };

/** The TypeScript language service (in its worker) that serves models of `language`. */
export async function languageWorker(language: 'javascript' | 'typescript', uri: monaco.Uri) {
  const get = await (language === 'typescript' ? getTypeScriptWorker() : getJavaScriptWorker());
  return get(uri);
}

/** Filled in by the asset build with the text of sdk.d.ts, so typings and bundle never drift. */
declare const __SDK_DTS__: string;

// The script is an async function *body*, which TypeScript cannot be told directly: these are
// the diagnostics that flag what the wrapper makes legal.
const CONTRACT_DIAGNOSTICS = [
  1108, // A 'return' statement can only be used within a function body.
  1375, // 'await' expressions are only allowed at the top level of a file when that file is a module.
  1378, // Top-level 'await' expressions are only allowed when the 'module' option is set to …
  1431, // 'for await' loops are only allowed at the top level of a file when that file is a module.
  1432, // Top-level 'for await' loops are only allowed when the 'module' option is set to …
];

/** Worker bundles sit next to this bundle, wherever the service mounts the assets. */
function workerUrl(file: string): URL {
  return new URL(`./${file}`, import.meta.url);
}

let configured = false;

/** Idempotent: sets the worker factory and the JS/TS language defaults once per page. */
export function configureMonaco(): void {
  if (configured) return;
  configured = true;

  self.MonacoEnvironment = {
    getWorker(_workerId: string, label: string): Worker {
      const file =
        label === 'typescript' || label === 'javascript' ? 'ts.worker.js' : 'editor.worker.js';
      // Module workers: the bundles are ES modules (NOTES: the TS worker needs {type: 'module'}).
      return new Worker(workerUrl(file), { type: 'module', name: label });
    },
  };

  const base = {
    target: ScriptTarget.ESNext,
    module: ModuleKind.ESNext,
    // Only the ECMAScript built-ins: scripts have no window/document/fetch, so none are offered.
    lib: ['esnext'],
    // Each model is its own module (TS ModuleDetectionKind.Force = 3): top-level await is legal
    // and two editors on one page (e.g. a diff) do not collide on top-level declarations.
    moduleDetection: 3,
    allowNonTsExtensions: true,
    noEmit: true,
  };
  // Model URIs have no extension (the language can switch live), so the worker picks the script
  // kind from allowJs: it must be off for TypeScript, or type annotations become errors.
  typescriptDefaults.setCompilerOptions({ ...base, strict: true });
  javascriptDefaults.setCompilerOptions({ ...base, allowJs: true, checkJs: true });

  for (const defaults of [typescriptDefaults, javascriptDefaults]) {
    defaults.setDiagnosticsOptions({
      noSemanticValidation: false,
      noSyntaxValidation: false,
      diagnosticCodesToIgnore: CONTRACT_DIAGNOSTICS,
    });
    defaults.addExtraLib(__SDK_DTS__, 'ts:sdk.d.ts');
    // Sync models to the worker as soon as they exist so the first completion is not empty.
    defaults.setEagerModelSync(true);
  }
}
