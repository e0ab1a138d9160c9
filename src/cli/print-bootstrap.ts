// Prints the first-start credentials once, on stdout, where a newcomer will see them.
import type { BootstrapResult } from '../auth/bootstrap.js';

export function printBootstrap(boot: BootstrapResult, port: number | null): void {
  const url = port ? `http://localhost:${port}` : null;
  if (boot.createdAdmin) {
    const lines = [
      '',
      '  jsruntime is ready. First start: a superadmin was created in tenant "default".',
      url ? `    URL:      ${url}` : null,
      `    Email:    ${boot.createdAdmin.email}`,
      boot.createdAdmin.fromEnv
        ? '    Password: (from JSRUNTIME_ADMIN_PASSWORD)'
        : `    Password: ${boot.createdAdmin.password}`,
      boot.createdAdmin.fromEnv ? null : '  This password is shown only once: store it now.',
      '',
    ].filter((l): l is string => l !== null);
    process.stdout.write(lines.join('\n') + '\n');
  } else if (url) {
    process.stdout.write(`jsruntime is ready at ${url}\n`);
  }
}
