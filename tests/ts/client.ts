// A frontend's calls, written against the TypeScript types that openapi-typescript generates from the server's
// /api/openapi.json (scripts/test.sh generates them, then runs `tsc --noEmit`). It is type-checked, not run: it
// fails to compile when the document loses a path, a parameter, a body field or a typed answer field that the
// contract names. Typed locals (`const x: string = …`) are the assertions: an untyped (`unknown`) field fails.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/api";

type S = components["schemas"];

const api = createClient<paths>({ baseUrl: "http://127.0.0.1:8080" });

/** Something the compiler must see used. */
function use(..._values: unknown[]): void {}

export async function auth(): Promise<void> {
  const reg = await api.POST("/api/users/register", {
    body: {
      email: "ada@example.com",
      password: "Correct-Horse-9",
      password_confirm: "Correct-Horse-9",
      first_name: "Ada",
      last_name: "Lovelace",
      phone_number: null,
      language: "fr",
    },
  });
  if (reg.data && "tokens" in reg.data) {
    const access: string = reg.data.tokens.access;
    use(access);
  }
  const login = await api.POST("/api/auth/login", { body: { email: "ada@example.com", password: "x" } });
  if (login.data) {
    const otp: boolean = login.data.otp_required;
    if ("tokens" in login.data) {
      const user: S["User"] = login.data.user;
      const verified: boolean = user.email_verified;
      use(verified);
    } else {
      const email: string = login.data.email;
      use(email);
    }
    use(otp);
  }
  const otp = await api.POST("/api/users/verify-otp", { body: { email: "ada@example.com", otp_code: "123456" } });
  const refresh: string | undefined = otp.data?.tokens.refresh;
  const rotated = await api.POST("/api/token/refresh", { body: { refresh: refresh ?? "" } });
  const newAccess: string | undefined = rotated.data?.access;
  const me = await api.GET("/api/users/me");
  const pending: string | null | undefined = me.data?.pending_email;
  const updated = await api.PATCH("/api/users/me", { body: { first_name: "Augusta", phone_number: "+33 6 12 34 56 78" } });
  const replaced = await api.PUT("/api/auth/me", { body: { email: "ada@example.org", first_name: "Ada", last_name: "King" } });
  const sessions = await api.GET("/api/users/sessions", { params: { query: { page: 1, page_size: 50 } } });
  const current: boolean | undefined = sessions.data?.results[0]?.is_current;
  const revoked = await api.DELETE("/api/users/sessions");
  const n: number | undefined = revoked.data?.revoked;
  const check = await api.POST("/api/users/validate-reset-token", { body: { token: "t" } });
  const valid: boolean | undefined = check.data?.valid;
  const changed = await api.POST("/api/users/change-password", {
    body: { old_password: "a", new_password: "Another-Pass-1", new_password_confirm: "Another-Pass-1" },
  });
  const message: string | undefined = changed.data?.message;
  use(newAccess, pending, updated.data?.last_name, replaced.data?.email, current, n, valid, message);
}

export async function vehicles(): Promise<void> {
  const list = await api.GET("/api/vehicles", {
    params: { query: { fuel_type: "diesel", transmission: "manual", year: 2019, ordering: "-year,make", search: "clio", page: 2 } },
  });
  if (list.data) {
    const count: number = list.data.count;
    const next: string | null = list.data.next;
    const first: S["Vehicle"] | undefined = list.data.results[0];
    const plate: string | null | undefined = first?.license_plate;
    const fuel: "gasoline" | "diesel" | "electric" | "hybrid" | "plugin_hybrid" | null | undefined = first?.fuel_type;
    use(count, next, plate, fuel);
  }
  const created = await api.POST("/api/vehicles", {
    body: { make: "Renault", model: "Clio", year: 2019, license_plate: "tu 123 ab", vin: null, fuel_type: "diesel", transmission: "manual" },
  });
  const id: number = created.data?.id ?? 0;
  const detail = await api.GET("/api/vehicles/{id}", { params: { path: { id } } });
  const counts: number | undefined = detail.data ? detail.data.maintenances_count + detail.data.documents_count : undefined;
  const put = await api.PUT("/api/vehicles/{id}", {
    params: { path: { id } },
    body: { make: "Renault", model: "Clio V", year: 2020, color: "bleu" },
  });
  const patched = await api.PATCH("/api/vehicles/{id}", { params: { path: { id } }, body: { color: null, vin: "VF1RFB00X57123456" } });
  const stats = await api.GET("/api/vehicles/stats");
  const diesel: number | undefined = stats.data?.by_fuel_type["diesel"];
  await api.DELETE("/api/vehicles/{id}", { params: { path: { id } } });
  use(counts, put.data?.updated_at, patched.data?.vin, diesel);
}

/** A problem+json answer as the frontends read it. */
export function problem(p: S["ProblemBody"]): string {
  const code: S["Code"] = p.code;
  const fields: string[] = Object.keys(p.errors ?? {});
  return `${code}: ${p.detail} ${fields.join(",")}`;
}
