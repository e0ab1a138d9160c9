// Full-page and fragment renderings of an error (403, 404, 500 …).
import type { Principal } from '../../auth/principal.js';
import { Layout } from './layout.js';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Too large',
  429: 'Too many requests',
  500: 'Something went wrong',
  503: 'Unavailable',
  504: 'Timed out',
};

export function errorTitle(status: number): string {
  return TITLES[status] ?? 'Error';
}

export function ErrorPage(props: {
  status: number;
  message: string;
  principal: Principal | null;
  detail?: string;
}) {
  return (
    <Layout title={errorTitle(props.status)} principal={props.principal}>
      <section class="error-page" role="alert">
        <h1>
          {props.status} · {errorTitle(props.status)}
        </h1>
        <p>{props.message}</p>
        {props.detail ? <p class="muted">{props.detail}</p> : null}
        <p>
          <a href="/scripts">Back to scripts</a>
        </p>
      </section>
    </Layout>
  );
}

/** HTMX error answer: shown in the toast area (the server retargets it there). */
export function ErrorToast(props: { message: string }) {
  return (
    <div class="toast toast-error" role="alert">
      {props.message}
    </div>
  );
}
