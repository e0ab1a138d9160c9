// Login page.
import { Layout } from './layout.js';

export function LoginPage(props: {
  csrf: string;
  next: string;
  email?: string;
  error?: string | null;
}) {
  return (
    <Layout title="Log in" principal={null}>
      <section class="login card">
        <h1>Log in to jsruntime</h1>
        {props.error ? (
          <p class="form-error" role="alert" id="login-error">
            {props.error}
          </p>
        ) : null}
        <form method="post" action="/login" class="form">
          <input type="hidden" name="_csrf" value={props.csrf} />
          <input type="hidden" name="next" value={props.next} />
          <label for="email">Email</label>
          <input
            id="email"
            name="email"
            type="email"
            autocomplete="username"
            required
            value={props.email ?? ''}
            autofocus
          />
          <label for="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
          />
          <button type="submit" class="primary">
            Log in
          </button>
        </form>
      </section>
    </Layout>
  );
}
