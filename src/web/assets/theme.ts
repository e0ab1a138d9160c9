// Editor theme that follows the operating system's light/dark preference, live.
import { monaco } from './monaco.js';

let watching = false;

/** The Monaco theme for the current `prefers-color-scheme`. */
export function currentTheme(): string {
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'vs-dark' : 'vs';
}

/** Applies the theme now and on every change of the preference (themes are page-global). */
export function followColorScheme(): void {
  if (watching) return;
  watching = true;
  monaco.editor.setTheme(currentTheme());
  window
    .matchMedia('(prefers-color-scheme: dark)')
    .addEventListener('change', () => monaco.editor.setTheme(currentTheme()));
}
