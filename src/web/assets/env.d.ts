// Module kinds the asset build (esbuild) understands beyond TypeScript: CSS is bundled to editor.css.
declare module '*.css';
