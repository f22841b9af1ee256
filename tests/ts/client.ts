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

export async function maintenances(vehicle: number): Promise<void> {
  const list = await api.GET("/api/maintenances", {
    params: { query: { vehicle, status: "COMPLETED", ordering: "-service_date", search: "vidange", page_size: 20 } },
  });
  const first: S["Maintenance"] | undefined = list.data?.results[0];
  const cost: string | null | undefined = first?.cost;
  const make: string | undefined = first?.vehicle_info.make;
  const created = await api.POST("/api/maintenances", {
    body: { vehicle, service_date: "2026-03-01", service_type: "Vidange", cost: "89.90", mileage: 120000, status: "SCHEDULED" },
  });
  const id: number = created.data?.id ?? 0;
  const detail = await api.GET("/api/maintenances/{id}", { params: { path: { id } } });
  const plate: string | null | undefined = detail.data?.vehicle_detail?.license_plate;
  const put = await api.PUT("/api/maintenances/{id}", {
    params: { path: { id } },
    body: { service_date: "2026-03-02", service_type: "Vidange", performed_by: null, status: "COMPLETED" },
  });
  const patched = await api.PATCH("/api/maintenances/{id}", { params: { path: { id } }, body: { cost: null, description: "Huile 5W30" } });
  const upcoming = await api.GET("/api/maintenances/upcoming");
  const forVehicle = await api.GET("/api/vehicles/{id}/maintenances", { params: { path: { id: vehicle } } });
  use(cost, make, plate, put.data?.status, patched.data?.description, upcoming.data, forVehicle.data?.[0]?.service_date);
}

export async function catalog(): Promise<void> {
  const brands = await api.GET("/api/brands", { params: { query: { search: "Renault" } } });
  const models: number | undefined = brands.data?.results[0]?.models_count;
  const brand = await api.POST("/api/brands", { body: { name: "Alpine", logo_url: null } });
  const brandId: number = brand.data?.id ?? 0;
  await api.PUT("/api/brands/{id}", { params: { path: { id: brandId } }, body: { name: "Alpine", logo_url: "https://example.com/alpine.png" } });
  await api.PATCH("/api/brands/{id}", { params: { path: { id: brandId } }, body: { name: "Alpine Cars" } });
  const one = await api.GET("/api/brands/{id}", { params: { path: { id: brandId } } });
  const model = await api.POST("/api/models", { body: { brand: brandId, name: "A110", year_start: 2017, year_end: null } });
  const modelId: number = model.data?.id ?? 0;
  const got = await api.GET("/api/models/{id}", { params: { path: { id: modelId } } });
  const brandName: string | undefined = got.data?.brand_name;
  await api.PATCH("/api/models/{id}", { params: { path: { id: modelId } }, body: { year_end: 2025 } });
  const ofBrand = await api.GET("/api/brands/{id}/models", { params: { path: { id: brandId } } });
  use(models, one.data?.name, brandName, ofBrand.data);
}

export async function garages(): Promise<void> {
  const list = await api.GET("/api/garages", { params: { query: { city: "Lyon", near: "45.76,4.83", radius_km: 10 } } });
  const g: S["Garage"] | undefined = list.data?.results[0];
  const rating: string | null | undefined = g?.average_rating;
  const created = await api.POST("/api/garages", {
    body: { name: "Garage du Centre", email: "contact@garage.example", address: "12 rue de la République", city: "Lyon", specialties: ["freins"] },
  });
  const id: number = created.data?.id ?? 0;
  const detail = await api.GET("/api/garages/{id}", { params: { path: { id } } });
  const all: number | undefined = detail.data?.all_reviews.length;
  await api.PUT("/api/garages/{id}", { params: { path: { id } }, body: { name: "Garage du Centre", email: "a@garage.example", address: "12 rue" } });
  await api.PATCH("/api/recommended/{id}", { params: { path: { id } }, body: { phone: "04 78 00 00 00" } });
  const review = await api.POST("/api/reviews", { body: { garage: id, rating: 5, comment: "Rapide et honnête" } });
  const reviewId: number = review.data?.id ?? 0;
  const author: string | null | undefined = review.data?.reviewer_email;
  await api.PATCH("/api/reviews/{id}", { params: { path: { id: reviewId } }, body: { rating: 4 } });
  const reviews = await api.GET("/api/reviews", { params: { query: { garage: id } } });
  use(rating, all, author, reviews.data?.count);
}

export async function notifications(): Promise<void> {
  const list = await api.GET("/api/notifications", { params: { query: { is_read: false, notification_type: "maintenance_reminder" } } });
  const n: S["Notification"] | undefined = list.data?.results[0];
  const read: boolean | undefined = n?.is_read;
  const created = await api.POST("/api/notifications", { body: { title: "Rappel", message: "Vidange dans 7 jours", notification_type: "maintenance_reminder" } });
  const id: number = created.data?.id ?? 0;
  await api.GET("/api/notifications/{id}", { params: { path: { id } } });
  await api.PUT("/api/notifications/{id}", { params: { path: { id } }, body: { is_read: true } });
  await api.PATCH("/api/notifications/{id}", { params: { path: { id } }, body: { is_read: false } });
  const unread = await api.GET("/api/notifications/unread_count");
  const count: number | undefined = unread.data?.unread_count;
  const done = await api.POST("/api/notifications/mark_all_as_read");
  use(read, count, done.data?.message);
}

