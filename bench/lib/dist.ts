// The code under test is the production build (dist/, what `npm start` runs), loaded with the
// types of its sources. The bench script builds it first; a stale dist/ is reported.
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as IndexModule from '../../src/index.js';
import type * as CompileModule from '../../src/runtime/compile.js';
import type * as ScriptModule from '../../src/domain/script.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Dist {
  readonly createRuntime: typeof IndexModule.createRuntime;
  readonly compileScript: typeof CompileModule.compileScript;
  readonly defaultLimits: typeof ScriptModule.DEFAULT_LIMITS;
}

async function load<T>(path: string): Promise<T> {
  return (await import(new URL(`../../dist/${path}`, import.meta.url).href)) as T;
}

export async function loadDist(): Promise<Dist> {
  const index = await load<typeof IndexModule>('index.js');
  const compile = await load<typeof CompileModule>('runtime/compile.js');
  const script = await load<typeof ScriptModule>('domain/script.js');
  return {
    createRuntime: index.createRuntime,
    compileScript: compile.compileScript,
    defaultLimits: script.DEFAULT_LIMITS,
  };
}

/** Source files changed after dist/ was built (empty when the build is current). */
export function staleSources(): string[] {
  let built: number;
  try {
    built = statSync(`${ROOT}dist/index.js`).mtimeMs;
  } catch {
    return ['dist/index.js is missing'];
  }
  return readdirSync(`${ROOT}src`, { recursive: true })
    .map(String)
    .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))
    .filter((f) => statSync(`${ROOT}src/${f}`).mtimeMs > built)
    .map((f) => `src/${f}`);
}
