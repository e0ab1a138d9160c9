// Hono environment shared by every route: the request's principal and its services.
import type { Principal } from '../auth/principal.js';

export interface AppEnv {
  Variables: {
    principal: Principal | null;
    /** Message shown once as a toast on the next page (from the flash cookie). */
    flash: string | null;
  };
}