export async function settings(): Promise<void> {
  const mine = await api.GET("/api/settings/me");
  const theme: string | undefined = mine.data?.theme;
  const updated = await api.PATCH("/api/settings/update_me", { body: { language: "fr", units: "km", email_notifications: false } });
  const put = await api.PUT("/api/settings/update_me", { body: { theme: "dark", currency: "EUR", timezone: "Europe/Paris" } });
  const list = await api.GET("/api/settings");
  const id: number = list.data?.results[0]?.id ?? 0;
  const one = await api.GET("/api/settings/{id}", { params: { path: { id } } });
  await api.PATCH("/api/settings/{id}", { params: { path: { id } }, body: { push_notifications: true } });
  use(theme, updated.data?.language, put.data?.timezone, one.data?.user);
}

export async function documents(vehicle: number): Promise<void> {
  const list = await api.GET("/api/documents", { params: { query: { vehicle, document_type: "invoice", is_analyzed: true } } });
  const d: S["Document"] | undefined = list.data?.results[0];
  const size: number | undefined = d?.file_size;
  const info: string | undefined = d?.vehicle_info?.model;
  const id: number = d?.id ?? 0;
  const one = await api.GET("/api/documents/{id}", { params: { path: { id } } });
  const status: "pending" | "processing" | "done" | "failed" | null | undefined = one.data?.analysis_status;
  const patched = await api.PATCH("/api/documents/{id}", { params: { path: { id } }, body: { title: "Facture vidange", vehicle: null } });
  const put = await api.PUT("/api/documents/{id}", { params: { path: { id } }, body: { document_type: "insurance" } });
  const stats = await api.GET("/api/documents/stats");
  const total: number | undefined = stats.data?.total_documents;
  const ofVehicle = await api.GET("/api/vehicles/{id}/documents", { params: { path: { id: vehicle } } });
  const upload: S["DocumentUpload"] = { file: "", title: "Carte grise", document_type: "registration", vehicle };
  use(size, info, status, patched.data?.title, put.data?.document_type, total, ofVehicle.data?.[0]?.file_url, upload);
}

export async function conversations(vehicle: number): Promise<void> {
  const created = await api.POST("/api/conversations", { body: { title: null } });
  const id: number = created.data?.id ?? 0;
  const sent = await api.POST("/api/conversations/{id}/send_message", { params: { path: { id } }, body: { content: "Combien ai-je dépensé cette année ?", vehicle_id: vehicle } });
  const role: string | undefined = sent.data?.role;
  const reply: S["ChatMessage"] | null | undefined = sent.data?.reply;
  const replyText: string | undefined = reply?.content;
  const detail = await api.GET("/api/conversations/{id}", { params: { path: { id } } });
  const count: number | undefined = detail.data?.messages_count;
  const messages: S["ChatMessage"][] | undefined = detail.data?.messages;
  const recent = await api.GET("/api/conversations/recent", { params: { query: { limit: 5 } } });
  const stats = await api.GET("/api/conversations/stats");
  const average: number | undefined = stats.data?.average_messages_per_conversation;
  const list = await api.GET("/api/messages", { params: { query: { conversation: id, role: "assistant" } } });
  const chat = await api.POST("/api/assistant/chat", { body: { message: "P0301 ?" } });
  const intent: string | undefined = chat.data?.intent;
  use(role, replyText, count, messages, recent.data?.[0]?.title, average, list.data?.count, intent);
}

export async function applySuggestion(document: number): Promise<void> {
  const applied = await api.POST("/api/documents/{id}/apply-suggestion", { params: { path: { id: document } }, body: { service_type: "Vidange" } });
  const kind: string | undefined = applied.data?.applied;
  const cost: string | null | undefined = applied.data?.maintenance?.cost;
  const filled: string[] | null | undefined = applied.data?.filled;
  use(kind, cost, filled);
}

export async function plans(): Promise<void> {
  const list = await api.GET("/api/plans");
  const p: S["Plan"] | undefined = list.data?.results[0];
  const price: string | undefined = p?.monthly_price;
  const vehicles: number | undefined = p?.limits.vehicles;
  const one = await api.GET("/api/plans/{id}", { params: { path: { id: p?.id ?? 1 } } });
  const catalog = await api.GET("/api/subscriptions/plans");
  const id: string | undefined = catalog.data?.[0]?._id;
  const usage = await api.GET("/api/subscriptions/usage");
  const check = await api.GET("/api/subscriptions/check-limits", { params: { query: { resource: "vehicles", amount: 1 } } });
  const allowed: boolean | undefined = check.data?.allowed;
  const health = await api.GET("/api/health");
  const state: string | undefined = health.data?.status;
  use(price, vehicles, one.data?.code, id, usage.data?.plan, allowed, state);
}

/** A problem+json answer as the frontends read it. */
export function problem(p: S["ProblemBody"]): string {
  const code: S["Code"] = p.code;
  const fields: string[] = Object.keys(p.errors ?? {});
  return `${code}: ${p.detail} ${fields.join(",")}`;
}
